"""Paths and targets of budget.smk: the twin's error budget."""

BUDGET_CSV = out("tables", "error_budget.csv")
BUDGET_MD = out("tables", "error_budget.md")


def budget_targets():
    """The error budget's tables when the data are the twin's, else nothing."""
    return [BUDGET_CSV, BUDGET_MD] if SOURCE == "twin" else []
