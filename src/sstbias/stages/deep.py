"""File-to-file steps of the workflow's deep-model stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging

import xarray as xr

from sstbias.data.forecast import ForecastPreparation
from sstbias.data.normalise import Normaliser
from sstbias.data.split import load_split
from sstbias.deep.api import predict_deep_model, train_deep_model
from sstbias.netcdf import PathLike, open_field, write_prediction

log = logging.getLogger("sstbias.stages")


def train_deep(
    *,
    model: str,
    settings: dict,  # config models.<model> and the run's seed and overrides (sstbias.deep.settings)
    aligned: PathLike,
    split_path: PathLike,
    normalisation: PathLike,
    out_dir: PathLike,
    threads: int,
    preparation: dict,
    native_forecast: PathLike,
) -> None:
    """Train deep model ``model`` into ``out_dir`` (resuming from its checkpoints if a run was interrupted).

    ``preparation`` (the config's box, daily_reduction and grid with the resolved regrid engine) and the grid of
    ``native_forecast`` (a daily forecast file on the native grid) are recorded in the folder, for
    ``sstbias correct``.
    """
    data = xr.load_dataset(aligned)
    recorded = ForecastPreparation.from_workflow(preparation, open_field(native_forecast))
    history = train_deep_model(
        model,
        settings,
        data,
        load_split(split_path),
        Normaliser.load(normalisation),
        out_dir,
        threads=threads,
        preparation=recorded,
    )
    if history:
        best = min(row["val_rmse"] for row in history)
        log.info("%s: %d log rows, best validation RMSE %.4f degC", model, len(history), best)


def predict_deep(
    *,
    model: str,
    out_dir: PathLike,
    aligned: PathLike,
    split_path: PathLike,
    out: PathLike,
    weights: PathLike | None = None,
) -> None:
    """Write the corrected SST of the test days from a trained deep model (its best.pt or ``weights``)."""
    test_days = load_split(split_path)["test"]
    write_prediction(predict_deep_model(out_dir, xr.load_dataset(aligned), test_days, weights), out, model)
