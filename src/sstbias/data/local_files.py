"""User-supplied raw files (source: local): folders and globs expanded, and files sorted by the days they hold.

Runs when the workflow is parsed, so it only looks at file names (standard library only). Recognised names:
HYCOM hindcast files ``hycom_glby_930_YYYYMMDD12_tXXX_ts3z.nc`` (valid time = analysis time + XXX hours),
NCEI daily files ``oisst-avhrr-v02r01.YYYYMMDD[_preliminary].nc`` and PSL yearly files
``sst.day.mean.YYYY[.v2].nc``. Files with other names are kept for every month: the readers then keep only
the times wanted (the daily reduction reads a month, the regridding the period).

The same names make **forecast runs** (:class:`RunFiles`): a run is the files of one analysis time (12 UTC), one
per tau; lead L of a month is each run's lead-L day in it (:mod:`sstbias.data.leads` maps taus to leads). Lead 0 is
the best time series: the taus 0 .. 21 of consecutive runs, read as the hindcast files are.
"""

from __future__ import annotations

import calendar
import glob
import logging
import os
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sstbias.data.leads import ANALYSIS_HOUR, BEST_SERIES_TAUS, best_series_steps, lead_taus, valid_day
from sstbias.errors import ConfigError, SstbiasError

log = logging.getLogger("sstbias.data.local_files")

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


def forecast_step(path: Path) -> tuple[datetime, int] | None:
    """The analysis time (UTC, naive) and tau (hours) of a HYCOM file named ``..._YYYYMMDDHH_tXXX_...nc``, else
    None."""
    match = HINDCAST_NAME.search(os.path.basename(path))
    if not match:
        return None
    stamp = match["analysis"]  # YYYYMMDDHH, parsed by hand: strptime would dominate a parse of 20 000 names
    analysis = datetime(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8]), int(stamp[8:]))
    return analysis, int(match["tau"])


def hindcast_valid_time(path: Path) -> datetime | None:
    """The valid time (UTC) of a HYCOM hindcast file named ``..._YYYYMMDDHH_tXXX_...nc``, else None."""
    step = forecast_step(path)
    return None if step is None else step[0] + timedelta(hours=step[1])


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


RUN_NAME = "..._YYYYMMDD12_tXXX_...nc"  # how a forecast run's step file is named, in messages


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of ``month`` ("YYYY-MM")."""
    first = date.fromisoformat(f"{month}-01")
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def run_label(analysis: datetime) -> str:
    """How messages name the forecast run analysed at ``analysis``: ``run YYYY-MM-DD HH UTC``."""
    return f"run {analysis:%Y-%m-%d %H} UTC"


def lead_gap(analysis: datetime, taus: Collection[int], lead: int, method: str = "mean", hour: int = 12) -> str | None:
    """Why the run analysed at ``analysis`` with step files at ``taus`` (hours) cannot give lead ``lead`` (days,
    >= 1) for the daily reduction ``method``/``hour``: the lead lies beyond its last tau, or taus of the lead day are
    missing (listed); None when it can."""
    needed = lead_taus(lead, method, hour)
    missing = [tau for tau in needed if tau not in taus]
    if not missing:
        return None
    run = run_label(analysis)
    day = valid_day(analysis, lead)
    if not taus or max(taus) < min(needed):
        last = f"its last tau is {max(taus)} h" if taus else "it has no step"
        return f"{run}: lead {lead} (taus {needed[0]} .. {needed[-1]} h, day {day}) is beyond the run's length ({last})"
    return f"{run}: lead {lead} (day {day}) lacks the step file(s) of tau(s) {', '.join(map(str, missing))} h"


@dataclass(frozen=True)
class RunFiles:
    """HYCOM files sorted by forecast run: ``runs`` maps each analysis time (UTC, naive, 12 UTC) to its step files
    by tau (hours; more than one file when several hold the same step); ``others`` are the files named otherwise;
    ``key`` names them in messages and ``error`` is what bad files raise (ConfigError while the workflow is parsed,
    InputDataError when reading)."""

    runs: dict[datetime, dict[int, tuple[Path, ...]]]
    others: tuple[Path, ...]
    key: str = "local.hycom"
    error: type[SstbiasError] = ConfigError

    @classmethod
    def index(
        cls, paths: Iterable[Path | str], key: str = "local.hycom", error: type[SstbiasError] = ConfigError
    ) -> RunFiles:
        """The files ``paths`` (config ``key``) by run and tau, from their names only.

        Raises ``error`` naming the file whose run is not analysed at :data:`sstbias.data.leads.ANALYSIS_HOUR` UTC.
        Several files for one (run, tau) are logged; the reader keeps one if their values are identical and refuses
        them otherwise.
        """
        runs: dict[datetime, dict[int, list[Path]]] = {}
        others = []
        for path in map(Path, paths):
            step = forecast_step(path)
            if step is None:
                others.append(path)
                continue
            analysis, tau = step
            if analysis.hour != ANALYSIS_HOUR:
                raise error(
                    f"{path}: a forecast run analysed at {analysis:%Y-%m-%d %H} UTC ({key}); HYCOM GOFS 3.1 runs "
                    f"start from a {ANALYSIS_HOUR:02d} UTC analysis"
                )
            runs.setdefault(analysis, {}).setdefault(tau, []).append(path)
        for analysis, steps in runs.items():
            for tau, files in steps.items():
                if len(files) > 1:
                    log.info(
                        "run %s UTC, tau %d h: %d files (%s)",
                        f"{analysis:%Y-%m-%d %H}",
                        tau,
                        len(files),
                        ", ".join(map(str, files)),
                    )
        return cls(
            {
                analysis: {tau: tuple(sorted(files)) for tau, files in sorted(steps.items())}
                for analysis, steps in sorted(runs.items())
            },
            tuple(others),
            key,
            error,
        )

    def holds_runs(self) -> bool:
        """Whether any file is a forecast step beyond the best time series' (a tau beyond 21 h)."""
        return any(max(steps) > max(BEST_SERIES_TAUS) for steps in self.runs.values())

    def check_leads(self, leads: Iterable[int]) -> None:
        """ConfigError naming the key when ``leads`` (days) go beyond 0 but no file is a forecast run's step."""
        beyond = [lead for lead in leads if lead > 0]
        if not beyond or self.holds_runs():
            return
        taus = sorted({tau for steps in self.runs.values() for tau in steps})
        held = f"taus {taus[0]} .. {taus[-1]} h only" if taus else f"no file named {RUN_NAME}"
        raise ConfigError(
            f"{self.key}: forecast.leads {beyond} need forecast runs (step files named {RUN_NAME} with taus beyond "
            f"{max(BEST_SERIES_TAUS)} h), but its files hold none ({held})"
        )

    def best_series(self) -> list[Path]:
        """The files of lead 0 (the best time series): the steps of taus up to 21 h and the files named otherwise,
        sorted; a folder of hindcast files is all of it."""
        last = max(BEST_SERIES_TAUS)
        named = [path for steps in self.runs.values() for tau, files in steps.items() if tau <= last for path in files]
        return sorted(named + list(self.others))

    def lead_runs(
        self,
        lead: int,
        method: str = "mean",
        hour: int = 12,
        first: date | None = None,
        last: date | None = None,
    ) -> dict[datetime, list[Path]]:
        """The step files of lead ``lead`` (days, >= 1) by run, for the runs whose lead day lies in ``first`` ..
        ``last`` (every run when not given), in tau order (several files for one tau all kept: the reader compares
        them).

        Raises :attr:`error` naming the key, the run and the lead when such a run lacks taus of the lead day or ends
        before it (:func:`lead_gap`), and when files are named otherwise (their run and tau are unknown).
        """
        if self.others:
            raise self.error(
                f"{self.key}: {self.others[0]} (and {len(self.others) - 1} other file(s)) not named {RUN_NAME}: lead "
                f"{lead} needs each file's run and tau"
            )
        kept = {}
        for analysis in self.runs:
            day = valid_day(analysis, lead)
            if (first is not None and day < first) or (last is not None and day > last):
                continue
            files, gap = self.lead_files(analysis, lead, method, hour)
            if gap:
                raise self.error(f"{self.key}: {gap}")
            kept[analysis] = files
        return kept

    def lead_files(
        self, analysis: datetime, lead: int, method: str = "mean", hour: int = 12
    ) -> tuple[list[Path], str | None]:
        """The step files of lead ``lead`` (days) of the run analysed at ``analysis``, in step order, and None; or
        no file and why the files cannot give that lead (:func:`lead_gap`; for lead 0, the best time series of the
        analysis day, the steps it lacks: those before 12 UTC are the previous run's taus 12 .. 21 h). For the daily
        reduction ``method``/``hour``."""
        if lead == 0:
            steps = best_series_steps(analysis.date(), method, hour)
            absent = [(other, tau) for other, tau in steps if tau not in self.runs.get(other, {})]
            if absent:
                lacks = ", ".join(f"tau {tau} h of {run_label(other)}" for other, tau in absent)
                return [], f"{run_label(analysis)}: lead 0 (the best time series of {analysis.date()}) lacks {lacks}"
            return [path for other, tau in steps for path in self.runs[other][tau]], None
        taus = self.runs.get(analysis, {})
        gap = lead_gap(analysis, taus, lead, method, hour)
        if gap:
            return [], gap
        return [path for tau in lead_taus(lead, method, hour) for path in taus[tau]], None

    def files_for_month(self, month: str, lead: int, method: str = "mean", hour: int = 12) -> list[str]:
        """The files lead ``lead`` of ``month`` ("YYYY-MM") reads: for lead 0 :func:`hycom_files_for_month` of the
        best time series' files (a run's later steps would repeat valid times with other values); for
        a lead L >= 1 the lead-L day's steps of every run whose lead-L day lies in the month. ConfigError as
        :meth:`lead_runs`."""
        if lead == 0:
            return hycom_files_for_month(self.best_series(), month)
        runs = self.lead_runs(lead, method, hour, *month_bounds(month))
        return [str(path) for files in runs.values() for path in files]
