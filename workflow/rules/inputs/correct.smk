"""Input functions of correct.smk: the new forecast files to correct, and the model folders that correct them."""


def correction_forecasts(wildcards):
    """New forecast files {name}: {correction.forecast_dir}/{name}.nc, or every *.nc of the folder {name}."""
    folder = Path(config["correction"]["forecast_dir"]) / wildcards.name
    if not folder.is_dir():
        return [f"{folder}.nc"]
    files = sorted(str(path) for path in folder.glob("*.nc"))
    if not files:
        raise ValueError(
            f"correction.forecast_dir: {folder} holds no *.nc forecast file"
        )
    return files


def lead_models(wildcards):
    """The descriptions and weights of the models of every lead of a run: the model for every lead (lead_input),
    or one model per lead (lists either way)."""
    if lead_input_run(wildcards):
        return {key: [path] for key, path in deep_model_files(wildcards).items()}
    return {
        "best": expand(PATHS["deep_best"], lead=LEADS, run=wildcards.run),
        "description": expand(PATHS["deep_config"], lead=LEADS, run=wildcards.run),
    }
