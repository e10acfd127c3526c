"""Shared fitting and prediction of the correctors that regress per-cell samples (random_forest, lightgbm).

Samples and features come from :mod:`sstbias.data.features`. ``target: residual`` (default) learns observation -
forecast (degC) and adds it back to the day's forecast; ``target: observation`` learns the observed SST directly
(the paper's label). ``max_train_samples`` draws a seeded random subset of the fit rows to bound the run time.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.baselines.base import Corrector
from sstbias.data.features import build_features, feature_names
from sstbias.errors import ConfigError

log = logging.getLogger("sstbias.baselines")


class TabularCorrector(Corrector):
    """A scikit-learn-style regressor on (day, ocean cell) samples; subclasses build the estimator."""

    uses_features = True

    def __init__(self, settings: dict, features: dict, seed: int = 0, n_jobs: int = 1) -> None:
        super().__init__(settings, features, seed, n_jobs)
        if self.settings["target"] == "residual" and not self.features["forecast"]:
            raise ConfigError(f"models.{self.name}.target: residual needs features.forecast: true")
        limit = self.settings["max_train_samples"]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ConfigError(f"models.{self.name}.max_train_samples: must be an integer >= 1, got {limit!r}")

    @abstractmethod
    def _estimator(self) -> Any:
        """A new, unfitted regressor (fit(X, y), predict(X)) built from the settings, seed and n_jobs."""

    @abstractmethod
    def _estimator_bytes(self) -> bytes:
        """The fitted estimator in a format that cannot carry code (written into the model file)."""

    @abstractmethod
    def _estimator_from_bytes(self, payload: bytes) -> Any:
        """The fitted estimator (predict(X)) of :meth:`_estimator_bytes`; ValueError if ``payload`` is not one."""

    def _state(self) -> dict[str, tuple]:
        payload = np.frombuffer(self._estimator_bytes(), dtype="uint8")
        return {"estimator": (("estimator_byte",), payload, {"long_name": f"fitted {self.name} estimator"})}

    def _restore(self, state: xr.Dataset) -> None:
        self.estimator_ = self._estimator_from_bytes(state["estimator"].values.astype("uint8").tobytes())

    def _fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        X, index = build_features(data, days, self.features, drop_incomplete=True)
        observed = data["observation"].sel(time=index.days).transpose("time", "lat", "lon").values
        y = observed.reshape(len(index.days), -1)[:, index.cells].reshape(-1)
        if self.settings["target"] == "residual":
            y = y - X[:, self._forecast_column()]
        limit = self.settings["max_train_samples"]
        if len(y) > limit:
            rows = np.sort(np.random.default_rng(self.seed).choice(len(y), limit, replace=False))
            X, y = X[rows], y[rows]
        self.estimator_ = self._estimator()
        self.estimator_.fit(X, y)
        log.info("%s fitted on %d samples x %d features (%s)", self.name, *X.shape, ", ".join(self._names()))

    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        X, index = build_features(data, days, self.features)
        predicted = self.estimator_.predict(X).astype("float64")
        if self.settings["target"] == "residual":
            predicted += X[:, self._forecast_column()]
        return index.to_grid(predicted, (data.sizes["lat"], data.sizes["lon"]))

    def _names(self) -> list[str]:
        return feature_names(self.features)

    def _forecast_column(self) -> int:
        return self._names().index("forecast")
