"""The corrector interface shared by every baseline: fit on days, predict days, save and load."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import ClassVar

import joblib
import numpy as np
import pandas as pd
import xarray as xr

from sstbias.errors import ConfigError
from sstbias.netcdf import atomic_write


class Corrector(ABC):
    """A bias corrector of the daily forecast.

    ``settings`` is the config section ``models.<name>`` (unknown keys are a ConfigError naming them),
    ``features`` the config's ``features`` section, ``seed`` and ``n_jobs`` control randomness and threads.
    """

    name: ClassVar[str]
    defaults: ClassVar[dict] = {}
    uses_features: ClassVar[bool] = False  # whether the config's ``features`` section shapes this model

    def __init__(self, settings: dict, features: dict, seed: int = 0, n_jobs: int = 1) -> None:
        unknown = sorted(set(settings) - set(self.defaults))
        if unknown:
            raise ConfigError(
                f"models.{self.name}.{unknown[0]}: unknown setting (known: {sorted(self.defaults) or 'none'})"
            )
        self.settings = {**self.defaults, **settings}
        self.features = dict(features)
        self.seed = seed
        self.n_jobs = n_jobs

    @abstractmethod
    def fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        """Learn from the aligned ``data`` (forecast, observation, ocean_mask) on ``days`` only."""

    @abstractmethod
    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        """Corrected SST (time, lat, lon) in degC for ``days``; ``data`` holds no observation."""

    def predict(self, data: xr.Dataset, days: pd.DatetimeIndex) -> xr.DataArray:
        """Corrected SST (time, lat, lon) float32 degC of ``days``, NaN off the ocean mask.

        The observation is removed from ``data`` before the model sees it.
        """
        days = pd.DatetimeIndex(days)
        inputs = data.drop_vars("observation", errors="ignore")
        values = self._correct(inputs, days)
        template = inputs["forecast"].sel(time=days)
        corrected = xr.DataArray(values.astype("float32"), dims=template.dims, coords=template.coords)
        corrected = corrected.where(inputs["ocean_mask"] == 1)
        corrected.attrs = {
            "units": "degC",
            "standard_name": "sea_surface_temperature",
            "long_name": "bias-corrected sea surface temperature",
        }
        return corrected

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted corrector (joblib, compressed) atomically."""
        atomic_write(path, lambda tmp: joblib.dump(self, tmp, compress=3))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Corrector:
        """Read a corrector written by :meth:`save`; it must be of this class."""
        obj = joblib.load(path)
        if not isinstance(obj, cls):
            raise TypeError(f"{path}: holds a {type(obj).__name__}, not a {cls.__name__}")
        return obj


def ocean_cells(data: xr.Dataset) -> np.ndarray:
    """Flat indices (n_cells,) of the ocean cells into the (lat, lon) grid."""
    return np.flatnonzero(data["ocean_mask"].values.ravel() == 1)


def scatter_cells(values: np.ndarray, cells: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(n_days, n_cells) values placed on (n_days, H, W), NaN elsewhere."""
    out = np.full((values.shape[0], shape[0] * shape[1]), np.nan, dtype="float64")
    out[:, cells] = values
    return out.reshape(values.shape[0], *shape)
