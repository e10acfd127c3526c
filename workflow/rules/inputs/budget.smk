"""Targets of budget.smk: the twin's error budget."""


def budget_targets():
    """The error budget's tables when the data are the twin's, else nothing."""
    return (
        [PATHS["error_budget_csv"], PATHS["error_budget_md"]]
        if SOURCE == "twin"
        else []
    )
