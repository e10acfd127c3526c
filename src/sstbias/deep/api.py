"""The calls made for a deep corrector: train it into a folder, load it, predict days from it.

A trained model folder holds ``model_config.json`` (its self-description, :mod:`sstbias.deep.model_dir`),
``best.pt`` (best validation RMSE), ``last.pt``, ``training_log.csv``, ``checkpoints/`` and, for a model that
uses the per-cell climatology (``residual_over: climatology`` or the ``climatology`` channel),
``climatology.nc``: the climatology baseline fitted on the network's training days.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import xarray as xr
from torch import nn

import sstbias
from sstbias.baselines.climatology import Climatology
from sstbias.data.forecast import ForecastPreparation
from sstbias.data.normalise import Normaliser
from sstbias.deep.checkpoints import CorruptCheckpoint, load_checkpoint
from sstbias.deep.data import PooledSamples, SequenceSamples
from sstbias.deep.device import autocast_dtype, select_device
from sstbias.deep.folder import ModelFolder, sidecar
from sstbias.deep.model_dir import (
    TrainedModel,
    describe,
    read_model_dir,
    save_climatology,
    write_description,
)
from sstbias.deep.networks import build_network
from sstbias.deep.settings import DeepSettings, deep_settings
from sstbias.deep.trainer import Trainer, TrainingDiverged, predict_windows, seed_everything, validation_rmse
from sstbias.errors import ConfigError, InputDataError, ModelDirectoryError
from sstbias.netcdf import atomic_write, prediction_attrs

log = logging.getLogger("sstbias.deep")


# Settings left out of the run fingerprint, and why: changing one of them resumes the same run. Every other setting
# (every field of the model's settings dataclass) is fingerprinted, so a change of any of them discards the old
# checkpoints (tests/test_trainer.py enumerates the fields).
FINGERPRINT_EXEMPT = {
    "iterations": "the run's length: a raised count continues the run, a lowered one resumes from the newest "
    "checkpoint at or below it (Trainer._resumable_state)",
    "checkpoint_every": "when resumable state is saved: no effect on the weights or the log",
    "checkpoint_at": "which checkpoints are kept for export: no effect on the weights or the log",
    "device": "where the run computes: a stopped run may resume on another machine",
}


def run_fingerprint(
    settings: DeepSettings,
    split: dict[str, pd.DatetimeIndex],
    normaliser: Normaliser,
    leads: list[int] | None = None,
) -> str:
    """sha256 of everything that makes a training run differ: the settings (defaults filled) except
    :data:`FINGERPRINT_EXEMPT`, the training and validation days, the normaliser, the version and, for a model
    that takes the lead as an input, its ``leads``.

    With ``lr_schedule: cosine`` the length shapes every step's learning rate, so ``iterations`` is fingerprinted.
    """
    exempt = set(FINGERPRINT_EXEMPT) - ({"iterations"} if settings.lr_schedule == "cosine" else set())
    identity = {
        "settings": {k: v for k, v in sorted(settings.to_dict().items()) if k not in exempt},
        "days": {name: [str(d.date()) for d in days] for name, days in split.items() if name != "test"},
        "normaliser": normaliser.stats,
        "version": sstbias.__version__,
    } | ({"leads": leads} if leads is not None else {})  # without a lead input, the fingerprint as before
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def zero_head(model: nn.Module) -> None:
    """Set the output layer (``model.head``) to 0: the untrained network adds nothing to its base field."""
    nn.init.zeros_(model.head.weight)
    nn.init.zeros_(model.head.bias)


def train_deep_model(
    name: str,
    settings: DeepSettings | dict,
    data: xr.Dataset | Mapping[int, xr.Dataset],
    split: dict[str, pd.DatetimeIndex],
    normaliser: Normaliser,
    out_dir: str | os.PathLike,
    threads: int = 1,
    preparation: ForecastPreparation | None = None,
) -> list[dict]:
    """Train network ``name`` on ``split['train']``, selecting on ``split['validation']``; writes ``out_dir``.

    ``settings`` is the model's settings object, or a mapping of config values (``models.<name>`` and ``seed``)
    whose missing keys take the defaults. ``data`` is the aligned dataset; test days are never read. A mapping of
    leads (days) to their aligned datasets (the same days, grid and mask) trains one model that takes the lead as
    an input on the samples of every lead (:class:`~sstbias.deep.data.PooledSamples`; ``normaliser`` fitted on all
    of them), selected on the validation days of every lead; it also writes ``validation_by_lead.csv``.
    ``preparation`` (how raw forecast files became ``data``'s forecast) is recorded in the folder so the model
    can correct new files. Returns the log rows.
    """
    if not isinstance(settings, DeepSettings):
        settings = deep_settings(name, settings)
    leads = None if isinstance(data, xr.Dataset) else sorted(data)  # (a Dataset is a Mapping too)
    if leads is not None and settings.uses_climatology:
        raise ConfigError(
            f"models.{name}: residual_over: climatology and the climatology channel fit one climatology per lead; "
            "they cannot be used with forecast.lead_models: lead_input"
        )
    torch.set_num_threads(threads)
    device = select_device(settings.device, f"models.{name}.device")
    autocast = autocast_dtype(settings.precision, device, f"models.{name}.precision")
    train_days = split["train"]
    last_seen = split["validation"].union(train_days).max()
    datasets = {lead: data[lead] for lead in leads} if leads is not None else {None: data}
    seen = {
        lead: each.sel(time=each.indexes["time"][each.indexes["time"] <= last_seen]) for lead, each in datasets.items()
    }
    climatology = None
    out = Path(out_dir)
    if settings.uses_climatology:
        climatology = Climatology({}, {})  # the baseline's own defaults, fitted on the network's training days
        climatology.fit(seen[None], train_days)
    parts = {lead: SequenceSamples(each, normaliser, settings, climatology, lead) for lead, each in seen.items()}
    samples = parts[None] if leads is None else PooledSamples(parts)
    seed_everything(settings.seed)  # before the weights are initialised: the seed decides them too
    model = build_network(name, samples.in_channels, settings)
    if settings.residual_over_climatology:
        zero_head(model)  # training starts from the climatological correction
    if climatology is None:  # a climatology left by an earlier run with other settings would mislead a reader
        ModelFolder(out).climatology.unlink(missing_ok=True)
    recorded = save_climatology(out, climatology) if climatology is not None else None
    first = next(iter(datasets.values()))
    description = describe(name, settings, samples.in_channels, normaliser, split, first, preparation, recorded, leads)
    write_description(out, description)
    val_windows = samples.positions(split["validation"], strict=False)
    # degC observations of every day of the samples, lead after lead as PooledSamples lays them out along T
    observed = np.concatenate([each["observation"].values for each in seen.values()])
    val_observed = observed[val_windows[:, -1]] if len(val_windows) else None
    log.info(
        "%s on %s (%d torch threads, %s): %d parameters, %d training and %d validation days%s",
        name,
        device,
        torch.get_num_threads(),
        "float32" if autocast is None else f"{autocast} autocast",
        sum(p.numel() for p in model.parameters()),
        len(train_days),
        len(val_windows),
        "" if leads is None else f" (lead input: leads {', '.join(map(str, leads))} pooled)",
    )
    fingerprint = run_fingerprint(settings, split, normaliser, leads)
    trainer = Trainer(model, samples, settings, out, device, fingerprint, autocast)
    try:
        history = trainer.fit(samples.positions(train_days, strict=False), val_windows, val_observed)
    except TrainingDiverged as err:
        for weights in (ModelFolder(out).best, ModelFolder(out).last):  # an earlier run's would pass for this run's
            weights.unlink(missing_ok=True)
            sidecar(weights).unlink(missing_ok=True)
        raise TrainingDiverged(f"models.{name}: {err}") from None
    if leads is not None:
        _write_validation_by_lead(out, samples, val_windows, val_observed, device, autocast)
    return history


def _write_validation_by_lead(
    out: Path,
    samples: PooledSamples,
    windows: np.ndarray,
    observed: np.ndarray | None,
    device: torch.device,
    autocast: torch.dtype | None,
) -> None:
    """``validation_by_lead.csv``: per lead, its validation days and the validation RMSE (degC) of best.pt, the
    weights selected on every lead's validation days (what the choice of per-lead or lead-input models reads)."""
    network = load_network(read_model_dir(out), device)
    leads = samples.leads_of(windows)
    rows = []
    for lead in samples.offsets:
        chosen = leads == lead
        rmse = (
            validation_rmse(network, samples, windows[chosen], device, observed[chosen], autocast)
            if chosen.any()
            else float("nan")
        )
        rows.append({"lead": lead, "validation_days": int(chosen.sum()), "val_rmse": rmse})
    table = pd.DataFrame(rows)
    atomic_write(ModelFolder(out).validation_by_lead, lambda tmp: table.to_csv(tmp, index=False, float_format="%.6f"))
    log.info("validation RMSE of best.pt by lead: %s", ", ".join(f"{r['lead']}: {r['val_rmse']:.4f}" for r in rows))


def load_network(trained: TrainedModel, device: torch.device, weights: str | os.PathLike | None = None) -> nn.Module:
    """The network of a checked trained folder in evaluation mode on ``device``, with ``weights`` (default best.pt).

    ModelDirectoryError names the file when the weights are missing, corrupt or do not fit the described network.
    """
    path = Path(weights) if weights else trained.weights
    if not path.is_file():
        raise ModelDirectoryError(f"{path}: weights file not found")
    try:
        state = load_checkpoint(path)["model"]  # checked: the weights are under "model"
    except CorruptCheckpoint as err:
        raise ModelDirectoryError(str(err)) from err
    model = build_network(trained.name, trained.description["in_channels"], trained.settings)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    resized = sorted(key for key in set(expected) & set(state) if expected[key].shape != state[key].shape)
    if missing or unexpected or resized:
        raise ModelDirectoryError(
            f"{path}: weights do not fit the {trained.name} network described in model_config.json "
            f"(missing {missing[:3]}, unexpected {unexpected[:3]}, other shapes {resized[:3]})"
        )
    model.load_state_dict(state)
    return model.to(device).eval()


def open_trained(folder: str | os.PathLike, device: torch.device) -> tuple[TrainedModel, nn.Module]:
    """The checked description of the model folder and its network on ``device``: every check ``describe`` and
    ``correct`` make, in one place (the description, the weights against the network, the climatology file).

    ModelDirectoryError names the file that fails.
    """
    trained = read_model_dir(folder)
    network = load_network(trained, device)
    trained.climatology()  # present, the recorded file, and a readable climatology
    return trained, network


def predict_days(
    model: nn.Module,
    trained: TrainedModel,
    inputs: xr.Dataset,
    days: pd.DatetimeIndex,
    device: torch.device,
    lead: int | None = None,
) -> xr.DataArray:
    """Corrected SST (time, lat, lon) float32 degC of ``days``, NaN off the ocean mask.

    ``inputs`` holds ``forecast`` (time, lat, lon) degC on the model's analysis grid, with every day of each
    ``days``' input window, and ``ocean_mask`` (lat, lon); any ``observation`` is ignored. ``lead`` (days): the
    lead of ``inputs``' forecasts, required by a model that takes the lead as an input (one of its leads).
    """
    inputs = inputs.drop_vars("observation", errors="ignore")
    for axis in ("lat", "lon"):
        grid = np.asarray(trained.description[axis])
        if inputs.sizes[axis] != grid.size or not np.allclose(inputs[axis].values, grid, rtol=0, atol=1e-6):
            raise InputDataError(f"forecast {axis}: not the analysis grid of the model in {trained.folder}")
    if trained.lead_input and lead not in trained.leads:
        raise InputDataError(
            f"{trained.folder}: takes the lead as an input and was trained on leads "
            f"{', '.join(map(str, trained.leads))}; lead {lead} is not one of them"
        )
    lead_channel = lead if trained.lead_input else None
    samples = SequenceSamples(inputs, trained.normaliser, trained.settings, trained.climatology(), lead_channel)
    windows = samples.positions(pd.DatetimeIndex(days), strict=True)
    # A model trained under bfloat16 autocast predicts the same way where the device has it, else in float32.
    autocast = autocast_dtype("float32" if trained.settings.precision == "float32" else "auto", device)
    values = predict_windows(model, samples, windows, device, autocast)
    template = inputs["forecast"].sel(time=pd.DatetimeIndex(days))
    corrected = xr.DataArray(values.astype("float32"), dims=template.dims, coords=template.coords)
    corrected.attrs = prediction_attrs(trained.name, "sea surface temperature")  # what `sstbias correct` writes
    return corrected


def predict_deep_model(
    out_dir: str | os.PathLike,
    data: xr.Dataset,
    days: pd.DatetimeIndex,
    weights: str | os.PathLike | None = None,
    lead: int | None = None,
) -> xr.DataArray:
    """Corrected SST (time, lat, lon) float32 degC of ``days`` from a trained folder; reads no observation.

    ``weights`` selects a checkpoint of the run (e.g. ``checkpoints/iter_000400.pt``) instead of ``best.pt``;
    ``lead``: the lead of ``data``'s forecasts (days), for a model that takes the lead as an input.
    """
    trained = read_model_dir(out_dir)
    device = select_device(trained.settings.device, f"{ModelFolder(trained.folder).description}: settings.device")
    return predict_days(load_network(trained, device, weights), trained, data, days, device, lead)
