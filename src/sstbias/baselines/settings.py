"""Settings of the baselines (config ``models.<name>``): one dataclass per baseline, each field's default,
description and bounds written once (:func:`sstbias.setting.setting`). Importable without scikit-learn,
LightGBM or xsdba (the catalogue and the schema read them)."""

from __future__ import annotations

from dataclasses import dataclass

from sstbias.setting import setting

QUANTILE_MAPPING_KINDS = ("eqm", "qdm")  # empirical quantile mapping, quantile delta mapping
TABULAR_TARGETS = ("residual", "observation")


@dataclass
class NoSettings:
    """The settings of a model that has none (config ``models.<name>: {}``)."""


@dataclass
class ClimatologySettings:
    """Config ``models.climatology``."""

    by: str = setting("dayofyear", "Grouping of the mean bias.", enum=("all", "month", "dayofyear"))
    window_days: int = setting(31, "Smoothing window (and fallback size) in days.", minimum=1)


@dataclass
class QuantileMappingSettings:
    """Config ``models.quantile_mapping``."""

    kind: str = setting("eqm", "Empirical quantile mapping or quantile delta mapping.", enum=QUANTILE_MAPPING_KINDS)
    nquantiles: int = setting(50, "Number of quantiles.", minimum=2)
    group: str = setting("time", "xsdba grouping.", enum=("time", "time.month"))


@dataclass
class TabularSettings:
    """What every tabular model's settings hold, besides its hyper-parameters."""

    target: str = setting("residual", "Learn obs - forecast (residual) or the observation.", enum=TABULAR_TARGETS)


@dataclass
class RandomForestSettings(TabularSettings):
    """Config ``models.random_forest``."""

    n_estimators: int = setting(50, "Number of trees.", minimum=1)
    max_depth: int | None = setting(14, "Maximum tree depth (null = unlimited).", minimum=1)
    min_samples_leaf: int = setting(20, "Minimum samples per leaf.", minimum=1)
    max_train_samples: int = setting(150_000, "Seeded subsample of training rows.", minimum=100)


@dataclass
class LightGBMSettings(TabularSettings):
    """Config ``models.lightgbm``."""

    n_estimators: int = setting(300, "Number of boosting rounds.", minimum=1)
    learning_rate: float = setting(0.05, "Shrinkage per round.", exclusiveMinimum=0)
    num_leaves: int = setting(63, "Maximum leaves per tree.", minimum=2)
    max_train_samples: int = setting(400_000, "Seeded subsample of training rows.", minimum=100)
