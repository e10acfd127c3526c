"""Longitude conventions: files come in 0..360 (HYCOM NCSS, OISST) or -180..180 (HYCOM hindcast subsets)."""

from __future__ import annotations

import numpy as np
import xarray as xr


def wrap_longitude(lon: np.ndarray | float) -> np.ndarray:
    """Longitudes in degrees_east mapped to [-180, 180)."""
    return (np.asarray(lon, dtype="float64") + 180.0) % 360.0 - 180.0


def to_pm180(obj: xr.Dataset | xr.DataArray, dim: str = "lon") -> xr.Dataset | xr.DataArray:
    """``obj`` with its longitude coordinate in [-180, 180), sorted ascending."""
    wrapped = np.round(wrap_longitude(obj[dim].values), 6)
    original = obj[dim].values
    if wrapped.dtype != original.dtype or not np.array_equal(wrapped, original):  # else kept as it is
        obj = obj.assign_coords({dim: (dim, wrapped, obj[dim].attrs)})
    return ascending(obj, dim)


def ascending(obj: xr.Dataset | xr.DataArray, dim: str) -> xr.Dataset | xr.DataArray:
    """``obj`` sorted along ``dim`` by its coordinate: ``obj`` itself when the coordinate already increases strictly
    (the usual file, where xarray's ``sortby`` would copy it unchanged at a cost that dominates reading a small
    step file), else ``obj.sortby(dim)``."""
    values = obj[dim].values
    return obj if bool(np.all(values[1:] > values[:-1])) else obj.sortby(dim)
