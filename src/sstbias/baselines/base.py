"""The corrector interface shared by every baseline: fit on days, predict days, save and load."""

from __future__ import annotations

import dataclasses
import os
from abc import ABC, abstractmethod
from typing import ClassVar

import joblib
import numpy as np
import pandas as pd
import xarray as xr

from sstbias.errors import ConfigError, InputDataError
from sstbias.features import resolve_features
from sstbias.netcdf import SST_ATTRS, atomic_write


@dataclasses.dataclass
class NoSettings:
    """The settings of a model that has none (config ``models.<name>: {}``)."""


PREDICTION_ATTRS = {**SST_ATTRS, "long_name": "bias-corrected sea surface temperature"}


class Corrector(ABC):
    """A bias corrector of the daily forecast.

    ``settings`` is the config section ``models.<name>``: keys outside :attr:`settings_class` (the dataclass that
    owns the model's settings and their defaults; missing keys take them) and values outside
    :attr:`choices` are a ConfigError naming ``models.<name>.<key>``. ``features`` is the config's ``features``
    section (used, and checked, only when :attr:`uses_features`). ``seed`` and ``n_jobs`` control randomness and
    threads.

    Subclasses implement :meth:`_fit` and :meth:`_correct`. The public methods enforce the data contract:
    :meth:`fit` hands them observations of the fit days only (NaN on every other day) and :meth:`predict` no
    observation at all.
    """

    name: ClassVar[str]
    settings_class: ClassVar[type] = NoSettings
    choices: ClassVar[dict[str, tuple]] = {}
    uses_features: ClassVar[bool] = False  # whether the config's ``features`` section shapes this model

    def __init__(self, settings: dict, features: dict, seed: int = 0, n_jobs: int = 1) -> None:
        defaults = dataclasses.asdict(self.settings_class())
        unknown = sorted(set(settings) - set(defaults))
        if unknown:
            raise ConfigError(f"models.{self.name}.{unknown[0]}: unknown setting (known: {sorted(defaults) or 'none'})")
        self.settings = {**defaults, **settings}
        for key, allowed in self.choices.items():
            if self.settings[key] not in allowed:
                raise ConfigError(f"models.{self.name}.{key}: {self.settings[key]!r} is not one of {list(allowed)}")
        self.features = resolve_features(features) if self.uses_features else {}
        self.seed = seed
        self.n_jobs = n_jobs
        self.fit_days_: pd.DatetimeIndex | None = None

    def fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        """Learn from the aligned ``data`` (forecast, observation, ocean_mask) on ``days``.

        Forecasts of other days may serve as inputs (lagged features); observations of other days are hidden.
        """
        days = _days_in(data, days)
        inputs = data[["forecast", "observation", "ocean_mask"]]
        inputs["observation"] = inputs["observation"].where(inputs["time"].isin(days))
        self._fit(inputs, days)
        self.fit_days_ = days

    def predict(self, data: xr.Dataset, days: pd.DatetimeIndex) -> xr.DataArray:
        """Corrected SST float32 (time, lat, lon) degC over ``days``, NaN off the ocean mask, CF attributes.

        Only ``forecast`` and ``ocean_mask`` of ``data`` reach the model.
        """
        if self.fit_days_ is None:
            raise RuntimeError(f"{self.name}: predict called before fit")
        days = _days_in(data, days)
        inputs = data[["forecast", "ocean_mask"]]
        values = self._correct(inputs, days)
        coords = {"time": inputs["time"].sel(time=days), "lat": inputs["lat"], "lon": inputs["lon"]}
        corrected = xr.DataArray(values.astype("float32"), dims=("time", "lat", "lon"), coords=coords)
        corrected = corrected.where(inputs["ocean_mask"] == 1)
        corrected.attrs = dict(PREDICTION_ATTRS)
        return corrected

    @abstractmethod
    def _fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        """Learn from ``data`` on ``days``; its observation is NaN on every other day."""

    @abstractmethod
    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        """Corrected SST (n_days, H, W) in degC for ``days``; ``data`` holds only forecast and ocean_mask."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted corrector (joblib, compressed) atomically."""
        atomic_write(path, lambda tmp: joblib.dump(self, tmp, compress=3))

    @classmethod
    def load(cls, path: str | os.PathLike) -> Corrector:
        """Read a corrector written by :meth:`save`; InputDataError if the file holds anything else."""
        obj = joblib.load(path)
        if not isinstance(obj, cls):
            raise InputDataError(f"{path}: holds a {type(obj).__name__}, not a {cls.__name__}")
        return obj


def _days_in(data: xr.Dataset, days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """``days`` as a DatetimeIndex, an InputDataError if empty or if one is not in ``data``'s time axis."""
    days = pd.DatetimeIndex(days)
    if len(days) == 0:
        raise InputDataError("no days given")
    absent = days[~days.isin(pd.DatetimeIndex(data["time"].values))]
    if len(absent):
        raise InputDataError(f"{len(absent)} requested day(s) are not in the data, first {absent[0].date()}")
    return days


def ocean_cells(data: xr.Dataset) -> np.ndarray:
    """Flat indices (n_cells,) of the ocean cells into the (lat, lon) grid, ascending."""
    return np.flatnonzero(data["ocean_mask"].values.ravel() == 1)


def scatter_cells(values: np.ndarray, cells: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(n_days, n_cells) values placed on a float64 (n_days, H, W) grid, NaN elsewhere."""
    out = np.full((values.shape[0], shape[0] * shape[1]), np.nan)
    out[:, cells] = values
    return out.reshape(values.shape[0], *shape)
