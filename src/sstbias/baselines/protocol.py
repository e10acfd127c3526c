"""The days a baseline fits on (config ``baseline_fit_days``): importable without scikit-learn, LightGBM or xsdba."""

from __future__ import annotations

import pandas as pd

from sstbias.errors import ConfigError

FIT_DAYS = ("train_and_validation", "train")


def baseline_fit_days(split: dict[str, pd.DatetimeIndex], fit_days: str) -> pd.DatetimeIndex:
    """The days a baseline fits on: the training days, plus the validation days for ``train_and_validation``.

    ``train_and_validation`` is the fair protocol: the baselines select nothing on validation, so they fit on every
    day before the test period, as the deep models see them for training and selection; ``train`` keeps the
    training days only, as before.
    """
    if fit_days not in FIT_DAYS:
        raise ConfigError(f"baseline_fit_days: must be one of {FIT_DAYS}, got {fit_days!r}")
    return split["train"] if fit_days == "train" else split["train"].union(split["validation"])
