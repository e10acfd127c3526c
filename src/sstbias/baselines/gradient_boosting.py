"""LightGBM corrector: ``lightgbm.LGBMRegressor`` (gradient-boosted trees) on per-cell samples.

Built with ``deterministic=True`` and row-wise histograms so that a fixed seed gives identical models whatever
the number of threads. Saved as LightGBM's own text model (no code can be carried), read back as a ``Booster``.
"""

from __future__ import annotations

from lightgbm import Booster, LGBMRegressor
from lightgbm.basic import LightGBMError

from sstbias.baselines.tabular import TabularCorrector


class LightGBM(TabularCorrector):
    """LightGBM on per-cell samples."""

    name = "lightgbm"

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

    def _estimator_bytes(self) -> bytes:
        return self.estimator_.booster_.model_to_string().encode()

    def _estimator_from_bytes(self, payload: bytes) -> Booster:
        try:
            return Booster(model_str=payload.decode())
        except (LightGBMError, UnicodeDecodeError) as err:
            raise ValueError(f"not a LightGBM text model ({err})") from err
