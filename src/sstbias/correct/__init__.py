"""Operational correction: a trained deep model applied to new raw HYCOM forecast files (``sstbias correct``).

Modules: :mod:`~sstbias.correct.files` (which files), :mod:`~sstbias.correct.days` (which days),
:mod:`~sstbias.correct.corrector` (the model applied to them), :mod:`~sstbias.correct.output` (where and how the
result is written); :func:`correct_files` composes them.

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
from sstbias.errors import InputDataError

log = logging.getLogger("sstbias.correct")

__all__ = [
    "OUTSIDE_TRAINING_C",
    "ForecastCorrector",
    "check_output_path",
    "correct_files",
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
) -> xr.DataArray:
    """Correct the forecast files (or folders, or glob patterns) ``forecasts`` with the model in ``model_dir``.

    Writes ``out`` only when everything succeeded; returns the corrected SST (time, lat, lon) degC. ``out`` is
    checked first (:func:`check_output_path`; ``overwrite`` allows replacing an existing file of another kind).
    """
    check_output_path(out, model_dir, overwrite)
    corrector = ForecastCorrector(model_dir, device=device, threads=threads)
    paths = find_forecast_files(forecasts)
    if any(path.resolve() == Path(out).resolve() for path in paths):
        raise InputDataError(f"{out}: the output would overwrite one of the forecast files")
    corrected = corrector.correct(paths, days)
    write_corrected(corrected, out, corrector.provenance(paths), command)
    log.info("%s: %d corrected days written", out, corrected.sizes["time"])
    return corrected
