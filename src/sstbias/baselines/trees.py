"""Tree ensembles on per-cell samples: Random Forest (scikit-learn) and LightGBM.

Features come from :mod:`sstbias.features`. ``target: residual`` (default) learns observation - forecast and adds
it back; ``target: observation`` learns the observed SST directly (the paper's label). ``max_train_samples``
takes a seeded random subset of the fit rows to bound the run time.
"""

from __future__ import annotations

import logging
from abc import abstractmethod

import lightgbm
import numpy as np
import pandas as pd
import xarray as xr
from sklearn.ensemble import RandomForestRegressor

from sstbias.baselines.base import Corrector, scatter_cells
from sstbias.errors import ConfigError
from sstbias.features import build_features, usable_days

log = logging.getLogger("sstbias.baselines")


class TreeCorrector(Corrector):
    """Common fitting and prediction of the tree models; subclasses build the estimator."""

    uses_features = True

    def __init__(self, settings: dict, features: dict, seed: int = 0, n_jobs: int = 1) -> None:
        super().__init__(settings, features, seed, n_jobs)
        if self.settings["target"] == "residual" and not self.features.get("forecast", True):
            raise ConfigError(f"models.{self.name}.target: residual needs features.forecast: true")

    @abstractmethod
    def _estimator(self) -> RandomForestRegressor | lightgbm.LGBMRegressor:
        """A new, unfitted estimator built from the settings."""

    def fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        days = usable_days(data, pd.DatetimeIndex(days), self.features, strict=False)
        X, cells = build_features(data, days, self.features)
        observed = data["observation"].sel(time=days).values.reshape(len(days), -1)[:, cells].reshape(-1)
        target = observed - X[:, 0] if self._residual() else observed
        rng = np.random.default_rng(self.seed)
        if len(target) > self.settings["max_train_samples"]:
            rows = np.sort(rng.choice(len(target), self.settings["max_train_samples"], replace=False))
            X, target = X[rows], target[rows]
        self.estimator_ = self._estimator()
        self.estimator_.fit(X, target)
        log.info("%s fitted on %d samples x %d features", self.name, *X.shape)

    def _residual(self) -> bool:
        return self.settings["target"] == "residual"

    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        usable_days(data, days, self.features, strict=True)
        X, cells = build_features(data, days, self.features)
        predicted = self.estimator_.predict(X).astype("float64")
        if self._residual():
            predicted = predicted + X[:, 0]
        shape = (data.sizes["lat"], data.sizes["lon"])
        return scatter_cells(predicted.reshape(len(days), cells.size), cells, shape)


class RandomForest(TreeCorrector):
    """scikit-learn RandomForestRegressor."""

    name = "random_forest"
    defaults = {
        "n_estimators": 50,
        "max_depth": 14,
        "min_samples_leaf": 20,
        "max_train_samples": 150000,
        "target": "residual",
    }

    def _estimator(self) -> RandomForestRegressor:
        return RandomForestRegressor(
            n_estimators=self.settings["n_estimators"],
            max_depth=self.settings["max_depth"],
            min_samples_leaf=self.settings["min_samples_leaf"],
            random_state=self.seed,
            n_jobs=self.n_jobs,
        )


class LightGBM(TreeCorrector):
    """LightGBM LGBMRegressor."""

    name = "lightgbm"
    defaults = {
        "n_estimators": 300,
        "learning_rate": 0.05,
        "num_leaves": 63,
        "max_train_samples": 400000,
        "target": "residual",
    }

    def _estimator(self) -> lightgbm.LGBMRegressor:
        return lightgbm.LGBMRegressor(
            n_estimators=self.settings["n_estimators"],
            learning_rate=self.settings["learning_rate"],
            num_leaves=self.settings["num_leaves"],
            random_state=self.seed,
            n_jobs=self.n_jobs,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
