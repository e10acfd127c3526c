"""User-supplied raw files (source: local): folders and globs expanded, and files sorted by the days they hold.

Runs when the workflow is parsed, so it only looks at file names (standard library only). Recognised names:
HYCOM hindcast files ``hycom_glby_930_YYYYMMDD12_tXXX_ts3z.nc`` (valid time = analysis time + XXX hours),
NCEI daily files ``oisst-avhrr-v02r01.YYYYMMDD[_preliminary].nc`` and PSL yearly files
``sst.day.mean.YYYY[.v2].nc``. Files with other names are kept for every month: the readers then keep only
the times wanted (the daily reduction reads a month, the regridding the period).
"""

from __future__ import annotations

import glob
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path

from sstbias.errors import ConfigError

HINDCAST_NAME = re.compile(r"_(?P<analysis>\d{10})_t(?P<tau>-?\d{3})_\w*\.nc$")
NCEI_NAME = re.compile(r"oisst-avhrr-v02r01\.(?P<day>\d{8})(?P<preliminary>_preliminary)?\.nc$")
PSL_NAME = re.compile(r"sst\.day\.mean\.(?P<year>\d{4})(\.v2)?\.nc$")


def expand_patterns(patterns: Iterable[str], key: str) -> list[Path]:
    """Files named by ``patterns`` (config ``key``): a folder means every ``*.nc`` below it, else a glob.

    Raises ConfigError naming ``key`` when the list is empty or a pattern matches no file.
    """
    patterns = list(patterns)
    if not patterns:
        raise ConfigError(f"{key}: empty; list the folders or globs of your files (source: local)")
    found: set[Path] = set()
    for pattern in patterns:
        folder = Path(pattern).expanduser()
        if folder.is_dir():
            matches = [path for path in folder.rglob("*.nc") if path.is_file()]
        else:
            matches = [Path(name) for name in glob.glob(str(folder), recursive=True) if Path(name).is_file()]
        if not matches:
            raise ConfigError(f"{key}: {pattern!r} matches no file")
        found.update(matches)
    return sorted(found)


def hindcast_valid_time(path: Path) -> datetime | None:
    """The valid time (UTC) of a HYCOM hindcast file named ``..._YYYYMMDDHH_tXXX_...nc``, else None."""
    match = HINDCAST_NAME.search(path.name)
    if not match:
        return None
    return datetime.strptime(match["analysis"], "%Y%m%d%H") + timedelta(hours=int(match["tau"]))


def hycom_files_for_month(paths: Iterable[Path], month: str) -> list[str]:
    """The HYCOM files that may hold steps of ``month`` ("YYYY-MM"): named ones valid in it, and unnamed ones."""
    kept = []
    for path in paths:
        valid = hindcast_valid_time(path)
        if valid is None or f"{valid:%Y-%m}" == month:
            kept.append(str(path))
    return kept


def oisst_files_for_days(paths: Iterable[Path], first: date, last: date) -> list[str]:
    """The OISST files that may hold days ``first`` .. ``last``.

    NCEI daily files outside the days are left out, and a day's preliminary file too when its final file is
    there; PSL yearly files of other years are left out; files with other names are kept.
    """
    named: dict[date, dict[bool, Path]] = {}
    kept = []
    for path in paths:
        daily = NCEI_NAME.search(path.name)
        yearly = PSL_NAME.search(path.name)
        if daily:
            day = datetime.strptime(daily["day"], "%Y%m%d").date()
            if first <= day <= last:
                named.setdefault(day, {})[bool(daily["preliminary"])] = path
        elif yearly:
            if first.year <= int(yearly["year"]) <= last.year:
                kept.append(path)
        else:
            kept.append(path)
    kept += [versions.get(False, versions.get(True)) for versions in named.values()]
    return sorted(str(path) for path in kept)
