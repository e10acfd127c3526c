"""Checks that a raw file is a readable netCDF file before it is decoded; errors name the file."""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Any

import netCDF4
import numpy as np
import xarray as xr

from sstbias.errors import InputDataError
from sstbias.ncformat import NETCDF_MAGIC, check_netcdf_bytes

__all__ = ["NETCDF_MAGIC", "check_netcdf_file", "check_zeroed_rows", "open_variable"]

Indexers = Mapping[Hashable, Any]
# Fewest cells of a row (the last, longitude axis) for an all-zero row to count as zeroed bytes.
MIN_ZEROED_ROW = 8


def check_netcdf_file(path: str | os.PathLike) -> Path:
    """Raise InputDataError unless ``path`` is a non-empty netCDF-3 or netCDF-4 file as long as its header says.

    The length check catches truncated netCDF-3 files, which the netCDF library would otherwise read with
    zeros in place of the missing bytes.
    """
    return check_netcdf_bytes(path)


def check_zeroed_rows(path: str | os.PathLike, raw: xr.DataArray) -> None:
    """InputDataError naming ``path`` if a row of ``raw`` (stored values, not yet decoded; rows along the last,
    longitude axis) is all zero bytes: the mark of a file whose data bytes were zeroed (a netCDF-4 file written
    uncompressed and preallocated, then cut short by a failed copy or download, keeps its length and its header).

    A stored 0 decodes to ``add_offset`` (20.0 degC for HYCOM's int16) or to 0.0 degC, both plausible SSTs, and
    land cells (the fill value) read as that value too. A whole row of W >= :data:`MIN_ZEROED_ROW` identical
    stored zeros, land included, does not occur in real SST fields (HYCOM packs 0.001 degC steps; land is the
    fill value), so it is reported instead of decoded. Not detectable this way: zeroed runs shorter than a row of
    the box, bytes replaced by other values, a 0 fill value (then the zeros are masked and reported as missing).
    """
    fill = raw.attrs.get("_FillValue", raw.attrs.get("missing_value"))
    if raw.ndim < 2 or raw.shape[-1] < MIN_ZEROED_ROW or raw.dtype.kind not in "iuf":
        return
    if fill is not None and np.any(np.asarray(fill) == 0):
        return
    zeroed = (raw.values == 0).all(axis=-1)
    if zeroed.any():
        position = np.unravel_index(int(np.flatnonzero(zeroed)[0]), zeroed.shape)
        where = ", ".join(f"{dim} index {int(i)}" for dim, i in zip(raw.dims[:-1], position, strict=True))
        count = int(zeroed.sum())
        decoded = float(raw.attrs.get("add_offset", 0.0))
        raise InputDataError(
            f"{path}: {count} row(s) of {raw.name} hold only zero bytes (first at {where}; {raw.shape[-1]} cells, "
            f"land included, would read as {decoded:g} {raw.attrs.get('units', '')}): a damaged or zeroed file"
        )


def open_variable(
    path: str | os.PathLike, variable: str, subset: Callable[[xr.Dataset], Indexers | None] | None = None
) -> xr.Dataset | None:
    """``variable`` and its coordinates from a checked netCDF file, CF-decoded and loaded into memory.

    ``subset(raw)`` receives the file's ``variable`` with its coordinates (times not decoded; the variable's values
    are not read: it gives its dimensions, shape and attributes) and returns ``isel`` indexers (a box, the
    shallowest level, a time window) applied before anything is read, so a global or multi-level file costs only
    the part kept; it returns ``None`` when the file holds nothing wanted, and then so does this function.
    Decoding covers scale_factor, add_offset, _FillValue, missing_value and times; other variables are not
    decoded (HYCOM's ``tau`` has non-CF time units). Packed values are unpacked in float64 (packed * scale_factor +
    add_offset with the stored float32 factors), so that one final rounding to float32 gives the nearest float32
    of the CF value: xarray's float32 arithmetic would round twice and miss it by one step on some cells. A
    truncated or unreadable file fails here, as InputDataError naming it.

    The file is read with netCDF4 itself, stored values as xarray's netCDF4 backend reads them (no automatic
    masking or scaling), and decoded by ``xr.decode_cf``: the result is what ``xr.open_dataset`` would give,
    without its per-file cost (indexes of every coordinate, lazy wrappers, caching), which dominated the reading
    of a forecast run's hundreds of small step files.
    """
    path = check_netcdf_file(path)
    try:
        with netCDF4.Dataset(path) as nc:
            nc.set_auto_maskandscale(False)
            if variable not in nc.variables:
                raise InputDataError(f"{path}: no variable {variable!r} (has {_data_variables(nc)})")
            stored = nc.variables[variable]
            raw = _header(nc, stored)
            indexers: Indexers = {}
            if subset is not None:
                indexers = subset(raw)
                if indexers is None:
                    return None
            values = np.asarray(stored[tuple(indexers.get(dim, slice(None)) for dim in stored.dimensions)])
        header = raw[variable].variable
        kept = tuple(dim for dim in header.dims if not isinstance(indexers.get(dim), int | np.integer))
        attrs = dict(header.attrs)
        for key in ("scale_factor", "add_offset"):
            if key in attrs:
                attrs[key] = float(attrs[key])  # a float64 factor makes xarray unpack in float64
        data = xr.Variable(kept, values, attrs, header.encoding)
        coords = raw.coords.to_dataset().isel({dim: index for dim, index in indexers.items() if dim in raw.coords})
        selected = xr.Dataset({variable: data}, coords=coords.coords)
        check_zeroed_rows(path, selected[variable])
        return xr.decode_cf(selected)
    except InputDataError:
        raise
    except Exception as err:  # netCDF4/HDF5 raise many types for corrupt files
        raise InputDataError(f"{path}: unreadable or truncated netCDF ({type(err).__name__}: {err})") from err


def _attributes(stored: netCDF4.Variable) -> dict[str, Any]:
    return {key: stored.getncattr(key) for key in stored.ncattrs()}


def _header(nc: netCDF4.Dataset, stored: netCDF4.Variable) -> xr.Dataset:
    """``stored`` (its values a zero-byte stand-in of its shape and type, attributes and stored type as encoding
    ``dtype``) with the coordinate variables of its dimensions, read, without indexes."""
    coords = {
        dim: xr.Variable(dim, nc.variables[dim][:], _attributes(nc.variables[dim]), {"dtype": nc.variables[dim].dtype})
        for dim in stored.dimensions
        if dim in nc.variables and nc.variables[dim].dimensions == (dim,)
    }
    stand_in = np.broadcast_to(np.zeros((), stored.dtype), stored.shape)
    data = xr.Variable(stored.dimensions, stand_in, _attributes(stored), {"dtype": stored.dtype})
    return xr.Dataset({stored.name: data}, coords=xr.Coordinates(coords, indexes={}))


def _data_variables(nc: netCDF4.Dataset) -> list[str]:
    """The file's variables that are no coordinate variable (a 1-D variable named as its dimension), sorted."""
    return sorted(name for name, each in nc.variables.items() if each.dimensions != (name,))
