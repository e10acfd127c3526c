"""Input functions of grids.smk and budget_curve.smk: an iteration point's weights, the training that wrote them."""


def point_inputs(weights):
    """The input function of an iteration point (an iteration grid or budget point): its weights, PATHS[weights]
    at its iteration, and the description of the training that wrote them."""

    def inputs(wildcards):
        run = run_of(wildcards)
        training = {
            "run": run.training.name,
            "it": f"{run.value:06d}",
            **lead_values(wildcards),
        }
        return {
            "weights": expand(PATHS[weights], **training)[0],
            "description": expand(PATHS["deep_config"], **training)[0],
        }

    return inputs


def grid_targets():
    """The grid model's tables and figures of each configured grid (the input of target grids; none without
    grids.model)."""
    targets = []
    for grid, values in (("lr", GRID_LEARNING_RATES), ("iterations", GRID_ITERATIONS)):
        if values:
            targets += expand(
                [PATHS["grid_table_csv"], PATHS["grid_table_md"], PATHS["grid_figure"]],
                grid=grid,
                model=GRID_MODEL,
                allow_missing=True,
            )
    return targets


def grid_runs(grid):
    """The runs of the grid model's points, point-major: lr_<value> or it_<iteration>, each seed (sstbias.experiments.runs)."""
    kind, values = (
        ("lr", GRID_LEARNING_RATES) if grid == "lr" else ("it", GRID_ITERATIONS)
    )
    return [Run(GRID_MODEL, seed, kind, v).name for v in values for seed in SEEDS]


def grid_metrics(wildcards):
    """The metrics of every point and seed of a grid, point-major (what grid_summary expects)."""
    return expand(
        PATHS["metrics"], run=grid_runs(wildcards.grid), **lead_values(wildcards)
    )


def grid_values(wildcards):
    """The grid's values (learning rates or iterations), in the order of grid_runs."""
    return GRID_LEARNING_RATES if wildcards.grid == "lr" else GRID_ITERATIONS


def kept_weights(weights, iterations):
    """The weights files PATHS[weights] a training keeps at ``iterations`` (its run still a wildcard): those at the
    iteration grid's points, or those selected on validation up to the budget curve's points.
    """
    its = [f"{it:06d}" for it in iterations]
    return expand(PATHS[weights], it=its, allow_missing=True)
