"""Download steps of the workflow's raw-data stage (source: remote); each writes one raw file atomically.

``request`` (a rule's params) holds what defines the file's content: the box, the day(s), the dataset. The
config's ``remote`` section supplies the rest (server addresses, timeouts, retries, contact), which is not
a rule param, so a new mirror or a longer timeout does not make finished downloads run again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sstbias.box import Box
from sstbias.data.download import hycom, hycom_runs, oisst
from sstbias.data.download.http import HttpSettings
from sstbias.data.download.oisst import parse_day
from sstbias.netcdf import PathLike


def download_hycom_day(day: str, out: PathLike, request: dict, remote: dict) -> None:
    """One UTC day of 3-hourly HYCOM surface temperature over ``request['box']`` from NCSS."""
    server = remote["hycom"] | {key: request[key] for key in ("dataset", "experiment", "collection")}
    settings = HttpSettings.from_config(remote, "hycom")
    hycom.download_day(parse_day(day), out, server, Box.from_config(request["box"]), settings)


def download_hycom_run(run: str, taus: Sequence[int], folder: PathLike, request: dict, remote: dict) -> list[Path]:
    """Steps ``taus`` (hours) of the forecast run analysed at ``run`` (``YYYYMMDDHH``, UTC) over
    ``request['box']`` from the FMRC's per-run NCSS dataset, one file per tau in ``folder`` named
    ``hycom_glby_930_YYYYMMDDHH_tXXX_ts3z.nc``; steps already there are kept. ``request`` holds the box, dataset
    and experiment; ``remote['hycom']`` the server address (and optionally ``runs_collection``, ``run_dataset``).
    """
    server = remote["hycom"] | {key: request[key] for key in ("dataset", "experiment")}
    steps = hycom_runs.RunSteps(datetime.strptime(run, "%Y%m%d%H"), tuple(sorted(taus)))
    settings = HttpSettings.from_config(remote, "hycom")
    return hycom_runs.download_run(steps, folder, server, Box.from_config(request["box"]), settings)


def download_oisst_month(out: PathLike, request: dict, remote: dict) -> None:
    """OISST on ``request['days']`` (one month's) over ``request['box']`` from ERDDAP griddap."""
    server = remote["oisst"] | {"erddap_dataset": request["erddap_dataset"]}
    days = [parse_day(day) for day in request["days"]]
    settings = HttpSettings.from_config(remote, "oisst")
    oisst.download_month(days, out, server, Box.from_config(request["box"]), settings)


def download_oisst_day(day: str, out: PathLike, request: dict, remote: dict) -> None:
    """One day's global OISST file from NCEI (final, else preliminary), checked over ``request['box']``."""
    settings = HttpSettings.from_config(remote, "oisst")
    oisst.download_day(parse_day(day), out, remote["oisst"], Box.from_config(request["box"]), settings)
