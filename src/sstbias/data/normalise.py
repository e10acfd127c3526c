"""Normalisation of SST fields with statistics from training days and ocean cells only (paper eq. 1)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.netcdf import atomic_write

VARIABLES = ("forecast", "observation")


@dataclass(frozen=True)
class Normaliser:
    """Affine map x' = (x - offset) / scale per variable; ``stats[var] = {"offset": ..., "scale": ...}`` (degC).

    ``minmax``: offset = min, scale = max - min (values of training days map to [0, 1]);
    ``zscore``: offset = mean, scale = standard deviation.
    """

    method: str
    scope: str
    days: list[str]
    stats: dict[str, dict[str, float]]

    def transform(self, values: xr.DataArray | np.ndarray, variable: str) -> xr.DataArray | np.ndarray:
        """Normalised ``values`` (degC in, dimensionless out) of ``variable``."""
        s = self.stats[variable]
        return (values - s["offset"]) / s["scale"]

    def inverse(self, values: xr.DataArray | np.ndarray, variable: str) -> xr.DataArray | np.ndarray:
        """Values in degC from normalised ``values`` of ``variable``."""
        s = self.stats[variable]
        return values * s["scale"] + s["offset"]

    def save(self, path: str | os.PathLike) -> None:
        """Write as JSON, atomically."""
        atomic_write(path, lambda tmp: tmp.write_text(json.dumps(asdict(self), indent=1) + "\n"))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Normaliser:
        """Read a normaliser written by :meth:`save`."""
        with open(path) as handle:
            return cls(**json.load(handle))


def _affine(values: np.ndarray, method: str) -> dict[str, float]:
    if method == "minmax":
        low, high = float(values.min()), float(values.max())
        return {"offset": low, "scale": high - low}
    if method == "zscore":
        return {"offset": float(values.mean()), "scale": float(values.std())}
    raise ValueError(f"normalisation.method must be 'minmax' or 'zscore', got {method!r}")


def fit_normaliser(
    data: xr.Dataset | Sequence[xr.Dataset], days: pd.DatetimeIndex, method: str = "minmax", scope: str = "shared"
) -> Normaliser:
    """Statistics of ``forecast`` and ``observation`` over ``days`` (training days only) and ocean cells.

    ``scope='shared'`` gives both variables the statistics of their pooled values (the model's output then
    lives on the scale of its input); ``'per_variable'`` gives each its own. Several datasets (the aligned data of
    several forecast leads, for a model that takes the lead as an input) pool the values of all of them.
    """
    datasets = [data] if isinstance(data, xr.Dataset) else list(data)
    subsets = [each.sel(time=pd.DatetimeIndex(days)) for each in datasets]
    values = {
        name: np.concatenate(
            [subset[name].values[:, subset["ocean_mask"].values.astype(bool)].ravel() for subset in subsets]
        )
        for name in VARIABLES
    }
    if scope == "shared":
        pooled = _affine(np.concatenate(list(values.values())), method)
        stats = {name: pooled for name in VARIABLES}
    elif scope == "per_variable":
        stats = {name: _affine(v, method) for name, v in values.items()}
    else:
        raise ValueError(f"normalisation.scope must be 'shared' or 'per_variable', got {scope!r}")
    for name, s in stats.items():
        if not np.isfinite(s["scale"]) or s["scale"] <= 0:
            raise ValueError(f"normalisation: {name} is constant over the training days; cannot normalise")
    return Normaliser(method, scope, [d.strftime("%Y-%m-%d") for d in subsets[0].indexes["time"]], stats)
