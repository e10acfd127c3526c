"""The forecast's way from raw HYCOM files to daily fields on the analysis grid, in one description.

The workflow runs these steps rule by rule with intermediate files (``daily_forecast`` reads the box and reduces
to days with :func:`sstbias.data.daily.read_daily_forecast`, ``regrid`` interpolates onto the analysis grid with
:func:`sstbias.data.regrid.regrid_bilinear`); ``sstbias correct`` runs the same functions in memory on new files with
the settings a trained model recorded (:class:`ForecastPreparation`), so the two cannot drift apart. This module
only describes and reads (no regridding library is imported here: the deep-model rules' environments lack it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import xarray as xr

from sstbias.data.daily import read_daily_forecast
from sstbias.data.forecast_runs import read_lead_forecast
from sstbias.data.io.hycom import HYCOM_HALO_DEG
from sstbias.errors import InputDataError
from sstbias.grid import AnalysisGrid, Box

_GRID_TOLERANCE_DEG = 1e-5


def _axis_summary(values: Sequence[float]) -> str:
    values = np.asarray(values, dtype="float64")
    step = f", step {np.diff(values).mean():.4f}" if values.size > 1 else ""
    return f"{values.min():.4f}..{values.max():.4f} ({values.size} points{step})"


@dataclass(frozen=True)
class ForecastPreparation:
    """Every setting that turns raw HYCOM files into a model's daily input fields.

    ``box`` and ``halo_deg``: the region read (degrees); ``daily_method``/``daily_hour``: the daily reduction;
    ``resolution`` (degrees) and ``regrid_engine`` (a resolved engine name): the bilinear regridding onto the
    analysis grid over ``box``; ``native_lat``/``native_lon``: the forecast's own grid points over the box and halo
    during training (degrees_north ascending, degrees_east ascending in [-180, 180)); ``lead``: the forecast lead
    (days, :mod:`sstbias.data.leads`) the model corrects, 0 the best time series (the nowcast).
    """

    box: Box
    resolution: float
    daily_method: str
    daily_hour: int
    regrid_engine: str
    native_lat: tuple[float, ...]
    native_lon: tuple[float, ...]
    halo_deg: float = HYCOM_HALO_DEG
    lead: int = 0

    @classmethod
    def from_workflow(cls, settings: dict, native_field: xr.DataArray) -> ForecastPreparation:
        """From the workflow's config entries and a daily forecast field on the native grid.

        ``settings`` = ``{"box": {...}, "daily_reduction": {"method", "hour"}, "grid": {"resolution",
        "regrid_engine"}}`` with the regrid engine already resolved (not ``auto``).
        """
        return cls(
            box=Box.from_config(settings["box"]),
            resolution=float(settings["grid"]["resolution"]),
            daily_method=settings["daily_reduction"]["method"],
            daily_hour=int(settings["daily_reduction"]["hour"]),
            regrid_engine=settings["grid"]["regrid_engine"],
            native_lat=tuple(float(v) for v in native_field["lat"].values),
            native_lon=tuple(float(v) for v in native_field["lon"].values),
            lead=int(settings.get("lead", 0)),
        )

    @property
    def grid(self) -> AnalysisGrid:
        """The analysis grid the forecast is regridded onto."""
        return AnalysisGrid(self.box, self.resolution)

    def to_dict(self) -> dict:
        """JSON-ready description (the ``forecast_preparation`` entry of a trained model's model_config.json)."""
        return {
            "product": "HYCOM water_temp, shallowest level",
            "box": asdict(self.box),
            "halo_deg": self.halo_deg,
            "daily_reduction": {"method": self.daily_method, "hour": self.daily_hour},
            "regrid": {"method": "bilinear", "engine": self.regrid_engine, "resolution": self.resolution},
            "native_grid": {"lat": list(self.native_lat), "lon": list(self.native_lon)},
        } | ({"lead": self.lead} if self.lead else {})  # without leads, the description as before

    @classmethod
    def from_dict(cls, entry: dict) -> ForecastPreparation:
        """Inverse of :meth:`to_dict`."""
        return cls(
            box=Box.from_config(entry["box"]),
            resolution=float(entry["regrid"]["resolution"]),
            daily_method=entry["daily_reduction"]["method"],
            daily_hour=int(entry["daily_reduction"]["hour"]),
            regrid_engine=entry["regrid"]["engine"],
            native_lat=tuple(entry["native_grid"]["lat"]),
            native_lon=tuple(entry["native_grid"]["lon"]),
            halo_deg=float(entry["halo_deg"]),
            lead=int(entry.get("lead", 0)),
        )

    def describe_reduction(self) -> str:
        """The daily reduction in words."""
        if self.daily_method == "mean":
            return "mean of the 8 3-hourly steps of each UTC day"
        return f"the step at {self.daily_hour:02d}:00 UTC of each day"

    def read_daily(self, paths: Sequence[str | os.PathLike]) -> xr.DataArray:
        """Daily forecast of the model's lead on the native grid (time, lat, lon) degC (a lead >= 1 from forecast
        runs' step files, :func:`sstbias.data.forecast_runs.read_lead_forecast`); InputDataError on another grid
        than trained."""
        if self.lead:
            daily = read_lead_forecast(paths, self.lead, self.box, self.daily_method, self.daily_hour, self.halo_deg)
        else:
            daily = read_daily_forecast(paths, self.box, self.daily_method, self.daily_hour, self.halo_deg)
        self.check_native_grid(daily)
        return daily

    def check_native_grid(self, daily: xr.DataArray) -> None:
        """InputDataError naming the files if ``daily``'s grid points differ from the training forecast's."""
        for axis, expected in (("lat", self.native_lat), ("lon", self.native_lon)):
            found = daily[axis].values
            if found.size != len(expected) or not np.allclose(found, expected, rtol=0, atol=_GRID_TOLERANCE_DEG):
                sources = daily.attrs.get("source_files", "the forecast files")
                raise InputDataError(
                    f"{sources}: the forecast is on another grid than the one the model was trained on: "
                    f"{axis} {_axis_summary(found)} over the box, trained on {axis} {_axis_summary(expected)}"
                )
