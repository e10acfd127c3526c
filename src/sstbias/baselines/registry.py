"""Name -> Corrector class of the baselines, from the catalogue: each class's module (scikit-learn, LightGBM or
xsdba) is imported when that baseline is first asked for, so a job of one baseline imports only its library."""

from __future__ import annotations

from functools import cache

import pandas as pd
import xarray as xr

from sstbias.baselines.base import Corrector
from sstbias.baselines.protocol import baseline_fit_days
from sstbias.experiments import catalog


@cache
def corrector_class(model: str) -> type[Corrector]:
    """The Corrector class of baseline ``model`` (a name of ``catalog.BASELINES``; KeyError for another)."""
    if model not in catalog.BASELINES:
        raise KeyError(f"{model!r} is no baseline (baselines: {', '.join(catalog.BASELINES)})")
    return catalog.spec(model).load()


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
    corrector = corrector_class(model)(settings, features, seed=0 if seed is None else seed, n_jobs=n_jobs)
    corrector.fit(data, baseline_fit_days(split, fit_days))
    return corrector
