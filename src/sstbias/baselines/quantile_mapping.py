"""Per-cell quantile mapping of the forecast onto the observation's distribution (xsdba).

``kind: eqm`` is empirical quantile mapping, ``kind: qdm`` quantile delta mapping, both additive and trained per
ocean cell with ref = observation and hist = forecast on the fit days, on ``nquantiles`` quantiles, then applied to
the forecast of the predicted days (linear interpolation between quantiles, constant extrapolation beyond them).
QDM ranks each predicted value within the forecast of all predicted days, so its output for a day depends on
which days are predicted together (the test period as a whole).

Only ocean cells are adjusted, stacked on one ``cell`` dimension (land cells are NaN and would only cost time).
``group: time`` (default) uses all fit days together; ``group: time.month`` one mapping per calendar month, which
needs fit days in every predicted month: a year's test months are absent from its training period, so predicting
an unseen month is a ConfigError rather than a silent fallback.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr
import xsdba

from sstbias.baselines.base import Corrector, ocean_cells, scatter_cells
from sstbias.errors import ConfigError

METHODS = {"eqm": xsdba.EmpiricalQuantileMapping, "qdm": xsdba.QuantileDeltaMapping}


@dataclass
class QuantileMappingSettings:
    """Config ``models.quantile_mapping``."""

    kind: str = "eqm"  # empirical quantile mapping (eqm) or quantile delta mapping (qdm)
    nquantiles: int = 50
    group: str = "time"  # xsdba grouping: time or time.month


class QuantileMapping(Corrector):
    """xsdba EQM or QDM per ocean cell."""

    name = "quantile_mapping"
    settings_class = QuantileMappingSettings
    choices = {"kind": tuple(METHODS), "group": ("time", "time.month")}

    def _fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        self.cells_ = ocean_cells(data)
        trained = METHODS[self.settings["kind"]].train(
            _stacked(data, "observation", days, self.cells_),
            _stacked(data, "forecast", days, self.cells_),
            nquantiles=self.settings["nquantiles"],
            group=self.settings["group"],
            kind="+",
        )
        self.trained_ = trained.ds.copy()  # xsdba adjustment objects do not pickle; their dataset does

    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        if self.settings["group"] == "time.month":
            unseen = sorted(set(days.month) - set(self.fit_days_.month))
            if unseen:
                raise ConfigError(
                    f"models.quantile_mapping.group: time.month has no fit days in predicted months {unseen}; "
                    "use group: time"
                )
        adjustment = METHODS[self.settings["kind"]].from_dataset(self.trained_)
        adjusted = adjustment.adjust(
            _stacked(data, "forecast", days, self.cells_), extrapolation="constant", interp="linear"
        )
        shape = (data.sizes["lat"], data.sizes["lon"])
        return scatter_cells(adjusted.transpose("time", "cell").values, self.cells_, shape)


def _stacked(data: xr.Dataset, variable: str, days: pd.DatetimeIndex, cells: np.ndarray) -> xr.DataArray:
    """``variable`` of ``days`` on the ocean ``cells`` as float64 (time, cell) in degC, as xsdba expects."""
    field = data[variable].sel(time=days).transpose("time", "lat", "lon").values
    return xr.DataArray(
        field.reshape(len(days), -1)[:, cells].astype("float64"),
        dims=("time", "cell"),
        coords={"time": days, "cell": np.arange(cells.size)},
        attrs={"units": "degC"},
    )
