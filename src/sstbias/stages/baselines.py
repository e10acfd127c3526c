"""File-to-file steps of the workflow's baseline stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging

import xarray as xr

from sstbias.baselines import REGISTRY
from sstbias.split import load_split
from sstbias.stages.common import PathLike
from sstbias.stages.predictions import write_prediction

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
) -> None:
    """Fit baseline ``model`` on the training days and save it (``seed`` None: a deterministic model)."""
    corrector = REGISTRY[model](settings, features, seed=0 if seed is None else seed, n_jobs=n_jobs)
    train_days = load_split(split_path)["train"]
    corrector.fit(xr.load_dataset(aligned), train_days)
    corrector.save(out)
    log.info("%s fitted on %d days (%s .. %s)", model, len(train_days), train_days[0].date(), train_days[-1].date())


def predict_baseline(model: str, model_path: PathLike, aligned: PathLike, split_path: PathLike, out: PathLike) -> None:
    """Write the corrected SST of the test days from a saved baseline."""
    corrector = REGISTRY[model].load(model_path)
    test_days = load_split(split_path)["test"]
    write_prediction(corrector.predict(xr.load_dataset(aligned), test_days), out, model)
