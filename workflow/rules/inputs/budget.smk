"""Input functions and targets of budget.smk: the twin's diagnostics and error budget."""


def budget_targets():
    """The error budget's tables when the data are the twin's, else nothing."""
    return (
        [PATHS["error_budget_csv"], PATHS["error_budget_md"]]
        if SOURCE == "twin"
        else []
    )


def twin_diagnostics():
    """The twin's per-month diagnostics over the period: the unpredictable error of each day."""
    return monthly("twin_diagnostics")
