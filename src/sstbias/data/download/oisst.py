"""NOAA OISST v2.1 daily SST: ERDDAP griddap subsets by month, with NCEI's per-day files for the days ERDDAP lacks.

ERDDAP's aggregation (``ncdcOisst21Agg``, longitudes 0..360) misses a few days (2021-03-23 and 2021-09-07 among
them): a month's answer simply lacks them. The workflow reads which days a month's file holds
(:func:`chunk_days`) and fetches each missing day from NCEI (global files; the final name, else the
``_preliminary`` name that recent days carry for about two weeks).
"""

from __future__ import annotations

import logging
import os
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import netCDF4

from sstbias.box import Box
from sstbias.data.download.http import HttpSettings, download
from sstbias.data.download.hycom import east_west_360
from sstbias.data.download.payload import decode_times, inspect_payload
from sstbias.errors import DownloadError, InputDataError

log = logging.getLogger("sstbias.data.download")

VARIABLE = "sst"
DAY_CENTRE = "T12:00:00Z"
NCEI_NAME = "oisst-avhrr-v02r01.{day:%Y%m%d}{suffix}.nc"
PRELIMINARY = "_preliminary"
_NOT_FOUND = 404


def erddap_url(server: dict, days: list[date], box: Box) -> str:
    """The griddap query of ``sst`` on ``days`` (first..last, consecutive) over ``box`` as a netCDF file.

    ``server`` holds erddap_url and erddap_dataset (config ``remote.oisst``). The constraint is
    percent-encoded (servers reject raw brackets).
    """
    west, east = east_west_360(box)
    constraint = (
        f"{VARIABLE}[({days[0].isoformat()}{DAY_CENTRE}):1:({days[-1].isoformat()}{DAY_CENTRE})][(0.0)]"
        f"[({box.lat_min:g}):1:({box.lat_max:g})][({west:g}):1:({east:g})]"
    )
    base = server["erddap_url"].rstrip("/")
    return f"{base}/griddap/{server['erddap_dataset']}.nc?{quote(constraint, safe='-_.!~*()')}"


def ncei_urls(server: dict, day: date) -> list[str]:
    """NCEI URLs of ``day``'s file: the final name first, then the preliminary one."""
    folder = f"{server['ncei_url'].rstrip('/')}/{day:%Y%m}"
    return [f"{folder}/{NCEI_NAME.format(day=day, suffix=suffix)}" for suffix in ("", PRELIMINARY)]


def check_days(path: str | os.PathLike, days: list[date], box: Box, extra_days: bool = False) -> list[date]:
    """Validate an OISST answer meant to hold ``days`` over ``box``; return the requested days it lacks.

    An answer without any requested day is an error; so are days that were not requested, unless
    ``extra_days`` (ERDDAP snaps a range whose end day it lacks to the nearest day it has: logged, and the
    reader keeps identical repeats once).
    """
    found = [stamp.date() for stamp in inspect_payload(path, VARIABLE, box)]
    foreign = sorted(set(found) - set(days))
    if foreign and not extra_days:
        raise InputDataError(f"{path}: holds days that were not requested: {', '.join(map(str, foreign[:4]))}")
    if foreign:
        log.warning("the answer also holds %s, which were not requested", ", ".join(map(str, foreign)))
    if not set(found) & set(days):
        raise InputDataError(f"{path}: none of the requested days {days[0]} .. {days[-1]}")
    return sorted(set(days) - set(found))


def chunk_days(path: str | os.PathLike) -> list[date]:
    """The days held by an OISST file already validated (the time coordinate only is read)."""
    with netCDF4.Dataset(path) as ds:
        return sorted({stamp.date() for stamp in decode_times(ds.variables["time"], path)})


def download_month(days: list[date], target: str | Path, server: dict, box: Box, settings: HttpSettings) -> Path:
    """Download ``days`` (one month's, consecutive) from ERDDAP to ``target``; log the days it lacks."""
    url = erddap_url(server, days, box)
    download(url, target, settings, lambda tmp: check_days(tmp, days, box, extra_days=True))
    missing = sorted(set(days) - set(chunk_days(target)))
    if missing:
        log.warning("ERDDAP lacks %s: they come from NCEI", ", ".join(map(str, missing)))
    return Path(target)


def download_day(day: date, target: str | Path, server: dict, box: Box, settings: HttpSettings) -> Path:
    """Download ``day``'s NCEI file to ``target``: the final file, else the preliminary one (404 on final)."""
    final, preliminary = ncei_urls(server, day)
    try:
        return download(final, target, settings, lambda tmp: check_days(tmp, [day], box))
    except DownloadError as err:
        if err.status != _NOT_FOUND:
            raise
        log.info("%s: no final file yet (%s); trying the preliminary one", day, err)
    return download(preliminary, target, settings, lambda tmp: check_days(tmp, [day], box))


def parse_day(text: str) -> date:
    """A YYYY-MM-DD string as a date."""
    return datetime.strptime(text, "%Y-%m-%d").date()
