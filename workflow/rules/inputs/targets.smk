"""The targets of rule all."""


def all_targets():
    """The split, the results tables and figures, and the grid model's grid tables and figures."""
    targets = [
        PATHS["split_csv"],
        PATHS["normalisation"],
        PATHS["metrics_csv"],
        PATHS["metrics_md"],
        PATHS["fig_error_maps"],
        PATHS["fig_error_series"],
    ]
    targets += [PATHS["fig_training"]] if SELECTED_DEEP_MODELS else []
    for grid, values in (("lr", GRID_LEARNING_RATES), ("iterations", GRID_ITERATIONS)):
        if values:
            targets += expand(
                [PATHS["grid_table_csv"], PATHS["grid_table_md"], PATHS["grid_figure"]],
                grid=grid,
                model=GRID_MODEL,
            )
    return targets
