"""Samples of the deep correctors: windows of normalised daily inputs and the normalised target day.

A sample for target day d holds, for each day of d-L+1 .. d (L = ``sequence_length``), the normalised forecast
(channel 0), the static channels (``static_channels``) and the daily channels (``daily_channels``), shaped
(L, C, H, W) (:mod:`sstbias.deep.channels`), and one history channel per N of ``history_days``: the day's
normalised forecast minus its mean over the N days before it, a memory of what happened before the window
(e.g. a cold wake the forecast has already let recover). A window then needs the N days before its first day too
(``input_window_days``). A model that takes the forecast lead as an input (``lead_models: lead_input``,
docs/leads.md) gets one more channel, last: the lead of the window's forecasts in days / ``LEAD_SCALE_DAYS``,
uniform over the grid; :class:`PooledSamples` holds the samples of several leads in one set. Land inputs of the
forecast are 0 (``land: zero``, the minimum of
the min-max range) or the day's mean over ocean cells (``land: masked``, a neutral value; the networks then also
take their BatchNorm statistics and attention keys over ocean cells only).

The network's output is added to a base field of day d: the target (1, H, W) is the normalised observation minus
the base. Base: none (``target: observation``, the paper), the normalised forecast (``target: residual``,
``residual_over: forecast``: the network learns obs - forecast) or the normalised climatologically corrected
forecast (``residual_over: climatology``: it learns what the per-cell climatology leaves). Windows may reach
into days before the subset (forecasts only are read for inputs).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import torch
import xarray as xr

from sstbias.baselines.climatology import Climatology
from sstbias.data.normalise import Normaliser
from sstbias.deep.channels import calendar_values, lead_value, static_layers
from sstbias.deep.settings import DeepSettings
from sstbias.errors import ConfigError, InputDataError

log = logging.getLogger("sstbias.deep")


def fill_land(values: np.ndarray, ocean: np.ndarray, land: str) -> np.ndarray:
    """(T, H, W) normalised values with land (and any NaN) set to 0 (``zero``) or the day's ocean mean (``masked``)."""
    if land == "zero":
        return np.nan_to_num(values, nan=0.0)
    day_mean = np.nanmean(np.where(ocean, values, np.nan).reshape(len(values), -1), axis=1)
    return np.where(np.isfinite(values), values, np.nan_to_num(day_mean)[:, None, None])


class SequenceSamples:
    """Normalised arrays of an aligned dataset and the windows of its target days.

    ``climatology`` (a fitted :class:`~sstbias.baselines.climatology.Climatology`) is required by
    ``residual_over: climatology`` and the ``climatology`` daily channel.
    """

    def __init__(
        self,
        data: xr.Dataset,
        normaliser: Normaliser,
        settings: DeepSettings,
        climatology: Climatology | None = None,
        lead: int | None = None,
    ):
        """``settings`` (checked by :func:`sstbias.deep.settings.deep_settings`) give the window length, the
        channels, the target and its base, and the land handling. ``lead`` (days): the lead of ``data``'s forecasts,
        given to a model that takes the lead as an input (a channel of its own); None: no lead channel."""
        sequence_length, target, land = settings.sequence_length, settings.target, settings.land
        self.days = pd.DatetimeIndex(data["time"].values)
        if not 1 <= sequence_length <= len(self.days):
            raise ConfigError(
                f"sequence_length: {sequence_length} must be between 1 and the {len(self.days)} available days"
            )
        self.sequence_length = sequence_length
        self.target = target
        self.normaliser = normaliser
        ocean = data["ocean_mask"].values == 1
        self.mask = torch.from_numpy(ocean.astype("float32"))[None]  # (1, H, W)
        self.network_ocean = torch.from_numpy(ocean) if land == "masked" else None  # (H, W) bool or None
        forecast_degc = data["forecast"].values.astype("float64")
        forecast = normaliser.transform(forecast_degc, "forecast")
        self.forecast = torch.from_numpy(fill_land(forecast, ocean, land).astype("float32"))  # (T, H, W)
        self.observation = None
        if "observation" in data:
            observed = normaliser.transform(data["observation"].values.astype("float64"), "observation")
            self.observation = torch.from_numpy(np.nan_to_num(observed, nan=0.0).astype("float32"))
        self.static = static_layers(data, list(settings.static_channels))  # (S, H, W)
        if settings.uses_climatology and climatology is None:
            raise ValueError("residual_over: climatology and the climatology channel need a fitted climatology")
        correction = climatology.correction(self.days) if settings.uses_climatology else None  # (T, H, W) degC
        self.base = self._base(forecast_degc, correction, target, settings.residual_over)  # (T, H, W) or None
        self.daily = self._daily(list(settings.daily_channels), correction, forecast.shape)  # (T, D, H, W)
        self.window_days = settings.input_window_days
        self.history = self._history(list(settings.history_days))  # (T, K, H, W)
        # (T,) the lead channel's value per day, or None (no lead channel)
        self.lead = None if lead is None else torch.full((len(self.days),), lead_value(lead))

    def _history(self, spans: list[int]) -> torch.Tensor:
        """Per day and span N: the normalised forecast minus its mean over the N calendar days before (0 where
        those days are not all in the data: such days are never the inside of a window, see :meth:`positions`)."""
        if not spans:
            return torch.zeros(len(self.days), 0, *self.forecast.shape[1:])
        calendar = pd.date_range(self.days[0], self.days[-1], freq="D")
        at = calendar.get_indexer(self.days)
        full = torch.zeros(len(calendar) + 1, *self.forecast.shape[1:], dtype=torch.float64)
        full[1:][at] = self.forecast.double()
        sums = full.cumsum(dim=0)  # sums[j] = sum of the first j calendar days (missing days count 0)
        layers = []
        for span in spans:
            before = at - span
            valid = torch.from_numpy(before >= 0)
            mean = (sums[torch.from_numpy(at)] - sums[torch.from_numpy(before.clip(0))]) / span
            layers.append(torch.where(valid[:, None, None], self.forecast.double() - mean, 0.0).float())
        return torch.stack(layers, dim=1)

    def _base(self, forecast_degc: np.ndarray, correction, target: str, residual_over: str) -> torch.Tensor | None:
        """The normalised field the network's output is added to, per day (None: the output is the observation)."""
        if target == "observation":
            return None
        if residual_over == "forecast":
            return self.forecast
        corrected = self.normaliser.transform(forecast_degc + correction, "observation")
        return torch.from_numpy(np.nan_to_num(corrected, nan=0.0).astype("float32"))

    def _daily(self, names: list[str], correction, shape: tuple[int, int, int]) -> torch.Tensor:
        calendar = calendar_values(self.days, names)  # (T, K)
        layers, k = [], 0
        for name in names:
            if name == "climatology":
                scaled = correction / self.normaliser.stats["observation"]["scale"]
                layers.append(torch.from_numpy(np.nan_to_num(scaled, nan=0.0).astype("float32")))
            else:
                layers.append(calendar[:, k, None, None].expand(shape))
                k += 1
        return torch.stack(layers, dim=1) if layers else torch.zeros(shape[0], 0, *shape[1:])

    def network_ocean_on(self, device: torch.device) -> torch.Tensor | None:
        """The networks' ocean mask (H, W) bool on ``device`` (``land: masked``), or None (every cell counts)."""
        return None if self.network_ocean is None else self.network_ocean.to(device)

    @property
    def in_channels(self) -> int:
        """Channels C of a sample: the forecast plus the static, daily, history and lead channels."""
        return 1 + self.static.shape[0] + self.daily.shape[1] + self.history.shape[1] + (self.lead is not None)

    def positions(self, days: pd.DatetimeIndex, strict: bool) -> np.ndarray:
        """Index windows (n, L) into the dataset's days for the ``days`` whose input window exists: the L days
        ending on the day and the longest history span before them (``input_window_days`` consecutive days).

        ``strict`` (prediction) raises InputDataError for a day lacking its window; otherwise (training) such
        days are dropped and counted in the log.
        """
        lookup = {day: i for i, day in enumerate(self.days)}
        windows, dropped = [], []
        for day in pd.DatetimeIndex(days):
            window = [lookup.get(day - pd.Timedelta(days=k)) for k in range(self.window_days - 1, -1, -1)]
            if None in window:
                dropped.append(day)
            else:
                windows.append(window[-self.sequence_length :])
        if dropped and strict:
            raise InputDataError(
                f"{dropped[0].date()}: the {self.window_days}-day input window is not complete in the data"
            )
        if dropped:
            log.info("%d target days dropped: their %d-day input window is incomplete", len(dropped), self.window_days)
        return np.asarray(windows, dtype="int64").reshape(-1, self.sequence_length)

    def inputs(self, windows: np.ndarray) -> torch.Tensor:
        """Input batch (B, L, C, H, W) for index windows (B, L)."""
        index = torch.from_numpy(windows)
        forecast = self.forecast[index].unsqueeze(2)  # (B, L, 1, H, W)
        static = self.static.expand(*windows.shape, *self.static.shape)  # (B, L, S, H, W)
        layers = [forecast, static, self.daily[index], self.history[index]]
        if self.lead is not None:
            layers.append(self.lead[index][:, :, None, None, None].expand_as(forecast))  # (B, L, 1, H, W)
        return torch.cat(layers, dim=2)

    def targets(self, windows: np.ndarray) -> torch.Tensor:
        """Target batch (B, 1, H, W) for the last day of each window."""
        if self.observation is None:
            raise InputDataError("no observation in the data: targets are unavailable")
        last = torch.from_numpy(windows[:, -1])
        target = self.observation[last]
        if self.base is not None:
            target = target - self.base[last]
        return target.unsqueeze(1)

    def to_celsius(self, output: np.ndarray, windows: np.ndarray) -> np.ndarray:
        """Network outputs (B, 1, H, W) as corrected SST (B, H, W) in degC, NaN off the ocean mask."""
        values = output[:, 0].astype("float64")
        if self.base is not None:
            values = values + self.base[torch.from_numpy(windows[:, -1])].numpy()
        corrected = self.normaliser.inverse(values, "observation")
        return np.where(self.mask.numpy()[0] == 1, corrected, np.nan)


class PooledSamples(SequenceSamples):
    """The samples of several leads in one set, for a model that takes the lead as an input.

    ``parts`` maps each lead (days) to its :class:`SequenceSamples` (built with ``lead=`` that lead, one
    normaliser and the same settings, grid and ocean mask): their daily arrays lie one after the other along T, and
    :meth:`positions` gives every lead's windows, offset into them. What the trainer and the predictions use
    (:meth:`inputs`, :meth:`targets`, :meth:`to_celsius`) then works unchanged.
    """

    def __init__(self, parts: dict[int, SequenceSamples]):
        samples = list(parts.values())
        first = samples[0]
        if any(part.lead is None for part in samples):
            raise ValueError("pooled samples need the lead channel in every part (SequenceSamples(lead=...))")
        if any(not torch.equal(part.mask, first.mask) for part in samples):
            raise ValueError("pooled samples need one grid and ocean mask for every lead")
        self.parts = parts
        starts = np.cumsum([0] + [len(part.days) for part in samples[:-1]]).tolist()
        self.offsets = dict(zip(parts, starts, strict=True))  # lead -> index of its first day along T
        self.days = first.days
        self.sequence_length, self.window_days = first.sequence_length, first.window_days
        self.target, self.normaliser = first.target, first.normaliser
        self.mask, self.network_ocean, self.static = first.mask, first.network_ocean, first.static

        def joined(name: str) -> torch.Tensor | None:
            arrays = [getattr(part, name) for part in samples]
            return None if arrays[0] is None else torch.cat(arrays)

        self.forecast, self.observation, self.base = joined("forecast"), joined("observation"), joined("base")
        self.daily, self.history, self.lead = joined("daily"), joined("history"), joined("lead")

    def positions(self, days: pd.DatetimeIndex, strict: bool) -> np.ndarray:
        """Index windows (n, L): every lead's windows of ``days`` (:meth:`SequenceSamples.positions`), lead by lead."""
        windows = [part.positions(days, strict) + self.offsets[lead] for lead, part in self.parts.items()]
        return np.concatenate(windows)

    def leads_of(self, windows: np.ndarray) -> np.ndarray:
        """The lead (days) of each index window (n, L): (n,) int."""
        starts = np.asarray(list(self.offsets.values()))
        return np.asarray(list(self.offsets))[np.searchsorted(starts, windows[:, -1], side="right") - 1]
