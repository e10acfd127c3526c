"""Reader of NOAA OISST v2.1 daily files (NCEI per-day files, ERDDAP griddap subsets, PSL yearly files)."""

from __future__ import annotations

import os
from collections.abc import Sequence

import xarray as xr

from sstbias.data.io.reader import ProductSpec, TimeWindow, read_product
from sstbias.grid import Box

OISST = ProductSpec(name="OISST", variable="sst", level_dim="zlev", long_name="NOAA OISST v2.1 daily SST")


def read_oisst(
    paths: Sequence[str | os.PathLike], box: Box | None = None, halo: float = 0.3, window: TimeWindow | None = None
) -> xr.DataArray:
    """Daily ``sst`` of OISST files as (time, lat, lon) float32 degC on the 0.25 deg grid.

    Times are the files' stamps: the day centre (12:00 UTC) in NCEI and ERDDAP files, 00:00 UTC in PSL's
    yearly files. ``halo`` (degrees) extra around ``box`` is kept so bilinear interpolation onto an analysis
    grid that reaches the box edges has neighbours on both sides; with ``window`` only its times are kept
    (files without any are skipped).
    """
    return read_product(paths, OISST, box, halo, window)
