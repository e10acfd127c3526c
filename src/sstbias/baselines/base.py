"""The corrector interface shared by every baseline: fit on days, predict days, save and load.

A fitted corrector is saved as netCDF (:data:`MODEL_FORMAT`): its settings, features and seed as JSON global
attributes, its fit days, and its fitted state as plain arrays (a tree model's estimator as bytes in a format that
cannot carry code: LightGBM's text model, scikit-learn trees through ``skops.io`` with a fixed list of trusted
types). Nothing is unpickled when a model file is read, so a file from someone else cannot run code; a pickled
model of an older sstbias (``model.joblib``) is refused with how to refresh it.
"""

from __future__ import annotations

import dataclasses
import json
import os
from abc import ABC, abstractmethod
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.data.features import resolve_features
from sstbias.errors import ConfigError, InputDataError
from sstbias.experiments import catalog
from sstbias.netcdf import write_dataset
from sstbias.setting import choices

# 1: netCDF, settings/features/seed as JSON attributes, the fitted state as variables (before: a joblib pickle).
MODEL_FORMAT = 1
# The largest model file read (bytes): above any baseline the workflow fits, small enough to refuse a planted file.
MAX_MODEL_BYTES = 2 * 1024**3
NETCDF4_SIGNATURE = b"\x89HDF\r\n\x1a\n"
_PICKLE_SIGNATURES = (b"\x80", b"\x78")  # a pickle (protocol 2+), a joblib pickle compressed with zlib


class Corrector(ABC):
    """A bias corrector of the daily forecast.

    ``settings`` is the config section ``models.<name>``: keys outside the model's settings dataclass (its
    catalogue entry's, :mod:`sstbias.baselines.settings`, which owns the defaults; missing keys take them) and
    values outside a field's ``enum`` are a ConfigError naming ``models.<name>.<key>``. ``features`` is the
    config's ``features`` section (used, and checked, only when :attr:`uses_features`). ``seed`` and ``n_jobs``
    control randomness and threads.

    Subclasses implement :meth:`_fit` and :meth:`_correct`. The public methods enforce the data contract:
    :meth:`fit` hands them observations of the fit days only (NaN on every other day) and :meth:`predict` no
    observation at all.
    """

    name: ClassVar[str]
    uses_features: ClassVar[bool] = False  # whether the config's ``features`` section shapes this model

    def __init__(self, settings: dict, features: dict, seed: int = 0, n_jobs: int = 1) -> None:
        settings_class = catalog.spec(self.name).settings
        defaults = dataclasses.asdict(settings_class())
        unknown = sorted(set(settings) - set(defaults))
        if unknown:
            raise ConfigError(f"models.{self.name}.{unknown[0]}: unknown setting (known: {sorted(defaults) or 'none'})")
        self.settings = {**defaults, **settings}
        for key, allowed in choices(settings_class).items():
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
        """Corrected SST float32 (time, lat, lon) degC over ``days``, NaN off the ocean mask.

        Only ``forecast`` and ``ocean_mask`` of ``data`` reach the model. The field has no attributes: a prediction
        file's are set where it is written (:func:`sstbias.netcdf.write_prediction`).
        """
        if self.fit_days_ is None:
            raise RuntimeError(f"{self.name}: predict called before fit")
        days = _days_in(data, days)
        inputs = data[["forecast", "ocean_mask"]]
        values = self._correct(inputs, days)
        coords = {"time": inputs["time"].sel(time=days), "lat": inputs["lat"], "lon": inputs["lon"]}
        corrected = xr.DataArray(values.astype("float32"), dims=("time", "lat", "lon"), coords=coords)
        return corrected.where(inputs["ocean_mask"] == 1)

    def note(self, days: pd.DatetimeIndex) -> str:
        """What a reader of the scores on ``days`` must know of how they were corrected ("": nothing), e.g. a
        fallback that changes what the model's row means; the prediction file records it for the tables' notes."""
        return ""

    @abstractmethod
    def _fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        """Learn from ``data`` on ``days``; its observation is NaN on every other day."""

    @abstractmethod
    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        """Corrected SST (n_days, H, W) in degC for ``days``; ``data`` holds only forecast and ocean_mask."""

    @abstractmethod
    def _state(self) -> dict[str, tuple]:
        """The fitted state as named netCDF variables ``(dims, array[, attrs])`` (plain arrays: no code)."""

    @abstractmethod
    def _restore(self, state: xr.Dataset) -> None:
        """Set the fitted state from the variables :meth:`_state` wrote (KeyError/ValueError if malformed)."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted corrector as netCDF (:data:`MODEL_FORMAT`) atomically."""
        if self.fit_days_ is None:
            raise RuntimeError(f"{self.name}: save called before fit")
        ds = xr.Dataset(self._state())
        ds["fit_days"] = ("fit_day", self.fit_days_.values)
        ds.attrs.update(
            title=f"sstbias baseline model {self.name}",
            sstbias_corrector=self.name,
            sstbias_model_format=MODEL_FORMAT,
            settings=json.dumps(self.settings, sort_keys=True),
            features=json.dumps(self.features, sort_keys=True),
            seed=self.seed,
        )
        write_dataset(ds, path, history=f"sstbias train {self.name}")

    @classmethod
    def load(cls, path: str | os.PathLike, n_jobs: int = 1) -> Corrector:
        """Read a corrector written by :meth:`save`; InputDataError naming ``path`` if it holds anything else.

        No byte of the file is unpickled: an old pickled model is refused unread.
        """
        path = Path(path)
        ds = _read_model_file(path)
        found = ds.attrs.get("sstbias_corrector")
        if found != cls.name:
            raise InputDataError(f"{path}: holds a {found} model, not a {cls.name} model")
        try:
            settings, features = json.loads(ds.attrs["settings"]), json.loads(ds.attrs["features"])
            obj = cls(settings, features, seed=int(ds.attrs["seed"]), n_jobs=n_jobs)
            obj.fit_days_ = pd.DatetimeIndex(ds["fit_days"].values)
            obj._restore(ds)
        except (KeyError, ValueError, TypeError, AttributeError, ConfigError) as err:
            raise InputDataError(f"{path}: not a valid {cls.name} model file ({type(err).__name__}: {err})") from err
        return obj


def _read_model_file(path: Path) -> xr.Dataset:
    """The dataset of a baseline model file, checked to be a regular netCDF file of :data:`MODEL_FORMAT`."""
    if not path.is_file():
        raise InputDataError(f"{path}: model file not found (or not a regular file)")
    size = path.stat().st_size
    if size > MAX_MODEL_BYTES:
        raise InputDataError(f"{path}: {size} bytes, larger than any sstbias model file ({MAX_MODEL_BYTES})")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(_PICKLE_SIGNATURES):
        raise InputDataError(
            f"{path}: a pickled model (written by an older sstbias): refused unread, a pickle can run code; "
            "retrain with this version to refresh it: snakemake --forcerun train_baseline <the results>"
        )
    if not head.startswith(NETCDF4_SIGNATURE):
        raise InputDataError(f"{path}: not an sstbias model file (not netCDF-4; starts with {head[:4]!r})")
    try:
        ds = xr.load_dataset(path, engine="netcdf4")
    except Exception as err:  # the netCDF library raises many types for files that are not netCDF
        raise InputDataError(f"{path}: not an sstbias model file ({type(err).__name__}: {err})") from err
    if ds.attrs.get("sstbias_model_format") != MODEL_FORMAT:
        raise InputDataError(
            f"{path}: not an sstbias model file of format {MODEL_FORMAT} (sstbias_model_format "
            f"{ds.attrs.get('sstbias_model_format')!r}); retrain with this version to refresh it"
        )
    return ds


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
