"""File-to-file steps of the workflow's regridding stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import xarray as xr

from sstbias.data.io import TimeWindow, read_oisst
from sstbias.data.regrid import regrid_bilinear
from sstbias.grid import AnalysisGrid
from sstbias.netcdf import FIELD, PathLike, open_field, write_dataset
from sstbias.provenance import recorded_settings

log = logging.getLogger("sstbias.stages")


def regrid_product(
    product: str,
    inputs: Sequence[PathLike],
    out: PathLike,
    grid: AnalysisGrid,
    engine: str,
    period: dict,
    weights: PathLike | None = None,
    settings: dict | None = None,
) -> None:
    """Regrid the daily ``forecast`` files or the raw ``observation`` (OISST) files onto ``grid``, recording
    ``settings`` (what made it, :mod:`sstbias.provenance`).

    Raw OISST times outside the ``period`` (start/end "YYYY-MM-DD") are left out (user files may hold more).
    """
    if product == "forecast":
        field = xr.concat([open_field(path) for path in inputs], dim="time")
        field.attrs["source_files"] = ", ".join(map(str, inputs))
    elif product == "observation":
        field = read_oisst(list(inputs), box=grid.box, window=TimeWindow.days(period["start"], period["end"]))
    else:
        raise ValueError(f"unknown product {product!r}")
    regridded = regrid_bilinear(field, grid, engine=engine, weights_path=weights)
    log.info("%s: %s -> %s with %s", product, dict(field.sizes), dict(regridded.sizes), engine)
    ds = regridded.to_dataset(name=FIELD)
    ds.attrs.update(recorded_settings(settings))
    write_dataset(ds, out, history=f"sstbias regrid ({engine}, bilinear)")
