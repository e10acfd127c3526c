"""The two calls the workflow makes for a deep corrector: train it into a folder, predict days from that folder.

A trained model folder holds ``model_config.json`` (network name and settings, input channels, normalisation
statistics, training period, package version), ``best.pt`` (best validation RMSE), ``last.pt``,
``training_log.csv`` and ``checkpoints/``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import pandas as pd
import torch
import xarray as xr

import sstbias
from sstbias.deep.checkpoints import load_checkpoint
from sstbias.deep.data import SequenceSamples
from sstbias.deep.device import select_device
from sstbias.deep.trainer import Trainer, TrainingPlan, predict_windows, seed_everything
from sstbias.errors import ConfigError
from sstbias.models.registry import MODELS, architecture_keys, build_model
from sstbias.netcdf import atomic_write
from sstbias.normalise import Normaliser

log = logging.getLogger("sstbias.deep")

DATA_KEYS = {"sequence_length": 5, "static_channels": ["ocean_mask"], "target": "residual"}
RUN_KEYS = {"device": "auto"}
PLAN_KEYS = set(TrainingPlan.__dataclass_fields__)


def resolve_settings(name: str, settings: dict) -> dict:
    """``settings`` with defaults filled; ConfigError naming ``models.<name>.<key>`` for an unknown key."""
    if name not in MODELS:
        raise ConfigError(f"models.{name}: unknown deep model; known: {sorted(MODELS)}")
    known = architecture_keys(name) | PLAN_KEYS | set(DATA_KEYS) | set(RUN_KEYS)
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ConfigError(f"models.{name}.{unknown[0]}: unknown setting (known: {sorted(known)})")
    return {**DATA_KEYS, **RUN_KEYS, **settings}


# Settings that only say how long to train or how often to save: changing them resumes the same run.
SCHEDULE_KEYS = {"iterations", "eval_every", "checkpoint_every", "checkpoint_at", "device"}


def run_fingerprint(settings: dict, split: dict[str, pd.DatetimeIndex], normaliser: Normaliser) -> str:
    """sha256 of everything that makes a training run differ, except its length and saving schedule."""
    identity = {
        "settings": {k: v for k, v in sorted(settings.items()) if k not in SCHEDULE_KEYS},
        "days": {name: [str(d.date()) for d in days] for name, days in split.items() if name != "test"},
        "normaliser": normaliser.stats,
        "version": sstbias.__version__,
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode()).hexdigest()


def _samples(data: xr.Dataset, normaliser: Normaliser, settings: dict) -> SequenceSamples:
    return SequenceSamples(
        data, normaliser, settings["sequence_length"], settings["static_channels"], settings["target"]
    )


def train_deep_model(
    name: str,
    settings: dict,
    data: xr.Dataset,
    split: dict[str, pd.DatetimeIndex],
    normaliser: Normaliser,
    out_dir: str | os.PathLike,
    threads: int = 1,
) -> list[dict]:
    """Train network ``name`` on ``split['train']``, selecting on ``split['validation']``; writes ``out_dir``.

    ``data`` is the aligned dataset; test days are never read. Returns the training log rows.
    """
    settings = resolve_settings(name, settings)
    torch.set_num_threads(threads)
    device = select_device(settings["device"])
    train_days = split["train"]
    seen = data.sel(time=data.indexes["time"][data.indexes["time"] <= split["validation"].union(train_days).max()])
    samples = _samples(seen, normaliser, settings)
    plan = TrainingPlan(**{key: settings[key] for key in PLAN_KEYS if key in settings})
    seed_everything(plan.seed)  # before the weights are initialised: the seed decides them too
    model = build_model(name, samples.in_channels, settings)
    out = Path(out_dir)
    description = {
        "model": name,
        "settings": settings,
        "in_channels": samples.in_channels,
        "normaliser": normaliser.__dict__,
        "train_days": [str(train_days[0].date()), str(train_days[-1].date())],
        "lat": data["lat"].values.tolist(),
        "lon": data["lon"].values.tolist(),
        "sstbias_version": sstbias.__version__,
    }
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / "model_config.json", lambda tmp: tmp.write_text(json.dumps(description, indent=1) + "\n"))
    val_windows = samples.positions(split["validation"], strict=False)
    val_observed = seen["observation"].values[val_windows[:, -1]] if len(val_windows) else None
    log.info(
        "%s on %s (%d torch threads): %d parameters, %d training and %d validation days",
        name,
        device,
        torch.get_num_threads(),
        sum(p.numel() for p in model.parameters()),
        len(train_days),
        len(val_windows),
    )
    trainer = Trainer(model, samples, plan, out, device, fingerprint=run_fingerprint(settings, split, normaliser))
    return trainer.fit(samples.positions(train_days, strict=False), val_windows, val_observed)


def load_trained(
    out_dir: str | os.PathLike, device: torch.device, weights: str | os.PathLike | None = None
) -> tuple[torch.nn.Module, dict, Normaliser]:
    """A trained folder's model (evaluation mode) with ``weights`` (default its best.pt), description, normaliser."""
    out = Path(out_dir)
    description = json.loads((out / "model_config.json").read_text())
    model = build_model(description["model"], description["in_channels"], description["settings"])
    model.load_state_dict(load_checkpoint(Path(weights) if weights else out / "best.pt")["model"])
    return model.to(device).eval(), description, Normaliser(**description["normaliser"])


def predict_deep_model(
    out_dir: str | os.PathLike, data: xr.Dataset, days: pd.DatetimeIndex, weights: str | os.PathLike | None = None
) -> xr.DataArray:
    """Corrected SST (time, lat, lon) float32 degC of ``days`` from a trained folder; reads no observation.

    ``weights`` selects a checkpoint of the run (e.g. ``checkpoints/iter_000400.pt``) instead of ``best.pt``.
    """
    inputs = data.drop_vars("observation", errors="ignore")
    description = json.loads((Path(out_dir) / "model_config.json").read_text())
    device = select_device(description["settings"]["device"])
    model, description, normaliser = load_trained(out_dir, device, weights)
    samples = _samples(inputs, normaliser, description["settings"])
    windows = samples.positions(pd.DatetimeIndex(days), strict=True)
    values = predict_windows(model, samples, windows, device)
    template = inputs["forecast"].sel(time=pd.DatetimeIndex(days))
    corrected = xr.DataArray(values.astype("float32"), dims=template.dims, coords=template.coords)
    corrected.attrs = {
        "units": "degC",
        "standard_name": "sea_surface_temperature",
        "long_name": f"bias-corrected sea surface temperature ({description['model']})",
    }
    return corrected
