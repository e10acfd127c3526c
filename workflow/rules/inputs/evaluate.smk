"""Input functions of evaluate.smk and figures.smk: the runs whose metrics enter the tables, and those shown."""


def evaluated_models():
    """Models whose metrics enter the tables; the twin adds its static oracle and irreducible floor."""
    return SELECTED_MODELS + (
        list(catalog.ORACLES) if config["source"] == "twin" else []
    )


def evaluated_runs():
    """Every run whose metrics enter the tables."""
    return [run for model in evaluated_models() for run in runs(model)]


def first_runs(models):
    """The first run of each model: what the figures show."""
    return [runs(model)[0] for model in models]
