"""Climatological bias correction: forecast + per-cell mean of (observation - forecast) over fit days.

``by: all`` uses one mean per cell over every fit day; ``by: month`` the fit days of the target day's calendar
month; ``by: dayofyear`` the fit days whose day of year lies within a circular window of ``window_days`` centred
on the target day's (distance <= window_days // 2 days, years of 365 days).

**Fallback.** One year of data split chronologically has no fit days in the test months, so a target day with
no fit day in its month/window uses instead the mean over the ``window_days`` fit days closest to it in time
(for a test period after the training period: the most recent bias). How many target days used the fallback is
logged (logger ``sstbias.baselines``, INFO) and, for the test days, said in the tables' notes (:meth:`note`).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.baselines.base import Corrector
from sstbias.errors import ConfigError

log = logging.getLogger("sstbias.baselines")

DAYS_PER_YEAR = 365


class Climatology(Corrector):
    """Per-cell mean bias (degC), overall, by calendar month or by smoothed day of year."""

    name = "climatology"

    def __init__(self, settings: dict, features: dict, seed: int = 0, n_jobs: int = 1) -> None:
        super().__init__(settings, features, seed, n_jobs)
        window = self.settings["window_days"]
        if isinstance(window, bool) or not isinstance(window, int) or window < 1:
            raise ConfigError(f"models.climatology.window_days: must be an integer >= 1, got {window!r}")

    def _fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        subset = data.sel(time=days).transpose("time", "lat", "lon")
        self.bias_ = (subset["observation"] - subset["forecast"]).values.astype("float32")  # (n_fit_days, H, W)

    def _state(self) -> dict[str, tuple]:
        return {"bias": (("fit_day", "y", "x"), self.bias_, {"units": "degC", "long_name": "observation - forecast"})}

    def _restore(self, state: xr.Dataset) -> None:
        self.bias_ = state["bias"].values.astype("float32")

    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        forecast = data["forecast"].sel(time=days).transpose("time", "lat", "lon").values.astype("float64")
        return forecast + self.correction(days)

    def correction(self, days: pd.DatetimeIndex) -> np.ndarray:
        """The climatological correction (mean observation - forecast, degC) of each of ``days``: (n, H, W) float64.

        Also the input of the deep models' ``residual_over: climatology`` and ``climatology`` channel.
        """
        if self.fit_days_ is None:
            raise RuntimeError(f"{self.name}: correction asked before fit")
        days = pd.DatetimeIndex(days)
        out = np.empty((len(days), *self.bias_.shape[1:]))
        for i, day in enumerate(days):
            chosen = self._group(day)
            if not chosen.any():
                chosen = self._nearest(day)
            out[i] = self.bias_[chosen].mean(axis=0, dtype="float64")
        if message := self.note(days):
            log.info("%s", message)
        return out

    def note(self, days: pd.DatetimeIndex) -> str:
        """How many of ``days`` had no fit day in their month/window and took the fallback ("" if none)."""
        if self.fit_days_ is None:
            raise RuntimeError(f"{self.name}: note asked before fit")
        days = pd.DatetimeIndex(days)
        fallbacks = sum(not self._group(day).any() for day in days)
        if not fallbacks:
            return ""
        group = "month" if self.settings["by"] == "month" else f"{self.settings['window_days']}-day window"
        return (
            f"climatology (by {self.settings['by']}): {fallbacks} of {len(days)} target days had no fit days in "
            f"their {group}; used the mean over the {self.settings['window_days']} fit days closest in time"
        )

    def _group(self, day: pd.Timestamp) -> np.ndarray:
        """Boolean mask (n_fit_days,) of the fit days in ``day``'s group."""
        by = self.settings["by"]
        if by == "all":
            return np.ones(len(self.fit_days_), dtype=bool)
        if by == "month":
            return np.asarray(self.fit_days_.month == day.month)
        distance = np.abs(np.asarray(self.fit_days_.day_of_year) - day.day_of_year)
        distance = np.minimum(distance, DAYS_PER_YEAR - distance)
        return distance <= self.settings["window_days"] // 2

    def _nearest(self, day: pd.Timestamp) -> np.ndarray:
        """Boolean mask (n_fit_days,) of the ``window_days`` fit days closest in time to ``day`` (ties: fit order)."""
        gap = np.abs(np.asarray((self.fit_days_ - day).days))
        chosen = np.zeros(len(self.fit_days_), dtype=bool)
        chosen[np.argsort(gap, kind="stable")[: self.settings["window_days"]]] = True
        return chosen
