"""Checks of the workflow configuration that JSON schema cannot express; each error names the key."""

from __future__ import annotations

import pandas as pd

from sstbias.box import Box
from sstbias.download.hycom import east_west_360
from sstbias.errors import ConfigError
from sstbias.grid import AnalysisGrid
from sstbias.split import split_sizes


def period_days(period: dict) -> pd.DatetimeIndex:
    """Every day (00:00 UTC stamps) of the config's ``period`` mapping, inclusive; ConfigError on a bad period."""
    try:
        start = pd.Timestamp(period["start"])
        end = pd.Timestamp(period["end"])
    except (ValueError, TypeError) as err:
        raise ConfigError(f"period: not a valid date ({err})") from err
    if start > end:
        raise ConfigError(f"period: start {start.date()} is after end {end.date()}")
    return pd.date_range(start, end, freq="D")


def period_months(period: dict) -> list[str]:
    """The months ("YYYY-MM") that the config's ``period`` touches, in order (one raw file each)."""
    return sorted({day.strftime("%Y-%m") for day in period_days(period)})


def raw_box(config: dict) -> Box:
    """The box that raw files cover: the analysis box grown by ``raw_margin_deg`` (degrees, rounded to 1e-6)."""
    grown = Box.from_config(config["box"]).expanded(config["raw_margin_deg"])
    return Box(*(round(edge, 6) for edge in (grown.lat_min, grown.lat_max, grown.lon_min, grown.lon_max)))


def check_config(config: dict) -> None:
    """Raise ConfigError naming the key if the (schema-validated) config is inconsistent."""
    AnalysisGrid.from_config(config)
    if config["source"] == "remote":
        east_west_360(raw_box(config))
    if config["source"] == "local":
        for key in ("hycom", "oisst"):
            if not config["local"][key]:
                raise ConfigError(f"local.{key}: empty; list the folders or globs of your files (source: local)")
    days = period_days(config["period"])
    split = config["split"]
    n_train, _, n_test = split_sizes(len(days), split["train_fraction"], split["validation_fraction"])
    if n_train < 1 or n_test < 1:
        raise ConfigError(
            f"split: {len(days)} days with train_fraction={split['train_fraction']} and "
            f"validation_fraction={split['validation_fraction']} leave {n_train} training and {n_test} test days"
        )
    for model in config.get("ablation", {}).get("models", []):
        if model not in config["models"]:
            raise ConfigError(f"ablation.models: {model!r} is not configured under models")
    grid_model = config["grids"].get("model")
    if grid_model is not None and grid_model not in config["models"]:
        raise ConfigError(f"grids.model: {grid_model!r} is not configured under models")
    lags = config["features"]["lagged_forecast_days"]
    if lags >= n_train:
        raise ConfigError(f"features.lagged_forecast_days: {lags} is not shorter than the {n_train} training days")
