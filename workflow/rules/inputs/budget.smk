"""Input functions and targets of budget.smk: the twin's diagnostics and error budget."""


def budget_targets():
    """The error budget's tables when the data are the twin's, else nothing."""
    return (
        [PATHS["error_budget_csv"], PATHS["error_budget_md"]]
        if SOURCE == "twin"
        else []
    )


def twin_diagnostics(wildcards):
    """The twin's per-month diagnostics over the period: the unpredictable error of each day (of the job's lead:
    the part of the error no corrector of that lead can know)."""
    lead = int(wildcards.get("lead", 0))
    if lead:
        return expand(PATHS["twin_lead_diagnostics"], month=MONTHS, lead=lead)
    return expand(PATHS["twin_diagnostics"], month=MONTHS)
