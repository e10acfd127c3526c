"""File-to-file steps of the workflow's deep-model stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging

import xarray as xr

from sstbias.data.forecast import ForecastPreparation
from sstbias.data.normalise import Normaliser, fit_normaliser
from sstbias.data.split import load_split
from sstbias.deep.api import predict_deep_model, train_deep_model
from sstbias.errors import InputDataError
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


def train_deep_lead_input(
    *,
    model: str,
    settings: dict,  # config models.<model> and the run's seed (sstbias.deep.settings)
    leads: list[int],
    aligned: list[PathLike],
    split_paths: list[PathLike],
    normalisation: dict,  # config normalisation: method, scope
    out_dir: PathLike,
    threads: int,
    preparation: dict,
    native_forecast: PathLike,
) -> None:
    """Train deep model ``model`` once for every lead of ``leads`` (days), the lead an input channel, into
    ``out_dir``: ``aligned`` and ``split_paths`` are the leads' aligned data and splits, in the order of ``leads``
    (the splits must be the same: they are by valid day). The normalisation is fitted on the training days of
    every lead. ``preparation`` and ``native_forecast`` as :func:`train_deep` (no lead: the folder corrects each
    of ``leads``)."""
    splits = [load_split(path) for path in split_paths]
    for path, split in zip(split_paths[1:], splits[1:], strict=True):
        if any(not split[name].equals(splits[0][name]) for name in splits[0]):
            raise InputDataError(f"{path}: not the split of {split_paths[0]} (the leads share their valid days)")
    data = {lead: xr.load_dataset(path) for lead, path in zip(leads, aligned, strict=True)}
    normaliser = fit_normaliser(list(data.values()), splits[0]["train"], **normalisation)
    recorded = ForecastPreparation.from_workflow(preparation, open_field(native_forecast))
    history = train_deep_model(
        model, settings, data, splits[0], normaliser, out_dir, threads=threads, preparation=recorded
    )
    if history:
        best = min(row["val_rmse"] for row in history)
        log.info("%s: %d log rows, best validation RMSE %.4f degC over leads %s", model, len(history), best, leads)


def predict_deep(
    *,
    model: str,
    out_dir: PathLike,
    aligned: PathLike,
    split_path: PathLike,
    out: PathLike,
    weights: PathLike | None = None,
    lead: int | None = None,
) -> None:
    """Write the corrected SST of the test days from a trained deep model (its best.pt or ``weights``); ``lead``:
    the lead of ``aligned`` (days), for a model that takes the lead as an input."""
    test_days = load_split(split_path)["test"]
    corrected = predict_deep_model(out_dir, xr.load_dataset(aligned), test_days, weights, lead)
    write_prediction(corrected, out, model)
