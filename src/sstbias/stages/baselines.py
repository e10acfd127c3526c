"""File-to-file steps of the workflow's baseline stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging

import xarray as xr

from sstbias.baselines.registry import corrector_class, fit_baseline
from sstbias.data.split import load_split
from sstbias.netcdf import PathLike, write_prediction

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
    """Fit baseline ``model`` on the ``fit_days`` (config ``baseline_fit_days``, :mod:`sstbias.baselines.protocol`)
    and save it (``seed`` None: a deterministic model)."""
    corrector = fit_baseline(
        model, settings, features, seed, n_jobs, xr.load_dataset(aligned), load_split(split_path), fit_days
    )
    corrector.save(out)
    days = corrector.fit_days_
    log.info("%s fitted on %d days (%s .. %s, %s)", model, len(days), days[0].date(), days[-1].date(), fit_days)


def predict_baseline(model: str, model_path: PathLike, aligned: PathLike, split_path: PathLike, out: PathLike) -> None:
    """Write the corrected SST of the test days from a saved baseline, with its note on them (:meth:`note`)."""
    corrector = corrector_class(model).load(model_path)
    test_days = load_split(split_path)["test"]
    corrected = corrector.predict(xr.load_dataset(aligned), test_days)
    write_prediction(corrected, out, model, note=corrector.note(test_days))
