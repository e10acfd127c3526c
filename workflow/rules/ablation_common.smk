"""Paths and input functions of the deep models' ablation (rules in ablation.smk).

    snakemake ablation --cores 2        ->  tables/ablation.csv, tables/ablation.md

Steps and their settings: sstbias.ablation. Each step's trainings are runs of their own
(models/ablation/{model}/{step}/seed_{seed}/), cached like any run; the seeds are config ablation.seeds.
"""

from sstbias import ablation  # noqa: E402

ABLATION_SEEDS = config["ablation"]["seeds"]
ABLATION_MODELS = config["ablation"].get("models", DEEP_MODELS)
ABLATION_RUN = ("{model}", "{step}", "seed_{seed}")
PATHS.update(
    {
        "ablation_best": out("models", "ablation", *ABLATION_RUN, "best.pt"),
        "ablation_log": out("models", "ablation", *ABLATION_RUN, "training_log.csv"),
        "ablation_config": out(
            "models", "ablation", *ABLATION_RUN, "model_config.json"
        ),
        "ablation_prediction": out(
            "predictions", "ablation", "{model}", "{step}", "seed_{seed}.nc"
        ),
        "ablation_metrics": out(
            "metrics", "ablation", "{model}", "{step}", "seed_{seed}.json"
        ),
        "ablation_daily": out(
            "metrics", "ablation", "{model}", "{step}", "seed_{seed}_daily.csv"
        ),
        "ablation_climatology": out(
            "models", "ablation", "climatology", "{fit}", "model.joblib"
        ),
        "ablation_climatology_prediction": out(
            "predictions", "ablation", "climatology", "{fit}.nc"
        ),
        "ablation_climatology_metrics": out(
            "metrics", "ablation", "climatology", "{fit}.json"
        ),
        "ablation_climatology_daily": out(
            "metrics", "ablation", "climatology", "{fit}_daily.csv"
        ),
        "ablation_csv": out("tables", "ablation.csv"),
        "ablation_md": out("tables", "ablation.md"),
    }
)


def ablation_runs():
    """Every deep model and training step with the metrics and training logs of its seeds."""
    return [
        {
            "model": model,
            "step": step,
            "metrics": expand(
                PATHS["ablation_metrics"], model=model, step=step, seed=ABLATION_SEEDS
            ),
            "logs": expand(
                PATHS["ablation_log"], model=model, step=step, seed=ABLATION_SEEDS
            ),
        }
        for model in ABLATION_MODELS
        for step in ablation.training_steps()
    ]


def ablation_title():
    """The table's title: the dataset and, for the twin, its scenario."""
    scenario = config["twin"].get("scenario")
    twin = f", twin scenario {scenario}" if SOURCE == "twin" and scenario else ""
    return f"Ablation on {config['dataset']}{twin}"
