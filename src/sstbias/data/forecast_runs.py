"""Daily forecasts by lead from HYCOM forecast runs (one file per run and step), and the leads one run can give.

Lead L of the run analysed on day D at 12 UTC is its UTC day D + L, reduced as every daily forecast is
(:func:`sstbias.data.daily.reduce_daily`); its steps are the taus :func:`sstbias.data.leads.lead_taus` names. Runs
overlap in valid time (day D + 2 is lead 2 of run D and lead 1 of run D + 1), so each run's steps are read and
reduced on their own and never mixed with another run's. Lead 0 is the best time series (the taus 0 .. 21 of
consecutive runs), read exactly as the hindcast files are (:func:`sstbias.data.daily.read_daily_forecast`).
Which file is which step comes from its name (:class:`sstbias.data.local_files.RunFiles`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.data.daily import read_daily_forecast, reduce_daily
from sstbias.data.io import TimeWindow, read_hycom
from sstbias.data.io.hycom import HYCOM_HALO_DEG
from sstbias.data.leads import analysis_time, best_series_steps, lead_taus
from sstbias.data.local_files import RUN_NAME, RunFiles
from sstbias.errors import InputDataError
from sstbias.grid import Box

# The CF attributes of the lead coordinates (days; the valid day's centre after the analysis; the analysis time).
LEAD_ATTRS = {"long_name": "forecast lead: days from the analysis day to the valid day", "units": "days"}
FORECAST_PERIOD_ATTRS = {
    "standard_name": "forecast_period",
    "long_name": "valid day's centre (12 UTC) after the analysis",
}
REFERENCE_TIME_ATTRS = {
    "standard_name": "forecast_reference_time",
    "long_name": "analysis time of the forecast run (UTC)",
}


def read_lead_forecast(
    paths: Sequence[str | os.PathLike],
    lead: int,
    box: Box,
    method: str = "mean",
    hour: int = 12,
    halo: float = HYCOM_HALO_DEG,
    window: TimeWindow | None = None,
) -> xr.DataArray:
    """Daily forecast of lead ``lead`` (days) from the HYCOM step files ``paths``: (time, lat, lon) float32 degC on
    the native grid over ``box`` grown by ``halo`` degrees, as :func:`sstbias.data.daily.read_daily_forecast`.

    ``time`` is the valid UTC day (stamped 00:00); coordinates ``lead`` (scalar, days), ``forecast_period`` (scalar
    timedelta, ``lead`` days: the centre of the valid day after the 12 UTC analysis) and ``forecast_reference_time``
    (along time: the analysis time of the run each day comes from). With ``window``, only valid days whose 00:00
    stamp lies in it are kept (for a lead >= 1: the runs whose lead day lies in it). Lead 0 reads the best time
    series' files (taus up to 21 h and files named otherwise) as the hindcast path does. A lead >= 1 reads each
    run's lead-day steps on their own and reduces them to its day.

    InputDataError naming the file, run or lead: a run not analysed at 12 UTC, a run lacking taus of the lead day or
    ending before it, files not named as run steps (lead >= 1), files whose valid times differ from their names',
    two files of one step with different values, no run with its lead day in ``window``.
    """
    files = RunFiles.index(paths, key="HYCOM", error=InputDataError)
    if lead == 0:
        daily = read_daily_forecast(files.best_series(), box, method, hour, halo, window)
    else:
        first = last = None
        if window is not None:
            first, last = window.start.ceil("D").date(), (window.end - pd.Timedelta(1, "ns")).floor("D").date()
        runs = files.lead_runs(lead, method, hour, first, last)
        if not runs:
            named = f" ({paths[0]}, ...)" if paths else ""
            raise InputDataError(
                f"HYCOM: lead {lead}: none of the {len(paths)} files{named} is a step of a run whose lead-{lead} day "
                f"lies in {window}"
            )
        daily = _join_runs(
            [_read_run_day(analysis, run_paths, lead, box, method, hour, halo) for analysis, run_paths in runs.items()]
        )
    return _with_lead(daily, lead)


def _read_run_day(
    analysis: datetime, paths: list[Path], lead: int, box: Box, method: str, hour: int, halo: float
) -> xr.DataArray:
    """Lead ``lead``'s day (1, lat, lon) of the run analysed at ``analysis`` from its step files ``paths``."""
    steps = read_hycom(paths, box=box, halo=halo)
    expected = pd.DatetimeIndex([analysis + timedelta(hours=tau) for tau in lead_taus(lead, method, hour)])
    found = pd.DatetimeIndex(steps["time"].values)
    if not found.equals(expected):
        raise InputDataError(
            f"run {analysis:%Y-%m-%d %H} UTC, lead {lead}: its files ({paths[0]}, ...) hold the valid times "
            f"{', '.join(f'{t:%Y-%m-%d %H}' for t in found)} UTC, their names give "
            f"{', '.join(f'{t:%Y-%m-%d %H}' for t in expected)} UTC"
        )
    return reduce_daily(steps, method=method, hour=hour)


def _join_runs(days: list[xr.DataArray]) -> xr.DataArray:
    """The runs' days (each (1, lat, lon), distinct valid days) along time; InputDataError naming the files of a day on
    another grid than the first."""
    for day in days[1:]:
        for axis in ("lat", "lon"):
            if not np.array_equal(day[axis].values, days[0][axis].values):
                raise InputDataError(
                    f"{day.attrs['source_files']}: on another {axis} grid than {days[0].attrs['source_files']}"
                )
    joined = xr.concat(days, dim="time", join="exact") if len(days) > 1 else days[0]
    joined.attrs = {**days[0].attrs, "source_files": ", ".join(day.attrs["source_files"] for day in days)}
    return joined


def _with_lead(daily: xr.DataArray, lead: int) -> xr.DataArray:
    """``daily`` with the coordinates ``lead``, ``forecast_period`` and ``forecast_reference_time``."""
    days = pd.DatetimeIndex(daily["time"].values)
    reference = pd.DatetimeIndex([analysis_time(day.date(), lead) for day in days]).as_unit("ns")
    return daily.assign_coords(
        lead=((), lead, LEAD_ATTRS),
        forecast_period=((), np.timedelta64(lead, "D").astype("timedelta64[ns]"), FORECAST_PERIOD_ATTRS),
        forecast_reference_time=("time", reference, REFERENCE_TIME_ATTRS),
    )


@dataclass(frozen=True)
class RunCoverage:
    """The leads the files of one forecast run can give: ``analysis`` (UTC, naive) is the run's analysis time;
    ``files`` maps each lead it can give to the step files that make it (for ``read_lead_forecast``); ``missing``
    maps each lead it cannot give to one line saying why (the missing taus, or the lead beyond its last step)."""

    analysis: datetime
    files: dict[int, tuple[str, ...]]
    missing: dict[int, str]


def run_coverage(
    paths: Iterable[str | os.PathLike], leads: Iterable[int], method: str = "mean", hour: int = 12
) -> RunCoverage:
    """Which of ``leads`` (days) the step files ``paths`` of one forecast run give, for the daily reduction
    ``method``/``hour`` (from the file names only).

    The run is the latest analysis among the files. Lead 0 (the best time series of the analysis day) takes the
    steps before 12 UTC from the previous day's run (taus 12 .. 21 h), so that run's files may come along for it.
    InputDataError naming the file: a name that is not a run step's, a run not analysed at 12 UTC, a file of another
    run.
    """
    files = RunFiles.index(paths, key="forecast run", error=InputDataError)
    if files.others:
        raise InputDataError(f"{files.others[0]}: not named {RUN_NAME}, so its run and tau are unknown")
    if not files.runs:
        raise InputDataError("forecast run: no files")
    analysis = max(files.runs)
    lead0 = best_series_steps(analysis.date(), method, hour)
    allowed = {(run, tau) for run, tau in lead0 if run != analysis}  # the previous run's
    for other, steps in files.runs.items():
        for tau, step_files in steps.items():
            if other != analysis and (other, tau) not in allowed:
                raise InputDataError(
                    f"{step_files[0]}: a step of run {other:%Y-%m-%d %H} UTC, not of run {analysis:%Y-%m-%d %H} UTC "
                    "(only the previous run's steps of lead 0 may come with a run)"
                )
    given, missing = {}, {}
    for lead in leads:
        steps, gap = files.lead_files(analysis, lead, method, hour)
        if gap:
            missing[lead] = gap
        else:
            given[lead] = tuple(map(str, steps))
    return RunCoverage(analysis, given, missing)


def read_run(
    coverage: RunCoverage, box: Box, method: str = "mean", hour: int = 12, halo: float = HYCOM_HALO_DEG
) -> xr.DataArray:
    """The daily forecast of every lead ``coverage`` can give, from one run: (lead, lat, lon) float32 degC on the
    native grid over ``box`` grown by ``halo``, with coordinates ``lead`` (days), ``time`` (along lead: the valid
    UTC day, 00:00), ``forecast_period`` (along lead) and ``forecast_reference_time`` (scalar: the run's analysis
    time). InputDataError when it can give no lead (naming why each is missing) and as :func:`read_lead_forecast`.
    """
    if not coverage.files:
        raise InputDataError("; ".join(coverage.missing.values()) or "forecast run: no lead asked for")
    fields = [
        read_lead_forecast(list(files), lead, box, method, hour, halo).isel(time=0)
        for lead, files in sorted(coverage.files.items())
    ]
    joined = xr.concat(fields, dim="lead", coords=["time", "forecast_period"], compat="equals", join="exact")
    joined.attrs = {**fields[0].attrs, "source_files": ", ".join(field.attrs["source_files"] for field in fields)}
    return joined
