"""Operational correction: a trained deep model applied to new raw HYCOM forecast files (``sstbias correct``).

Modules: :mod:`~sstbias.correct.files` (which files), :mod:`~sstbias.correct.days` (which days),
:mod:`~sstbias.correct.corrector` (the model applied to them), :mod:`~sstbias.correct.runs` (one model per lead
applied to forecast runs), :mod:`~sstbias.correct.output` (where and how the result is written);
:func:`correct_files` (one model, its days; one lead of a model that takes the lead as an input) and
:func:`correct_runs` (a model per lead, or one taking the lead as an input, every lead of forecast runs) compose them.

The files go through the workflow's own functions with the settings the model recorded (box, daily reduction,
bilinear regridding onto the model's analysis grid, training normalisation, ocean mask), so the corrected SST of
a day equals the workflow's prediction for that day.

Which days are corrected: the model reads an input window of L days (its ``sequence_length``): the day itself and
the L-1 days before it. By default every day of the files whose whole window is in the files is corrected, so
files covering the consecutive days D1..Dn give corrected days D_L..D_n (the first L-1 days are history only).
A day whose window has a gap is skipped with a warning; a requested day (``days``) without its window is an error.

Layer rule: correct/ imports deep, data (regridding) and the ground-level modules; only cli and stages import it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import xarray as xr

from sstbias.correct.corrector import OUTSIDE_TRAINING_C, ForecastCorrector
from sstbias.correct.days import parse_days
from sstbias.correct.files import find_forecast_files
from sstbias.correct.output import check_output_path, is_corrected_output, write_corrected
from sstbias.correct.runs import RunCorrector
from sstbias.errors import InputDataError

log = logging.getLogger("sstbias.correct")

__all__ = [
    "OUTSIDE_TRAINING_C",
    "ForecastCorrector",
    "RunCorrector",
    "check_output_path",
    "correct_files",
    "correct_runs",
    "find_forecast_files",
    "is_corrected_output",
    "parse_days",
    "write_corrected",
]


def correct_files(
    model_dir: str | os.PathLike,
    forecasts: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    days: pd.DatetimeIndex | None = None,
    device: str = "auto",
    threads: int | None = None,
    command: str = "sstbias correct",
    overwrite: bool = False,
    lead: int | None = None,
) -> xr.DataArray:
    """Correct the forecast files (or folders, or glob patterns) ``forecasts`` with the model in ``model_dir``.

    Writes ``out`` only when everything succeeded; returns the corrected SST (time, lat, lon) degC. ``out`` is
    checked first (:func:`check_output_path`; ``overwrite`` allows replacing an existing file of another kind).
    ``lead`` (days): the lead of the forecasts to correct, required for a model that takes the lead as an input
    (:class:`ForecastCorrector`).
    """
    check_output_path(out, model_dir, overwrite)
    corrector = ForecastCorrector(model_dir, device=device, threads=threads, lead=lead)
    paths = _forecast_paths(forecasts, out)
    corrected = corrector.correct(paths, days)
    write_corrected(corrected, out, corrector.provenance(paths), command)
    log.info("%s: %d corrected days written", out, corrected.sizes["time"])
    return corrected


def correct_runs(
    model_dirs: Sequence[str | os.PathLike],
    forecasts: Sequence[str | os.PathLike],
    out: str | os.PathLike,
    runs: pd.DatetimeIndex | None = None,
    device: str = "auto",
    threads: int | None = None,
    command: str = "sstbias correct",
    overwrite: bool = False,
) -> xr.DataArray:
    """Correct every lead of the forecast runs in the step files (or folders, or glob patterns) ``forecasts`` with
    ``model_dirs``, one model folder per lead of one network, a folder that takes the lead as an input standing for
    each of its leads (:class:`RunCorrector`); ``runs``: the analysis days of the runs to correct (default: every run
    with a correctable lead).

    Writes ``out`` only when everything succeeded; returns the corrected SST (forecast_reference_time, lead, lat,
    lon) degC, NaN where a run's lead could not be corrected (named in a warning). ``out`` is checked first against
    every model folder (:func:`check_output_path`).
    """
    for model_dir in model_dirs:
        check_output_path(out, model_dir, overwrite)
    corrector = RunCorrector(model_dirs, device=device, threads=threads)
    paths = _forecast_paths(forecasts, out)
    corrected = corrector.correct(paths, runs)
    write_corrected(corrected, out, corrector.provenance(paths), command)
    log.info(
        "%s: %d forecast runs, leads %s, written",
        out,
        corrected.sizes["forecast_reference_time"],
        ", ".join(map(str, corrector.leads)),
    )
    return corrected


def _forecast_paths(forecasts: Sequence[str | os.PathLike], out: str | os.PathLike) -> list[Path]:
    """The forecast files of ``forecasts`` (:func:`find_forecast_files`); InputDataError if ``out`` is one."""
    paths = find_forecast_files(forecasts)
    if any(path.resolve() == Path(out).resolve() for path in paths):
        raise InputDataError(f"{out}: the output would overwrite one of the forecast files")
    return paths
