"""Samples of the deep correctors: windows of normalised daily forecasts and the normalised target day.

A sample for target day d is the forecast of days d-L+1 .. d (L = ``sequence_length``) as channel 0, plus static
channels (``ocean_mask``, ``lat``, ``lon``, the last two scaled to [0, 1] over the grid), shaped (L, C, H, W);
NaN (land) inputs are 0. The target (1, H, W) is the normalised observation of day d (``target: observation``,
the paper) or the normalised residual observation - forecast (``target: residual``). Windows may reach into days
before the subset (forecasts only are read for inputs).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import torch
import xarray as xr

from sstbias.errors import ConfigError, InputDataError
from sstbias.normalise import Normaliser

log = logging.getLogger("sstbias.deep")

STATIC_CHANNELS = ("ocean_mask", "lat", "lon")
TARGETS = ("observation", "residual")


class SequenceSamples:
    """Normalised arrays of an aligned dataset and the windows of its target days."""

    def __init__(self, data: xr.Dataset, normaliser: Normaliser, sequence_length: int, static_channels, target: str):
        if target not in TARGETS:
            raise ConfigError(f"target: must be one of {TARGETS}, got {target!r}")
        unknown = sorted(set(static_channels) - set(STATIC_CHANNELS))
        if unknown:
            raise ConfigError(f"static_channels: unknown {unknown}; known {STATIC_CHANNELS}")
        self.days = pd.DatetimeIndex(data["time"].values)
        if not 1 <= sequence_length <= len(self.days):
            raise ConfigError(
                f"sequence_length: {sequence_length} must be between 1 and the {len(self.days)} available days"
            )
        self.sequence_length = sequence_length
        self.target = target
        self.normaliser = normaliser
        self.mask = torch.from_numpy(data["ocean_mask"].values.astype("float32"))[None]  # (1, H, W)
        forecast = normaliser.transform(data["forecast"].values.astype("float64"), "forecast")
        self.forecast = torch.from_numpy(np.nan_to_num(forecast, nan=0.0).astype("float32"))  # (T, H, W)
        self.forecast_degc = data["forecast"].values
        self.observation = None
        if "observation" in data:
            observed = normaliser.transform(data["observation"].values.astype("float64"), "observation")
            self.observation = torch.from_numpy(np.nan_to_num(observed, nan=0.0).astype("float32"))
        self.static = self._static(data, list(static_channels))  # (S, H, W)

    @staticmethod
    def _static(data: xr.Dataset, names: list[str]) -> torch.Tensor:
        height, width = data.sizes["lat"], data.sizes["lon"]
        layers = []
        for name in names:
            if name == "ocean_mask":
                layers.append(data["ocean_mask"].values.astype("float32"))
            else:
                axis = data[name].values
                scaled = (axis - axis.min()) / max(axis.max() - axis.min(), 1e-12)
                grid = scaled[:, None] if name == "lat" else scaled[None, :]
                layers.append(np.broadcast_to(grid, (height, width)).astype("float32"))
        return torch.from_numpy(np.stack(layers)) if layers else torch.zeros(0, height, width)

    @property
    def in_channels(self) -> int:
        """Channels C of a sample: the forecast plus the static channels."""
        return 1 + self.static.shape[0]

    def positions(self, days: pd.DatetimeIndex, strict: bool) -> np.ndarray:
        """Index windows (n, L) into the dataset's days for the ``days`` whose L consecutive days exist.

        ``strict`` (prediction) raises InputDataError for a day lacking its window; otherwise (training) such
        days are dropped and counted in the log.
        """
        lookup = {day: i for i, day in enumerate(self.days)}
        windows, dropped = [], []
        for day in pd.DatetimeIndex(days):
            window = [lookup.get(day - pd.Timedelta(days=k)) for k in range(self.sequence_length - 1, -1, -1)]
            if None in window:
                dropped.append(day)
            else:
                windows.append(window)
        if dropped and strict:
            raise InputDataError(
                f"{dropped[0].date()}: the {self.sequence_length}-day input window is not complete in the data"
            )
        if dropped:
            log.info(
                "%d target days dropped: their %d-day input window is incomplete", len(dropped), self.sequence_length
            )
        return np.asarray(windows, dtype="int64").reshape(-1, self.sequence_length)

    def inputs(self, windows: np.ndarray) -> torch.Tensor:
        """Input batch (B, L, C, H, W) for index windows (B, L)."""
        forecast = self.forecast[torch.from_numpy(windows)].unsqueeze(2)  # (B, L, 1, H, W)
        static = self.static.expand(*windows.shape, *self.static.shape)  # (B, L, S, H, W)
        return torch.cat([forecast, static], dim=2)

    def targets(self, windows: np.ndarray) -> torch.Tensor:
        """Target batch (B, 1, H, W) for the last day of each window."""
        if self.observation is None:
            raise InputDataError("no observation in the data: targets are unavailable")
        last = torch.from_numpy(windows[:, -1])
        target = self.observation[last]
        if self.target == "residual":
            target = target - self.forecast[last]
        return target.unsqueeze(1)

    def to_celsius(self, output: np.ndarray, windows: np.ndarray) -> np.ndarray:
        """Network outputs (B, 1, H, W) as corrected SST (B, H, W) in degC, NaN off the ocean mask."""
        values = output[:, 0].astype("float64")
        if self.target == "residual":
            values = values + self.forecast[torch.from_numpy(windows[:, -1])].numpy()
        corrected = self.normaliser.inverse(values, "observation")
        return np.where(self.mask.numpy()[0] == 1, corrected, np.nan)
