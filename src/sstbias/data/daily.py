"""Reduction of the 3-hourly forecast to one field per UTC day."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.data.io import TimeWindow, read_hycom
from sstbias.data.io.hycom import HYCOM_HALO_DEG
from sstbias.errors import InputDataError
from sstbias.grid import Box

STEPS_PER_DAY = 8


def reduce_daily(da: xr.DataArray, method: str = "mean", hour: int = 12) -> xr.DataArray:
    """One field per UTC day from a 3-hourly (time, lat, lon) field in degC.

    ``mean`` averages the day's 8 steps (00, 03, ..., 21 UTC) and requires all of them, at every cell: a day
    lacking steps, or a cell with a value in only some of its day's steps, raises InputDataError naming the day
    and the source files (``da.attrs['source_files']``), because a partial mean would mix diurnal phases (the same
    rule for the workflow and ``sstbias correct``, which both reduce here). ``sample`` takes the step at ``hour``
    UTC. Days are stamped 00:00 UTC.
    """
    times = pd.DatetimeIndex(da["time"].values)
    days = times.floor("D")
    sources = da.attrs.get("source_files", "the forecast files")
    if method == "mean":
        counts = pd.Series(1, index=times).groupby(days).count()
        incomplete = counts[counts != STEPS_PER_DAY]
        if len(incomplete):
            listed = ", ".join(f"{day.date()} ({n} steps)" for day, n in incomplete.items())
            raise InputDataError(f"{sources}: days without all {STEPS_PER_DAY} 3-hourly steps: {listed}")
        _check_partial_cells(da, days, sources)
        daily = da.assign_coords(day=("time", days)).groupby("day").mean("time").rename(day="time")
        cell_methods = "time: mean (interval: 3 hours)"
    elif method == "sample":
        chosen = times.hour == hour
        missing = days.unique().difference(days[chosen])
        if len(missing):
            listed = ", ".join(str(day.date()) for day in missing)
            raise InputDataError(f"{sources}: no step at {hour:02d}:00 UTC on {listed}")
        daily = da.isel(time=np.flatnonzero(chosen)).assign_coords(time=days[chosen])
        cell_methods = f"time: point (sampled at {hour:02d}:00 UTC)"
    else:
        raise ValueError(f"daily_reduction.method must be 'mean' or 'sample', got {method!r}")
    daily = daily.astype("float32")
    daily.attrs = {**da.attrs, "cell_methods": cell_methods}
    return daily


def _check_partial_cells(da: xr.DataArray, days: pd.DatetimeIndex, sources: str) -> None:
    """InputDataError naming the first day on which a cell holds a value in some but not all of the day's steps
    (land, NaN in every step, is not partial)."""
    valid = np.isfinite(da.transpose("time", "lat", "lon").values)
    for day in days.unique():
        steps = valid[np.asarray(days == day)]
        partial = steps.any(axis=0) & ~steps.all(axis=0)
        if partial.any():
            y, x = (int(i[0]) for i in np.nonzero(partial))
            raise InputDataError(
                f"{sources}: {int(partial.sum())} cell(s) hold a value in only some of the {STEPS_PER_DAY} steps of "
                f"{day.date()} (first at lat {float(da['lat'][y]):.3f}, lon {float(da['lon'][x]):.3f}); a mean over "
                "the other steps would mix diurnal phases, so the day is refused"
            )


def read_daily_forecast(
    paths: Sequence[str | os.PathLike],
    box: Box,
    method: str,
    hour: int,
    halo: float = HYCOM_HALO_DEG,
    window: TimeWindow | None = None,
) -> xr.DataArray:
    """Daily forecast (time, lat, lon) float32 degC on the native grid over ``box`` grown by ``halo`` degrees.

    Reads HYCOM files with :func:`sstbias.data.io.read_hycom` (its documented repairs apply: Kelvin -> degC, values
    outside the valid range -> NaN, identical repeated steps kept once), keeping only the steps in ``window`` when
    given, and reduces the 3-hourly steps to UTC days with :func:`sstbias.data.daily.reduce_daily` (``method`` mean or
    sample at ``hour``). Days are stamped 00:00 UTC.
    """
    return reduce_daily(read_hycom(paths, box=box, halo=halo, window=window), method=method, hour=hour)
