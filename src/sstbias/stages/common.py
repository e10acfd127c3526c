"""Helpers shared by the workflow stages: names of the fields in intermediate files and how to open them."""

from __future__ import annotations

import os

import xarray as xr

from sstbias.netcdf import FIELD, PREDICTION

PathLike = str | os.PathLike
__all__ = ["FIELD", "PREDICTION", "PathLike", "open_field"]


def open_field(path: PathLike, name: str = FIELD) -> xr.DataArray:
    """The variable ``name`` of the netCDF file at ``path``, loaded into memory."""
    with xr.open_dataset(path) as ds:
        return ds[name].load()
