"""File-to-file steps of the workflow's data stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging

from sstbias import twin
from sstbias.daily import read_daily_forecast
from sstbias.grid import Box
from sstbias.netcdf import write_dataset
from sstbias.stages.common import FIELD, PathLike

log = logging.getLogger("sstbias.stages")


def synthesize(month: str, config: dict, hycom: PathLike, oisst: PathLike, diagnostics: PathLike) -> None:
    """Write one month of the twin dataset (raw HYCOM and OISST files and the diagnostics)."""
    twin.synthesize_month(month, config, hycom, oisst, diagnostics)
    log.info("twin month %s written", month)


def daily_forecast(raw: PathLike, out: PathLike, box: dict, method: str, hour: int) -> None:
    """Read a raw HYCOM file over the box and write its daily reduction (time, lat, lon) in degC."""
    daily = read_daily_forecast([raw], Box.from_config(box), method, hour)
    log.info("%s: %d days (%s)", raw, daily.sizes["time"], daily.attrs["cell_methods"])
    write_dataset(daily.to_dataset(name=FIELD), out, history=f"sstbias daily_forecast ({method}) from {raw}")
