"""Name -> Corrector class of the baselines, from the catalogue (importing scikit-learn, LightGBM and xsdba)."""

from __future__ import annotations

from sstbias import catalog
from sstbias.baselines.base import Corrector

REGISTRY: dict[str, type[Corrector]] = {name: catalog.spec(name).load() for name in catalog.BASELINES}
