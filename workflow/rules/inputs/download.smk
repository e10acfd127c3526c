"""Params of download.smk: the connection limits and what defines each download (the raw files of the period,
which the downloads make, are in raw.smk)."""

from sstbias.data.leads import lead_taus

# Downloads (source: remote): the polite limits of simultaneous connections per server, unless the user gives
# them with --resources.
for resource, limit in (
    ("hycom_connections", config["remote"]["hycom"]["max_connections"]),
    ("oisst_connections", config["remote"]["oisst"]["max_connections"]),
):
    if resource not in workflow.global_resources:
        workflow.register_resource(resource, limit)


def hycom_request():
    """What defines a HYCOM day's content, passed as params: the raw box and the dataset path."""
    hycom = config["remote"]["hycom"]
    return {"box": RAW_BOX} | {
        key: hycom[key] for key in ("dataset", "experiment", "collection")
    }


def erddap_request(wildcards):
    """What defines an ERDDAP month's content, passed as params: the raw box, the dataset id and the days."""
    erddap_dataset = config["remote"]["oisst"]["erddap_dataset"]
    return {
        "box": RAW_BOX,
        "erddap_dataset": erddap_dataset,
        "days": period_month_days(wildcards.month),
    }


def run_lead_taus(wildcards):
    """The taus (hours) of the job's lead day of a forecast run (sstbias.data.leads)."""
    reduction = config["daily_reduction"]
    return list(lead_taus(int(wildcards.lead), reduction["method"], reduction["hour"]))
