"""File-to-file steps of the workflow's baseline stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging

import pandas as pd
import xarray as xr

from sstbias.baselines.registry import REGISTRY
from sstbias.errors import ConfigError
from sstbias.netcdf import PathLike, write_prediction
from sstbias.split import load_split

log = logging.getLogger("sstbias.stages")


def train_baseline(
    *,
    model: str,
    settings: dict,
    features: dict,
    seed: int | None,
    n_jobs: int,
    aligned: PathLike,
    split_path: PathLike,
    out: PathLike,
    fit_days: str,
) -> None:
    """Fit baseline ``model`` on the ``fit_days`` and save it (``seed`` None: a deterministic model).

    ``fit_days`` (config ``baseline_fit_days``): ``train_and_validation`` (the fair protocol: the baselines
    select nothing on validation, so they fit on every day before the test period, as the deep models see them
    for training and selection) or ``train`` (the training days only, as before).
    """
    corrector = REGISTRY[model](settings, features, seed=0 if seed is None else seed, n_jobs=n_jobs)
    days = baseline_fit_days(load_split(split_path), fit_days)
    corrector.fit(xr.load_dataset(aligned), days)
    corrector.save(out)
    log.info("%s fitted on %d days (%s .. %s, %s)", model, len(days), days[0].date(), days[-1].date(), fit_days)


FIT_DAYS = ("train_and_validation", "train")


def baseline_fit_days(split: dict[str, pd.DatetimeIndex], fit_days: str) -> pd.DatetimeIndex:
    """The days a baseline fits on: the training days, plus the validation days for ``train_and_validation``."""
    if fit_days not in FIT_DAYS:
        raise ConfigError(f"baseline_fit_days: must be one of {FIT_DAYS}, got {fit_days!r}")
    return split["train"] if fit_days == "train" else split["train"].union(split["validation"])


def predict_baseline(model: str, model_path: PathLike, aligned: PathLike, split_path: PathLike, out: PathLike) -> None:
    """Write the corrected SST of the test days from a saved baseline, with its note on them (:meth:`note`)."""
    corrector = REGISTRY[model].load(model_path)
    test_days = load_split(split_path)["test"]
    corrected = corrector.predict(xr.load_dataset(aligned), test_days)
    write_prediction(corrected, out, model, note=corrector.note(test_days))
