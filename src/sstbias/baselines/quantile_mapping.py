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

Saved, the model holds xsdba's trained arrays (``af``, ``hist_q``, ... prefixed ``qm_``) and never xsdba's own
``_xsdba_adjustment`` attribute: that is a jsonpickle string, which can run code when decoded. Loading rebuilds the
adjustment object in this process from the settings and sets the file's arrays on it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
import xsdba

from sstbias.baselines.base import Corrector, ocean_cells, scatter_cells
from sstbias.baselines.settings import QUANTILE_MAPPING_KINDS
from sstbias.errors import ConfigError

METHODS = dict(zip(QUANTILE_MAPPING_KINDS, (xsdba.EmpiricalQuantileMapping, xsdba.QuantileDeltaMapping), strict=True))


class QuantileMapping(Corrector):
    """xsdba EQM or QDM per ocean cell."""

    name = "quantile_mapping"

    def _fit(self, data: xr.Dataset, days: pd.DatetimeIndex) -> None:
        self.cells_ = ocean_cells(data)
        self.adjustment_ = self._train(
            _stacked(data, "observation", days, self.cells_), _stacked(data, "forecast", days, self.cells_)
        )

    def _train(self, ref: xr.DataArray, hist: xr.DataArray):
        """The xsdba adjustment of the settings trained with ``ref`` = observation, ``hist`` = forecast."""
        return METHODS[self.settings["kind"]].train(
            ref, hist, nquantiles=self.settings["nquantiles"], group=self.settings["group"], kind="+"
        )

    def _state(self) -> dict[str, tuple]:
        trained = self.adjustment_.ds
        state = {
            f"qm_{name}": ([f"qm_{d}" for d in var.dims], var.values, dict(var.attrs))
            for name, var in trained.variables.items()
        }
        return state | {"ocean_cells": (("ocean_cell",), self.cells_)}

    def _restore(self, state: xr.Dataset) -> None:
        self.cells_ = state["ocean_cells"].values.astype("int64")
        trained = xr.Dataset(
            {
                name[3:]: ([d[3:] for d in var.dims], var.values, dict(var.attrs))
                for name, var in state.data_vars.items()
                if name.startswith("qm_")
            },
            coords={name[3:]: state[name].values for name in state.coords if name.startswith("qm_")},
        )
        # An adjustment of the same kind, group and quantiles built here (a two-day throwaway fit), then given
        # the file's arrays: the object's class and parameters come from this process, never from the file.
        days = pd.date_range("2001-01-01", periods=2, freq="D")
        dummy = xr.DataArray(
            np.zeros((2, 1)), dims=("time", "cell"), coords={"time": days, "cell": [0]}, attrs={"units": "degC"}
        )
        adjustment = self._train(dummy, dummy)
        trained.attrs = dict(adjustment.ds.attrs)
        adjustment.set_dataset(trained)
        self.adjustment_ = adjustment

    def _correct(self, data: xr.Dataset, days: pd.DatetimeIndex) -> np.ndarray:
        if self.settings["group"] == "time.month":
            unseen = sorted(set(days.month) - set(self.fit_days_.month))
            if unseen:
                raise ConfigError(
                    f"models.quantile_mapping.group: time.month has no fit days in predicted months {unseen}; "
                    "use group: time"
                )
        adjusted = self.adjustment_.adjust(
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
