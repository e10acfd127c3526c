"""Input functions and params of ablation.smk: the ablation's runs, seeds and models, and the table's title."""

from sstbias.experiments.ablation import steps as ablation  # noqa: E402

ABLATION_SEEDS = config["ablation"]["seeds"]
ABLATION_MODELS = config["ablation"].get("models", SELECTED_DEEP_MODELS)


def ablation_runs(wildcards):
    """Every deep model and training step with the metrics and training logs of its seeds (ordinary runs
    ``ablation/<model>/<step>/seed_<n>``) of the job's lead."""
    return [
        {
            "model": model,
            "step": step,
            "metrics": [
                fill("metrics", wildcards, run=Run(model, seed, "ablation", step).name)
                for seed in ABLATION_SEEDS
            ],
            "logs": [
                fill("deep_log", wildcards, run=Run(model, seed, "ablation", step).name)
                for seed in ABLATION_SEEDS
            ],
        }
        for model in ABLATION_MODELS
        for step in ablation.training_steps()
    ]


def ablation_climatology_metrics(wildcards):
    """The metrics of the climatology fitted under each protocol step, by step, of the job's lead."""
    return {
        step: fill(
            "metrics",
            wildcards,
            run=Run(ABLATION_BASELINE, None, "ablation", step).name,
        )
        for step in ablation.protocol_steps()
    }


def ablation_title():
    """The table's title: the experiment (common.smk)."""
    return f"Ablation on {experiment()}"
