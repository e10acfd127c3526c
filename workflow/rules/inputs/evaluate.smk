"""Input functions of evaluate.smk and figures.smk: the models and runs whose metrics enter the tables."""


def evaluated_models():
    """Models whose metrics enter the tables; the twin adds its irreducible floor."""
    return SELECTED_MODELS + ([catalog.FLOOR] if config["source"] == "twin" else [])


def evaluated_runs():
    """Every run whose metrics enter the tables."""
    return [run for model in evaluated_models() for run in runs(model)]
