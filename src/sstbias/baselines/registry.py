"""Name -> Corrector class of the baselines, from the catalogue (importing scikit-learn, LightGBM and xsdba)."""

from __future__ import annotations

import pandas as pd
import xarray as xr

from sstbias.baselines.base import Corrector
from sstbias.baselines.protocol import baseline_fit_days
from sstbias.experiments import catalog

REGISTRY: dict[str, type[Corrector]] = {name: catalog.spec(name).load() for name in catalog.BASELINES}


def fit_baseline(
    model: str,
    settings: dict,
    features: dict,
    seed: int | None,
    n_jobs: int,
    data: xr.Dataset,
    split: dict[str, pd.DatetimeIndex],
    fit_days: str,
) -> Corrector:
    """Baseline ``model`` fitted on the aligned ``data`` over the ``fit_days`` of ``split``
    (:func:`~sstbias.baselines.protocol.baseline_fit_days`); ``seed`` None: a deterministic model (seed 0)."""
    corrector = REGISTRY[model](settings, features, seed=0 if seed is None else seed, n_jobs=n_jobs)
    corrector.fit(data, baseline_fit_days(split, fit_days))
    return corrector
