"""File-to-file step of the workflow's correction stage: new forecast files -> corrected SST (``sstbias correct``).

The Snakemake script in ``workflow/scripts/`` only passes paths to this function.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sstbias.correct import correct_files, correct_runs
from sstbias.netcdf import PathLike

log = logging.getLogger("sstbias.stages")


def correct(
    model: str,
    model_dir: PathLike,
    forecasts: Sequence[PathLike],
    out: PathLike,
    threads: int,
    lead: int | None = None,
) -> None:
    """Write the corrected SST of every day of ``forecasts`` whose input window is complete, with ``model_dir``
    (at ``lead``, days, for a model that takes the lead as an input)."""
    corrected = correct_files(
        model_dir, forecasts, out, threads=threads, command=f"snakemake rule correct ({model})", lead=lead
    )
    log.info("%s: %d days corrected with %s", out, corrected.sizes["time"], model)


def correct_leads(
    model: str, model_dirs: Sequence[PathLike], forecasts: Sequence[PathLike], out: PathLike, threads: int
) -> None:
    """Write the corrected SST of every lead of the forecast runs in ``forecasts`` (step files) with ``model_dirs``,
    one folder per lead of one run of ``model``: every run with a correctable lead, NaN where it lacks a lead."""
    corrected = correct_runs(
        model_dirs, forecasts, out, threads=threads, command=f"snakemake rule correct_leads ({model})"
    )
    log.info("%s: %d forecast runs corrected with %s", out, corrected.sizes["forecast_reference_time"], model)
