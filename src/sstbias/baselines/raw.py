"""The uncorrected forecast: the reference every correction is compared with."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.baselines.base import Corrector


class Raw(Corrector):
    """Returns the daily forecast (degC) unchanged; fitting learns nothing."""

    name = "raw"

    def _fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        """Nothing to learn."""

    def _state(self) -> dict[str, tuple]:
        return {}

    def _restore(self, state: xr.Dataset) -> None:
        """Nothing was learnt."""

    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        return data["forecast"].sel(time=days).transpose("time", "lat", "lon").values
