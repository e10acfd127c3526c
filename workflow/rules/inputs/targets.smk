"""The targets of rule all."""


def all_targets():
    """The split, the results tables and figures (the grids, the ablation and the budget curve are on demand)."""
    targets = [
        PATHS["split_csv"],
        PATHS["normalisation"],
        PATHS["metrics_csv"],
        PATHS["metrics_md"],
        PATHS["fig_error_maps"],
        PATHS["fig_error_series"],
    ]
    targets += [PATHS["fig_training"]] if SELECTED_DEEP_MODELS else []
    by_lead = [PATHS[key] for key in ("by_lead_csv", "by_lead_md", "by_lead_figure")]
    return every_lead(targets) + (by_lead if BY_LEAD else [])
