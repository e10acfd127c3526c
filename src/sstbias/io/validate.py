"""Checks that a raw file is a readable netCDF file before it is decoded; errors name the file."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import xarray as xr

from sstbias.errors import InputDataError
from sstbias.ncformat import NETCDF_MAGIC, check_netcdf_bytes

__all__ = ["NETCDF_MAGIC", "check_netcdf_file", "open_variable"]

Indexers = Mapping[Hashable, Any]


def check_netcdf_file(path: str | os.PathLike) -> Path:
    """Raise InputDataError unless ``path`` is a non-empty netCDF-3 or netCDF-4 file as long as its header says.

    The length check catches truncated netCDF-3 files, which the netCDF library would otherwise read with
    zeros in place of the missing bytes.
    """
    return check_netcdf_bytes(path)


def open_variable(
    path: str | os.PathLike, variable: str, subset: Callable[[xr.Dataset], Indexers | None] | None = None
) -> xr.Dataset | None:
    """``variable`` and its coordinates from a checked netCDF file, CF-decoded and loaded into memory.

    ``subset(raw)`` receives the file's ``variable`` with its coordinates (times not decoded) and returns
    ``isel`` indexers (a box, the shallowest level, a time window) applied before anything is read, so a
    global or multi-level file costs only the part kept; it returns ``None`` when the file holds nothing
    wanted, and then so does this function. Decoding covers scale_factor, add_offset, _FillValue,
    missing_value and times; other variables are not decoded (HYCOM's ``tau`` has non-CF time units). Packed
    values are unpacked in float64 (packed * scale_factor + add_offset with the stored float32 factors), so that
    one final rounding to float32 gives the nearest float32 of the CF value: xarray's float32 arithmetic would
    round twice and miss it by one step on some cells. A truncated or unreadable file fails here, as
    InputDataError naming it.
    """
    path = check_netcdf_file(path)
    try:
        with xr.open_dataset(path, engine="netcdf4", decode_times=False, mask_and_scale=False) as raw:
            if variable not in raw:
                raise InputDataError(f"{path}: no variable {variable!r} (has {sorted(raw.data_vars)})")
            selected = raw[[variable]]
            if subset is not None:
                indexers = subset(selected)
                if indexers is None:
                    return None
                selected = selected.isel(indexers)
            attrs = selected[variable].attrs
            for key in ("scale_factor", "add_offset"):
                if key in attrs:
                    attrs[key] = float(attrs[key])  # a float64 factor makes xarray unpack in float64
            return xr.decode_cf(selected).load()
    except InputDataError:
        raise
    except Exception as err:  # netCDF4/HDF5 raise many types for corrupt files
        raise InputDataError(f"{path}: unreadable or truncated netCDF ({type(err).__name__}: {err})") from err
