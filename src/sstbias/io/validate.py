"""Checks that a raw file is a readable netCDF file before it is decoded; errors name the file."""

from __future__ import annotations

import os
from pathlib import Path

import xarray as xr

from sstbias.errors import InputDataError

NETCDF_MAGIC = (b"CDF\x01", b"CDF\x02", b"CDF\x05", b"\x89HDF\r\n\x1a\n")


def check_netcdf_file(path: str | os.PathLike) -> Path:
    """Raise InputDataError unless ``path`` exists, is non-empty and starts like a netCDF-3 or netCDF-4 file."""
    path = Path(path)
    if not path.is_file():
        raise InputDataError(f"{path}: file not found")
    with path.open("rb") as handle:
        head = handle.read(512)
    if not head:
        raise InputDataError(f"{path}: empty file")
    if head.lstrip().startswith(b"<"):
        snippet = head.lstrip()[:80].decode("utf-8", "replace").replace("\n", " ")
        raise InputDataError(f"{path}: an HTML/text error page, not netCDF (starts with {snippet!r})")
    if not head.startswith(NETCDF_MAGIC):
        raise InputDataError(f"{path}: not a netCDF file (unknown signature {head[:8]!r})")
    return path


def open_variable(path: str | os.PathLike, variable: str) -> xr.Dataset:
    """``variable`` and its coordinates from a checked netCDF file, CF-decoded and loaded into memory.

    Decoding covers scale_factor, add_offset, _FillValue, missing_value and times; other variables are not
    decoded (HYCOM's ``tau`` has non-CF time units). Packed values are unpacked in float64 (packed * scale_factor +
    add_offset with the stored float32 factors), so that one final rounding to float32 gives the nearest float32
    of the CF value: xarray's float32 arithmetic would round twice and miss it by one step on some cells.
    A truncated file fails here, as InputDataError naming it.
    """
    path = check_netcdf_file(path)
    try:
        with xr.open_dataset(path, engine="netcdf4", decode_times=False, mask_and_scale=False) as raw:
            if variable not in raw:
                raise InputDataError(f"{path}: no variable {variable!r} (has {sorted(raw.data_vars)})")
            packed = raw[[variable]]
            attrs = packed[variable].attrs
            for key in ("scale_factor", "add_offset"):
                if key in attrs:
                    attrs[key] = float(attrs[key])  # a float64 factor makes xarray unpack in float64
            return xr.decode_cf(packed).load()
    except InputDataError:
        raise
    except Exception as err:  # netCDF4/HDF5 raise many types for corrupt files
        raise InputDataError(f"{path}: unreadable or truncated netCDF ({type(err).__name__}: {err})") from err
