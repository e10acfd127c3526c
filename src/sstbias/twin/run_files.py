"""The twin's forecast runs as files: one per (run, tau) in HYCOM's forecast layout, and each lead's floor.

A step file is named ``hycom_glby_930_YYYYMMDD12_tXXX_ts3z.nc`` (analysis day, tau in hours) and has the layout of
the genuine ``hycom_glby_930_2019030712_t003_ts3z.nc``: netCDF-3 64-bit offset, ``time`` a record dimension of one
valid time, ``tau`` "hours since analysis" with the analysis as ``time_origin``, ``water_temp(time, depth, lat,
lon)`` int16 (:func:`sstbias.twin.formats.write_hycom`; one depth, the surface, to keep the files small), on the
native grid of the config's box grown by ``raw_margin_deg``. :func:`sstbias.data.io.read_hycom` reads them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.data.leads import ANALYSIS_HOUR, RUN_HOURS, STEP_HOURS, lead_taus
from sstbias.data.leads import run_analyses as lead_run_analyses
from sstbias.grid import AnalysisGrid, Box, lat_coord, lon_coord
from sstbias.netcdf import atomic_write, write_dataset
from sstbias.period import month_days
from sstbias.provenance import record
from sstbias.twin.formats import write_hycom
from sstbias.twin.runs import ForecastRuns, RunErrors, forecast_grid, lead_unpredictable
from sstbias.twin.scenarios import TwinParameters, scenario_parameters

RUN_FILE_FORMAT = "NETCDF3_64BIT_OFFSET"


def run_file_name(analysis: pd.Timestamp, tau: int) -> str:
    """``hycom_glby_930_YYYYMMDD12_tXXX_ts3z.nc`` of the step ``tau`` (hours) of the run analysed at ``analysis``."""
    return f"hycom_glby_930_{analysis:%Y%m%d}{ANALYSIS_HOUR:02d}_t{tau:03d}_ts3z.nc"


def run_taus(config: dict, leads: Sequence[int] | None = None) -> list[int]:
    """The taus (hours) a run writes: those of ``leads`` (:func:`sstbias.data.leads.lead_taus` with the config's
    daily reduction; lead 0, the best time series, has none), or every step 0 .. 180 h when ``leads`` is None."""
    if leads is None:
        return list(range(0, RUN_HOURS + 1, STEP_HOURS))
    daily = config.get("daily_reduction", {"method": "mean", "hour": 12})
    return sorted({tau for lead in leads if lead for tau in lead_taus(lead, daily["method"], daily["hour"])})


def run_analyses(days: pd.DatetimeIndex, leads: Sequence[int]) -> pd.DatetimeIndex:
    """The analysis times (12 UTC) of the runs whose leads ``leads`` (>= 1; 0 is skipped) fall on ``days``
    (:func:`sstbias.data.leads.run_analyses` as a DatetimeIndex)."""
    return pd.DatetimeIndex(lead_run_analyses((day.date() for day in days), leads))


def forecast_runs(
    config: dict,
    analyses: pd.DatetimeIndex,
    parameters: TwinParameters | None = None,
    errors: RunErrors | None = None,
) -> ForecastRuns:
    """The config's run generator on the native HYCOM grid, for runs analysed at ``analyses``."""
    lat, lon, _ = forecast_grid(config)
    last_valid = analyses[-1] + pd.Timedelta(hours=RUN_HOURS)
    return ForecastRuns(
        config["twin"]["seed"],
        Box.from_config(config["box"]),
        range(analyses[0].year, last_valid.year + 1),
        lat,
        lon,
        parameters or scenario_parameters(config["twin"]),
        errors,
    )


def write_runs(
    config: dict,
    analyses: Iterable[pd.Timestamp],
    folder: str | os.PathLike,
    leads: Sequence[int] | None = None,
    parameters: TwinParameters | None = None,
    errors: RunErrors | None = None,
    settings: dict | None = None,
) -> list[Path]:
    """Write the runs analysed at ``analyses`` (12 UTC) into ``folder``, one file per (run, tau), atomically: the
    taus of ``leads`` (:func:`run_taus`), or all 61 steps; the files record ``settings`` (provenance) when given.
    Uses config keys box, raw_margin_deg, twin, daily_reduction. Returns the paths written, run by run, tau by tau.
    """
    analyses = pd.DatetimeIndex(sorted(pd.DatetimeIndex(list(analyses))))
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    runs = forecast_runs(config, analyses, parameters, errors)
    _, lon, land = forecast_grid(config)
    taus = run_taus(config, leads)
    paths = []
    for analysis in analyses:
        sst = runs.steps(analysis, taus)
        sst[:, land] = np.nan
        for tau, field in zip(taus, sst, strict=True):
            path = folder / run_file_name(analysis, tau)
            write_run_step(path, analysis, tau, runs.lat, np.mod(lon, 360.0), field, settings)
            paths.append(path)
    return paths


def write_run_step(
    path: Path,
    analysis: pd.Timestamp,
    tau: int,
    lat: np.ndarray,
    lon360: np.ndarray,
    sst: np.ndarray,
    settings: dict | None = None,
) -> None:
    """One step file: ``sst`` (H, W) degC, NaN on land, valid ``tau`` hours after ``analysis``, atomically."""
    times = pd.DatetimeIndex([analysis + pd.Timedelta(hours=tau)])

    def write(tmp: Path) -> None:
        write_hycom(tmp, times, lat, lon360, sst[None], file_format=RUN_FILE_FORMAT, analysis_time=analysis)
        if settings is not None:
            record(tmp, settings)

    atomic_write(path, write)


def lead_diagnostics(
    month: str,
    config: dict,
    leads: Sequence[int],
    parameters: TwinParameters | None = None,
    errors: RunErrors | None = None,
) -> xr.Dataset:
    """``unpredictable_error(lead, time, lat, lon)`` float32 degC of ``month``'s valid days (in the config's
    period) on the analysis grid, for each of ``leads``: each lead's floor is observation - this (lead 0: the
    diagnostics of :func:`sstbias.twin.synthesize_month`, bit for bit)."""
    days = month_days(month, config["period"])
    if days.empty:
        raise ValueError(f"month {month} has no day inside the period {config['period']}")
    grid = AnalysisGrid.from_config(config)
    values = np.stack([lead_unpredictable(config, lead, days, parameters, errors) for lead in leads])
    lead = xr.DataArray(
        np.asarray(leads, dtype="int32"),
        dims="lead",
        attrs={"long_name": "forecast lead (valid day - analysis day)", "units": "days"},
    )
    period = xr.DataArray(
        np.asarray(leads, dtype="float64"),
        dims="lead",
        attrs={"standard_name": "forecast_period", "units": "days"},
    )
    coords = {
        "lead": lead,
        "forecast_period": period,
        "time": days,
        "lat": lat_coord(grid.lat),
        "lon": lon_coord(grid.lon),
    }
    field = xr.DataArray(
        values,
        dims=("lead", "time", "lat", "lon"),
        coords=coords,
        attrs={
            "units": "degC",
            "long_name": "part of observation - daily forecast of each lead unknowable to a corrector of that lead "
            "(unresolved variability + observation noise + the storms' unknowable wakes)",
        },
    )
    return xr.Dataset(
        {"unpredictable_error": field},
        attrs={"title": "sstbias twin per-lead floor diagnostics on the analysis grid", "comment": "synthetic"},
    )


def write_lead_diagnostics(
    month: str,
    config: dict,
    leads: Sequence[int],
    path: str | os.PathLike,
    parameters: TwinParameters | None = None,
    errors: RunErrors | None = None,
) -> None:
    """:func:`lead_diagnostics` written to ``path`` atomically."""
    diagnostics = lead_diagnostics(month, config, leads, parameters, errors)
    write_dataset(diagnostics, path, history=f"sstbias twin lead floors {month}")
