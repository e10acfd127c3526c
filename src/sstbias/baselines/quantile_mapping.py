"""Per-cell quantile mapping of the forecast onto the observation's distribution (xsdba).

``kind: eqm`` is empirical quantile mapping, ``kind: qdm`` quantile delta mapping (additive), both trained with
ref = observation and hist = forecast on the fit days and applied to the forecast of the predicted days.
``group: time`` uses all fit days together; ``group: time.month`` one mapping per month, which needs fit days
in every predicted month (a ConfigError otherwise, since a year's test months are not in its training period).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
import xsdba

from sstbias.baselines.base import Corrector, ocean_cells, scatter_cells
from sstbias.errors import ConfigError

METHODS = {"eqm": xsdba.EmpiricalQuantileMapping, "qdm": xsdba.QuantileDeltaMapping}


def _stacked(data: xr.Dataset, variable: str, days: pd.DatetimeIndex, cells: np.ndarray) -> xr.DataArray:
    values = data[variable].sel(time=days).values.reshape(len(days), -1)[:, cells].astype("float64")
    return xr.DataArray(
        values, dims=("time", "cell"), coords={"time": days, "cell": np.arange(cells.size)}, attrs={"units": "degC"}
    )


class QuantileMapping(Corrector):
    """xsdba EQM or QDM per ocean cell."""

    name = "quantile_mapping"
    defaults = {"kind": "eqm", "nquantiles": 50, "group": "time"}

    def fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        days = pd.DatetimeIndex(days)
        self.fit_months_ = sorted(set(days.month))
        self.cells_ = ocean_cells(data)
        trained = METHODS[self.settings["kind"]].train(
            _stacked(data, "observation", days, self.cells_),
            _stacked(data, "forecast", days, self.cells_),
            nquantiles=self.settings["nquantiles"],
            group=self.settings["group"],
            kind="+",
        )
        self.trained_ = trained.ds.copy()  # xsdba objects do not pickle; their dataset does

    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        if self.settings["group"] == "time.month":
            unseen = sorted(set(days.month) - set(self.fit_months_))
            if unseen:
                raise ConfigError(
                    f"models.quantile_mapping.group: time.month has no fit days for months {unseen}; use group: time"
                )
        adjuster = METHODS[self.settings["kind"]].from_dataset(self.trained_)
        adjusted = adjuster.adjust(
            _stacked(data, "forecast", days, self.cells_), extrapolation="constant", interp="linear"
        )
        shape = (data.sizes["lat"], data.sizes["lon"])
        return scatter_cells(adjusted.transpose("time", "cell").values, self.cells_, shape)
