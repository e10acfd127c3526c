"""Input functions and params of budget_curve.smk: the curve's models, points and seeds, and their files."""

from sstbias.evaluation import budget_curve  # noqa: E402

BUDGET = budget_curve.budget_settings(config)


def budget_metrics(wildcards):
    """The metrics of every point and seed of the model's curve, point-major (what budget_table expects)."""
    return [
        fill("metrics", wildcards, run=Run(wildcards.model, seed, "budget_it", it).name)
        for it in BUDGET.iterations
        for seed in BUDGET.seeds
    ]


def budget_logs(wildcards):
    """The training log of each seed's budget training of the model."""
    return [
        fill("deep_log", wildcards, run=Run(wildcards.model, seed, "budget").name)
        for seed in BUDGET.seeds
    ]


def budget_batch_size(wildcards):
    """The model's batch size (target days per iteration): samples seen = iterations x batch size."""
    from sstbias.deep.settings import deep_settings

    return deep_settings(wildcards.model, config["models"][wildcards.model]).batch_size


def budget_references(wildcards):
    """The metrics files of the curve's references that this run has (the same for every model): raw, LightGBM's
    seeds, the twin's floor."""
    found = {
        "raw": runs("raw") if "raw" in SELECTED_MODELS else [],
        "lightgbm": runs("lightgbm") if "lightgbm" in SELECTED_MODELS else [],
        "floor": [catalog.FLOOR] if SOURCE == "twin" else [],
    }
    return {
        name: [fill("metrics", wildcards, run=run) for run in names]
        for name, names in found.items()
    }
