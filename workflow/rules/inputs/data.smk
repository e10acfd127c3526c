"""Input functions and params of data.smk: what shapes a twin month, and the days of a month's daily forecast."""


def twin_settings(wildcards):
    """The config entries that shape one twin month, with the period clipped to that month.

    Passing only these as params keeps unrelated config changes from regenerating the raw data.
    """
    days = [
        day
        for day in period_days(config["period"])
        if day.strftime("%Y-%m") == wildcards.month
    ]
    return {
        "box": config["box"],
        "grid": {"resolution": config["grid"]["resolution"]},
        "raw_margin_deg": config["raw_margin_deg"],
        "twin": config["twin"],
        "period": {"start": str(days[0].date()), "end": str(days[-1].date())},
    }


def month_window(wildcards):
    """First and last day of the period in the month: the days the month's daily forecast holds."""
    days = month_days(wildcards.month)
    return {"first": days[0], "last": days[-1]}
