"""HYCOM GOFS 3.1 forecast runs through the THREDDS NetCDF Subset Service (NCSS) of the FMRC's per-run datasets.

HYCOM's THREDDS server aggregates the expt_93.0 forecast runs as a Forecast Model Run Collection (FMRC) whose
``runs`` collection holds one dataset per run, ``GLBy0.08_930_FMRC_RUN_YYYY-MM-DDT12:00:00Z``, with the valid time
as its time axis. One request fetches one step (tau) of one run over the box, surface only: its answer is the
file ``hycom_glby_930_YYYYMMDD12_tXXX_ts3z.nc`` (the per-(run, tau) layout of HYCOM's own forecast files, which
``source: local`` reads), so every file is downloaded, validated and placed atomically on its own and a rerun
fetches only the missing ones. Only the taus of the configured leads >= 1 are planned
(:func:`sstbias.data.leads.lead_taus`); lead 0 stays the best-time-series download of
:mod:`sstbias.data.download.hycom`.

The FMRC keeps recent runs only (docs/real_data.md): a run it no longer holds answers HTTP 404, named in the error
with what to do instead.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from sstbias.box import Box
from sstbias.data.download.http import HttpSettings, download
from sstbias.data.download.hycom import VARIABLE, ncss_query
from sstbias.data.download.payload import inspect_payload
from sstbias.data.leads import ANALYSIS_HOUR, analysis_time, check_leads, lead_taus
from sstbias.errors import DownloadError, InputDataError

log = logging.getLogger("sstbias.data.download")

RUNS_COLLECTION = "FMRC/runs"  # below {base_url}/{dataset}/{experiment}/
RUN_DATASET = "GLBy0.08_930_FMRC_RUN_{analysis:%Y-%m-%dT%H:%M:%SZ}"
STEP_FILE = "hycom_glby_930_{analysis:%Y%m%d%H}_t{tau:03d}_ts3z.nc"
_NOT_FOUND = 404


@dataclass(frozen=True)
class RunSteps:
    """The steps to fetch of one forecast run: its ``analysis`` time (UTC, naive) and ``taus`` (hours, sorted)."""

    analysis: datetime
    taus: tuple[int, ...]

    @property
    def name(self) -> str:
        """The run as the errors and logs name it, e.g. ``run 2021-01-05 12 UTC``."""
        return f"run {self.analysis:%Y-%m-%d %H} UTC"

    def file_name(self, tau: int) -> str:
        """The file of step ``tau``: ``hycom_glby_930_YYYYMMDD12_tXXX_ts3z.nc``."""
        return STEP_FILE.format(analysis=self.analysis, tau=tau)

    def file_names(self) -> list[str]:
        """The files of every planned step, in tau order."""
        return [self.file_name(tau) for tau in self.taus]


def plan_runs(first: date, last: date, leads: Sequence[int], method: str = "mean", hour: int = 12) -> list[RunSteps]:
    """The runs (sorted by analysis time) and steps that give every valid day ``first`` .. ``last`` (inclusive)
    each lead of ``leads`` >= 1 (lead 0 is left out: it is the best time series).

    Lead L of valid day D comes from the run analysed on D - L at 12 UTC, taus ``lead_taus(L, method, hour)``;
    a run serving several (day, lead) pairs is listed once with the union of their taus. Empty when ``leads``
    holds lead 0 only; ValueError (from :func:`~sstbias.data.leads.check_leads`) for leads a run cannot give.
    """
    taus: dict[datetime, set[int]] = {}
    for lead in check_leads(leads, "forecast.leads", method, hour):
        if lead == 0:
            continue
        for offset in range((last - first).days + 1):
            analysis = analysis_time(first + timedelta(days=offset), lead)
            taus.setdefault(analysis, set()).update(lead_taus(lead, method, hour))
    return [RunSteps(analysis, tuple(sorted(taus[analysis]))) for analysis in sorted(taus)]


def run_url(server: dict, analysis: datetime, tau: int, box: Box) -> str:
    """The NCSS query of step ``tau`` of the run analysed at ``analysis``: surface ``water_temp`` over ``box``
    at the valid time ``analysis + tau`` hours, netCDF-4.

    ``server`` holds base_url, dataset and experiment (config ``remote.hycom``) and, optionally,
    ``runs_collection`` (default :data:`RUNS_COLLECTION`) and ``run_dataset`` (a template with ``{analysis}``,
    default :data:`RUN_DATASET`).
    """
    valid = f"{analysis + timedelta(hours=tau):%Y-%m-%dT%H:%M:%SZ}"
    query = ncss_query(box, valid, valid)
    folder = "/".join(
        str(part).strip("/")
        for part in (server["dataset"], server["experiment"], server.get("runs_collection", RUNS_COLLECTION))
    )
    dataset = quote(str(server.get("run_dataset", RUN_DATASET)).format(analysis=analysis), safe="-_.:")
    return f"{server['base_url'].rstrip('/')}/{folder}/{dataset}?{query}"


def check_step(path: str | os.PathLike, analysis: datetime, tau: int, box: Box) -> datetime:
    """Validate the answer for step ``tau`` of the run analysed at ``analysis``: complete netCDF, water_temp
    over ``box`` with a valid value, exactly one time step, at ``analysis + tau`` hours. Returns that time."""
    times = inspect_payload(path, VARIABLE, box)
    valid = analysis + timedelta(hours=tau)
    if times != [valid]:
        held = ", ".join(str(t) for t in times[:4]) or "no time step"
        raise InputDataError(f"{path}: holds {held}, not the one step {valid} (tau {tau} h) that was requested")
    return valid


def download_run(run: RunSteps, folder: str | Path, server: dict, box: Box, settings: HttpSettings) -> list[Path]:
    """Download the planned steps of ``run`` into ``folder`` (one validated, atomically written file per tau,
    named by :meth:`RunSteps.file_name`); steps whose file is already there are not fetched again.

    Returns the paths of all the run's files, in tau order. Raises DownloadError naming the run and the tau on
    a failed or malformed answer (the files already finished stay).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if run.analysis.hour != ANALYSIS_HOUR or run.analysis.minute or run.analysis.second:
        raise InputDataError(f"{run.name}: GOFS 3.1 runs start from a {ANALYSIS_HOUR:02d} UTC analysis")
    paths = []
    for tau in run.taus:
        target = folder / run.file_name(tau)
        paths.append(target)
        if target.exists():
            log.debug("%s tau %d h: %s already there", run.name, tau, target)
            continue
        url = run_url(server, run.analysis, tau, box)
        try:
            download(url, target, settings, lambda tmp, tau=tau: check_step(tmp, run.analysis, tau, box))
        except DownloadError as err:
            hint = " (the FMRC keeps recent runs only: see docs/real_data.md for older ones)"
            raise DownloadError(
                f"HYCOM {run.name}, tau {tau} h: {err}{hint if err.status == _NOT_FOUND else ''}", err.status
            ) from err
    return paths
