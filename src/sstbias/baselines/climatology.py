"""Climatological bias correction: forecast + per-cell mean of (observation - forecast) over the fit days.

``by: all`` uses one mean per cell; ``by: month`` one per calendar month; ``by: dayofyear`` the mean over fit
days within a circular day-of-year window of ``window_days`` around the target day. One year of data has no
fit days in the test months (the test period is the year's end), so a target day without fit days in its
month/window falls back to the mean over the ``window_days`` fit days closest to it in time (the most recent
bias, for a test period after the training period); the number of such days is logged.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.baselines.base import Corrector

log = logging.getLogger("sstbias.baselines")


class Climatology(Corrector):
    """Per-cell mean bias, overall, by month or by smoothed day of year."""

    name = "climatology"
    defaults = {"by": "dayofyear", "window_days": 31}

    def fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        subset = data.sel(time=pd.DatetimeIndex(days))
        self.fit_days_ = pd.DatetimeIndex(subset["time"].values)
        self.bias_ = (subset["observation"] - subset["forecast"]).values.astype("float64")  # (T, H, W)

    def _selection(self, day: pd.Timestamp) -> np.ndarray:
        by = self.settings["by"]
        if by == "all":
            return np.ones(len(self.fit_days_), dtype=bool)
        if by == "month":
            return self.fit_days_.month == day.month
        distance = np.abs(self.fit_days_.dayofyear - day.dayofyear)
        distance = np.minimum(distance, 365 - distance)
        return distance <= self.settings["window_days"] // 2

    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        forecast = data["forecast"].sel(time=days).values.astype("float64")
        corrected = np.empty_like(forecast)
        fallbacks = 0
        for i, day in enumerate(days):
            chosen = self._selection(day)
            if not chosen.any():
                fallbacks += 1
                nearest = np.argsort(np.abs((self.fit_days_ - day).days), kind="stable")
                chosen = np.zeros(len(self.fit_days_), dtype=bool)
                chosen[nearest[: self.settings["window_days"]]] = True
            corrected[i] = forecast[i] + self.bias_[chosen].mean(axis=0)
        if fallbacks:
            log.info(
                "climatology (by %s): %d of %d days had no fit days in their group; used the %d nearest fit days",
                self.settings["by"],
                fallbacks,
                len(days),
                self.settings["window_days"],
            )
        return corrected
