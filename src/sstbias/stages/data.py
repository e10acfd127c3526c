"""File-to-file steps of the workflow's data stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sstbias import twin
from sstbias.data.daily import read_daily_forecast
from sstbias.data.forecast_runs import read_lead_forecast
from sstbias.data.io import TimeWindow
from sstbias.data.leads import ANALYSIS_HOUR
from sstbias.grid import Box
from sstbias.netcdf import FIELD, PathLike, write_dataset
from sstbias.provenance import recorded_settings
from sstbias.twin.run_files import write_lead_diagnostics, write_runs

log = logging.getLogger("sstbias.stages")


def step_files(raw: Sequence[PathLike]) -> list[str]:
    """``raw`` with each folder replaced by the ``*.nc`` files in it, sorted."""
    files = []
    for path in map(Path, raw):
        files += sorted(str(f) for f in path.glob("*.nc")) if path.is_dir() else [str(path)]
    return files


def synthesize(
    month: str, config: dict, hycom: PathLike, oisst: PathLike, diagnostics: PathLike, settings: dict | None = None
) -> None:
    """Write one month of the twin dataset (raw HYCOM and OISST files and the diagnostics); ``settings`` (what
    made them, :mod:`sstbias.provenance`) are recorded in each file."""
    twin.synthesize_month(month, config, hycom, oisst, diagnostics, settings=settings)
    log.info("twin month %s written", month)


def synthesize_runs(
    config: dict, leads: Sequence[int], analyses: Sequence[str], folder: PathLike, settings: dict | None = None
) -> None:
    """Write the twin's forecast runs analysed at ``analyses`` ("YYYY-MM-DD", 12 UTC) into ``folder``: one file per
    run and step of ``leads`` (:func:`sstbias.twin.run_files.write_runs`), each recording ``settings``."""
    times = [pd.Timestamp(day) + pd.Timedelta(hours=ANALYSIS_HOUR) for day in analyses]
    paths = write_runs(config, times, folder, leads, settings=settings)
    log.info("%d runs, %d step files in %s", len(times), len(paths), folder)


def twin_lead_diagnostics(month: str, config: dict, lead: int, out: PathLike) -> None:
    """Write the twin's unpredictable error of lead ``lead`` (days) on ``month``'s days ((lead, time, lat, lon)
    degC, one lead: that lead's floor is observation - this, :func:`sstbias.twin.run_files.lead_diagnostics`)."""
    write_lead_diagnostics(month, config, [lead], out)


def daily_forecast(
    raw: Sequence[PathLike],
    out: PathLike,
    box: dict,
    days: dict,
    method: str,
    hour: int,
    settings: dict | None = None,
    lead: int = 0,
) -> None:
    """Read raw HYCOM files over the box on ``days`` (first .. last, "YYYY-MM-DD") and write their daily
    reduction (time, lat, lon) in degC, recording ``settings`` (what made it, :mod:`sstbias.provenance`).

    ``raw`` is one twin month file, a month of downloaded days or user files (their other times are left out);
    for a ``lead`` (days) >= 1, the step files of forecast runs (or folders of them), of which the lead-day of each
    run whose day is in ``days`` is taken (:func:`sstbias.data.forecast_runs.read_lead_forecast`).
    """
    window = TimeWindow.days(days["first"], days["last"])
    if lead == 0:
        daily = read_daily_forecast(list(raw), Box.from_config(box), method, hour, window=window)
    else:
        raw = step_files(raw)
        daily = read_lead_forecast(raw, lead, Box.from_config(box), method, hour, window=window)
    log.info("%d files: %d days (%s)", len(raw), daily.sizes["time"], daily.attrs["cell_methods"])
    sources = raw[0] if len(raw) == 1 else f"{len(raw)} files ({raw[0]} ...)"
    ds = daily.to_dataset(name=FIELD)
    ds.attrs.update(recorded_settings(settings))
    write_dataset(ds, out, history=f"sstbias daily_forecast ({method}) from {sources}")
