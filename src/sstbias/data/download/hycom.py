"""HYCOM GOFS 3.1 surface temperature through the THREDDS NetCDF Subset Service (NCSS), one UTC day per request.

HYCOM asks users for at most one day per request and at most 2 concurrent connections: the workflow makes one
job per day and limits the jobs that talk to HYCOM at once with the ``hycom_connections`` resource.
"""

from __future__ import annotations

import logging
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sstbias.box import Box
from sstbias.data.download.http import HttpSettings, download
from sstbias.data.download.payload import inspect_payload
from sstbias.errors import ConfigError, InputDataError

log = logging.getLogger("sstbias.data.download")

VARIABLE = "water_temp"
STEP_HOURS = 3
STEPS_PER_DAY = 24 // STEP_HOURS


def longitude_360(lon: float) -> float:
    """A longitude in degrees_east mapped to [0, 360) (HYCOM's and OISST's servers use 0..360)."""
    return lon % 360.0


def east_west_360(box: Box) -> tuple[float, float]:
    """(west, east) of ``box`` in 0..360; ConfigError if the box crosses the 0 deg meridian there."""
    west, east = longitude_360(box.lon_min), longitude_360(box.lon_max)
    if west >= east:
        raise ConfigError(
            f"box: lon {box.lon_min}..{box.lon_max} crosses the 0 deg meridian, which 0..360 servers cannot "
            "subset in one request; use source: local or a box on one side of it"
        )
    return west, east


def ncss_query(box: Box, time_start: str, time_end: str) -> str:
    """The NCSS query string of surface ``water_temp`` over ``box`` from ``time_start`` to ``time_end`` (ISO 8601
    UTC, e.g. ``2021-01-01T00:00:00Z``), every step, netCDF-4: the one query of the days and of the runs."""
    west, east = east_west_360(box)
    return urlencode(
        [
            ("var", VARIABLE),
            ("north", f"{box.lat_max:g}"),
            ("west", f"{west:g}"),
            ("east", f"{east:g}"),
            ("south", f"{box.lat_min:g}"),
            ("disableProjSubset", "on"),
            ("horizStride", "1"),
            ("time_start", time_start),
            ("time_end", time_end),
            ("timeStride", "1"),
            ("vertCoord", "0"),
            ("accept", "netcdf4"),
        ]
    )


def ncss_url(server: dict, day: date, box: Box) -> str:
    """The NCSS query of ``day``'s 3-hourly surface ``water_temp`` over ``box`` (netCDF-4 answer).

    ``server`` holds base_url, dataset, experiment and collection (config ``remote.hycom``).
    """
    query = ncss_query(box, f"{day.isoformat()}T00:00:00Z", f"{day.isoformat()}T{24 - STEP_HOURS:02d}:00:00Z")
    path = "/".join(str(server[key]).strip("/") for key in ("dataset", "experiment", "collection"))
    return f"{server['base_url'].rstrip('/')}/{path}?{query}"


def check_day(path: str | os.PathLike, day: date, box: Box) -> list[datetime]:
    """Validate a one-day NCSS answer: complete netCDF, water_temp over ``box``, only ``day``'s steps.

    Missing 3-hourly steps are logged as a warning naming them (the archive has a few gaps; the daily
    reduction decides whether the day is usable) but a day with no step at all is an error.
    """
    times = inspect_payload(path, VARIABLE, box)
    foreign = sorted({str(t) for t in times if t.date() != day})
    if foreign:
        raise InputDataError(f"{path}: holds steps outside the requested day {day}: {', '.join(foreign[:4])}")
    if not times:
        raise InputDataError(f"{path}: no time step on the requested day {day}")
    midnight = datetime.combine(day, datetime.min.time())
    expected = {midnight + timedelta(hours=STEP_HOURS * k) for k in range(STEPS_PER_DAY)}
    missing = sorted(expected - set(times))
    if missing:
        log.warning("%s: HYCOM has no step at %s", day, ", ".join(f"{t:%H:%M}" for t in missing))
    return times


def download_day(day: date, target: str | Path, server: dict, box: Box, settings: HttpSettings) -> Path:
    """Download ``day`` of HYCOM surface temperature over ``box`` to ``target`` (validated, atomic)."""
    url = ncss_url(server, day, box)
    return download(url, target, settings, lambda tmp: check_day(tmp, day, box))
