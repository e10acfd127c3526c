"""Input functions of grids.smk: an iteration point's weights and the training that wrote them."""


def checkpoint_inputs(wildcards):
    """An iteration point's weights, and the description of the training that wrote them."""
    run = run_of(wildcards)
    training = {"run": run.training.name, "it": f"{run.value:06d}"}
    return {
        "weights": expand(PATHS["deep_weights"], **training)[0],
        "description": expand(PATHS["deep_config"], **training)[0],
    }


def grid_runs(grid):
    """The runs of the grid model's points, point-major: lr_<value> or it_<iteration>, each seed (sstbias.runs)."""
    kind, values = (
        ("lr", GRID_LEARNING_RATES) if grid == "lr" else ("it", GRID_ITERATIONS)
    )
    return [Run(GRID_MODEL, seed, kind, v).name for v in values for seed in SEEDS]


def grid_metrics(wildcards):
    """The metrics of every point and seed of a grid, point-major (what grid_summary expects)."""
    return expand(PATHS["metrics"], run=grid_runs(wildcards.grid))


def grid_values(wildcards):
    """The grid's values (learning rates or iterations), in the order of grid_runs."""
    return GRID_LEARNING_RATES if wildcards.grid == "lr" else GRID_ITERATIONS


def iteration_weights():
    """The weights kept at the grid's iterations by an iteration-grid training (its run still a wildcard)."""
    its = [f"{it:06d}" for it in GRID_ITERATIONS]
    return expand(PATHS["deep_weights"], it=its, allow_missing=True)
