"""Random Forest corrector: scikit-learn ``RandomForestRegressor`` on per-cell samples."""

from __future__ import annotations

from sklearn.ensemble import RandomForestRegressor

from sstbias.baselines.tabular import TABULAR_DEFAULTS, TabularCorrector


class RandomForest(TabularCorrector):
    """Random Forest on per-cell samples; ``max_depth: null`` grows trees to purity (scikit-learn's default)."""

    name = "random_forest"
    defaults = {
        "n_estimators": 50,
        "max_depth": 14,
        "min_samples_leaf": 20,
        "max_train_samples": 150_000,
        **TABULAR_DEFAULTS,
    }

    def _estimator(self) -> RandomForestRegressor:
        return RandomForestRegressor(
            n_estimators=self.settings["n_estimators"],
            max_depth=self.settings["max_depth"],
            min_samples_leaf=self.settings["min_samples_leaf"],
            random_state=self.seed,
            n_jobs=self.n_jobs,
        )
