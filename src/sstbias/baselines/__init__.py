"""Baseline correctors and the name -> class registry used by the config's ``models`` section."""

from sstbias.baselines.base import Corrector
from sstbias.baselines.climatology import Climatology
from sstbias.baselines.gradient_boosting import LightGBM
from sstbias.baselines.quantile_mapping import QuantileMapping
from sstbias.baselines.random_forest import RandomForest
from sstbias.baselines.raw import Raw

REGISTRY: dict[str, type[Corrector]] = {
    cls.name: cls for cls in (Raw, Climatology, QuantileMapping, RandomForest, LightGBM)
}

__all__ = ["REGISTRY", "Corrector"]
