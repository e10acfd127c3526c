"""File-to-file step of the workflow's correction stage: new forecast files -> corrected SST (``sstbias correct``).

The Snakemake script in ``workflow/scripts/`` only passes paths to this function.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sstbias.correct import correct_files
from sstbias.netcdf import PathLike

log = logging.getLogger("sstbias.stages")


def correct(model: str, model_dir: PathLike, forecasts: Sequence[PathLike], out: PathLike, threads: int) -> None:
    """Write the corrected SST of every day of ``forecasts`` whose input window is complete, with ``model_dir``."""
    corrected = correct_files(model_dir, forecasts, out, threads=threads, command=f"snakemake rule correct ({model})")
    log.info("%s: %d days corrected with %s", out, corrected.sizes["time"], model)
