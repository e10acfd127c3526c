"""LightGBM corrector: ``lightgbm.LGBMRegressor`` (gradient-boosted trees) on per-cell samples.

Built with ``deterministic=True`` and row-wise histograms so that a fixed seed gives identical models whatever
the number of threads.
"""

from __future__ import annotations

from lightgbm import LGBMRegressor

from sstbias.baselines.tabular import TABULAR_DEFAULTS, TabularCorrector


class LightGBM(TabularCorrector):
    """LightGBM on per-cell samples."""

    name = "lightgbm"
    defaults = {
        "n_estimators": 300,
        "learning_rate": 0.05,
        "num_leaves": 63,
        "max_train_samples": 400_000,
        **TABULAR_DEFAULTS,
    }

    def _estimator(self) -> LGBMRegressor:
        return LGBMRegressor(
            n_estimators=self.settings["n_estimators"],
            learning_rate=self.settings["learning_rate"],
            num_leaves=self.settings["num_leaves"],
            random_state=self.seed,
            n_jobs=self.n_jobs,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
