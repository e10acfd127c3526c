"""Input functions of correct.smk: the new forecast files to correct."""


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
