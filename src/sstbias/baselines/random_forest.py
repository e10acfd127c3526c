"""Random Forest corrector: scikit-learn ``RandomForestRegressor`` on per-cell samples.

Saved with ``skops.io`` (no pickle): loading builds only the types of :data:`TRUSTED_TYPES` beyond skops' own
defaults and refuses a file that names any other type.
"""

from __future__ import annotations

from sklearn.ensemble import RandomForestRegressor

from sstbias.baselines.tabular import TabularCorrector

# The types a fitted forest holds that skops does not trust by default (the trees' array-backed structure).
TRUSTED_TYPES = ["sklearn.tree._tree.Tree"]


class RandomForest(TabularCorrector):
    """Random Forest on per-cell samples; ``max_depth: null`` grows trees to purity (scikit-learn's default)."""

    name = "random_forest"

    def _estimator(self) -> RandomForestRegressor:
        return RandomForestRegressor(
            n_estimators=self.settings["n_estimators"],
            max_depth=self.settings["max_depth"],
            min_samples_leaf=self.settings["min_samples_leaf"],
            random_state=self.seed,
            n_jobs=self.n_jobs,
        )

    def _estimator_bytes(self) -> bytes:
        import skops.io

        return skops.io.dumps(self.estimator_)

    def _estimator_from_bytes(self, payload: bytes) -> RandomForestRegressor:
        import skops.io

        try:
            untrusted = sorted(set(skops.io.get_untrusted_types(data=payload)) - set(TRUSTED_TYPES))
        except Exception as err:  # skops raises many types for bytes that are not one of its files
            raise ValueError(f"not a skops file ({type(err).__name__}: {err})") from err
        if untrusted:
            raise ValueError(f"the estimator names types outside the trusted list: {untrusted[:5]}")
        estimator = skops.io.loads(payload, trusted=TRUSTED_TYPES)
        if not isinstance(estimator, RandomForestRegressor):
            raise ValueError(f"the estimator is a {type(estimator).__name__}, not a RandomForestRegressor")
        estimator.n_jobs = self.n_jobs
        return estimator
