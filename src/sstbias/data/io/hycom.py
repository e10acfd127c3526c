"""Reader of HYCOM GOFS 3.1 (GLBy0.08/expt_93.0) files: NCSS subsets and hindcast archive files."""

from __future__ import annotations

import os
from collections.abc import Sequence

import xarray as xr

from sstbias.data.io.reader import ProductSpec, TimeWindow, read_product
from sstbias.grid import Box

HYCOM = ProductSpec(name="HYCOM", variable="water_temp", level_dim="depth", long_name="HYCOM surface water temperature")
# Degrees kept around the box (neighbours for the bilinear interpolation at the box edges).
HYCOM_HALO_DEG = 0.1


def read_hycom(
    paths: Sequence[str | os.PathLike],
    box: Box | None = None,
    halo: float = HYCOM_HALO_DEG,
    window: TimeWindow | None = None,
) -> xr.DataArray:
    """Surface ``water_temp`` (the shallowest depth) of HYCOM files as (time, lat, lon) float32 degC.

    Native grid 0.08 deg in longitude x 0.04 deg in latitude; times are the files' valid times (UTC).
    ``halo`` (degrees) extra around ``box`` is kept for interpolation; with ``window`` only its times are kept
    (files without any are skipped).
    """
    return read_product(paths, HYCOM, box, halo, window)
