"""Random Forest corrector: scikit-learn ``RandomForestRegressor`` on per-cell samples."""

from __future__ import annotations

from dataclasses import dataclass

from sklearn.ensemble import RandomForestRegressor

from sstbias.baselines.tabular import TabularCorrector, TabularSettings


@dataclass
class RandomForestSettings(TabularSettings):
    """Config ``models.random_forest``."""

    n_estimators: int = 50
    max_depth: int | None = 14  # None grows trees to purity
    min_samples_leaf: int = 20
    max_train_samples: int = 150_000  # seeded subsample of the training rows


class RandomForest(TabularCorrector):
    """Random Forest on per-cell samples; ``max_depth: null`` grows trees to purity (scikit-learn's default)."""

    name = "random_forest"
    settings_class = RandomForestSettings

    def _estimator(self) -> RandomForestRegressor:
        return RandomForestRegressor(
            n_estimators=self.settings["n_estimators"],
            max_depth=self.settings["max_depth"],
            min_samples_leaf=self.settings["min_samples_leaf"],
            random_state=self.seed,
            n_jobs=self.n_jobs,
        )
