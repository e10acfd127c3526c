"""What a downloaded netCDF payload holds, checked with netCDF4 directly (download jobs stay light: no xarray).

``inspect_payload`` raises MalformedPayload when the bytes are not a complete, readable netCDF file (retried
by the downloader) and InputDataError when the file is well-formed but does not hold what was asked for: the
variable, its time/lat/lon coordinates, the requested box, a valid value at every time step (not retried).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import netCDF4
import numpy as np

from sstbias.box import Box
from sstbias.data.download.http import MalformedPayload
from sstbias.errors import InputDataError
from sstbias.ncformat import check_netcdf_bytes

LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("lon", "longitude")


def inspect_payload(path: str | os.PathLike, variable: str, box: Box) -> list[datetime]:
    """The valid times (UTC, naive, sorted as in the file) of ``variable`` in the payload at ``path``.

    Checks that the file is complete netCDF, holds ``variable`` with time and lat/lon (or latitude/longitude)
    coordinates, covers ``box`` to within one grid spacing (servers return the grid points inside the
    requested box), and has at least one valid value inside ``box`` at every time step.
    """
    path = Path(path)
    try:
        check_netcdf_bytes(path)
    except InputDataError as err:
        raise MalformedPayload(str(err)) from err
    try:
        with netCDF4.Dataset(path) as ds:
            return _inspect(ds, path, variable, box)
    except InputDataError:
        raise
    except Exception as err:  # netCDF4/HDF5 raise many types for corrupt files
        raise MalformedPayload(f"{path}: unreadable netCDF ({type(err).__name__}: {err})") from err


def _inspect(ds: netCDF4.Dataset, path: Path, variable: str, box: Box) -> list[datetime]:
    if variable not in ds.variables:
        raise InputDataError(f"{path}: no variable {variable!r} (has {sorted(ds.variables)})")
    var = ds.variables[variable]
    time_dim = _dimension(ds, var, ("time",), path)
    lat_dim = _dimension(ds, var, LAT_NAMES, path)
    lon_dim = _dimension(ds, var, LON_NAMES, path)
    times = decode_times(ds.variables[time_dim], path)
    lat = np.asarray(ds.variables[lat_dim][:], dtype="float64")
    lon = (np.asarray(ds.variables[lon_dim][:], dtype="float64") + 180.0) % 360.0 - 180.0
    _check_covers(lat, lon, box, path)
    rows = _block(np.flatnonzero((lat >= box.lat_min) & (lat <= box.lat_max)))
    columns = _block(np.flatnonzero((lon >= box.lon_min) & (lon <= box.lon_max)))
    for step, stamp in enumerate(times):  # one step at a time, the box only: memory does not grow with the file
        key = tuple(
            step if name == time_dim else rows if name == lat_dim else columns if name == lon_dim else slice(None)
            for name in var.dimensions
        )
        if np.ma.count(np.ma.masked_invalid(var[key])) == 0:
            raise InputDataError(f"{path}: no valid {variable} value inside the box at {stamp} (UTC)")
    return times


def _block(index: np.ndarray) -> slice | np.ndarray:
    """A slice for consecutive positions (one read), else the positions."""
    if index.size and np.all(np.diff(index) == 1):
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def _dimension(ds: netCDF4.Dataset, var: netCDF4.Variable, names: tuple[str, ...], path: Path) -> str:
    found = [name for name in names if name in var.dimensions and name in ds.variables]
    if not found:
        raise InputDataError(f"{path}: {var.name} lacks a {names[0]!r} coordinate (dims {var.dimensions})")
    return found[0]


def decode_times(time: netCDF4.Variable, path: str | os.PathLike) -> list[datetime]:
    """The values of a CF time coordinate as naive UTC datetimes."""
    try:
        decoded = netCDF4.num2date(
            time[:],
            time.units,
            getattr(time, "calendar", "standard"),
            only_use_cftime_datetimes=False,
            only_use_python_datetimes=True,
        )
    except (AttributeError, ValueError) as err:
        raise InputDataError(f"{path}: time coordinate not decodable ({err})") from err
    return [stamp.replace(tzinfo=None) for stamp in np.atleast_1d(decoded)]


def _check_covers(lat: np.ndarray, lon: np.ndarray, box: Box, path: Path) -> None:
    if lat.size < 2 or lon.size < 2:
        raise InputDataError(f"{path}: fewer than 2 latitudes or longitudes ({lat.size} x {lon.size})")
    lat_step = float(np.median(np.abs(np.diff(lat))))
    lon_step = float(np.median(np.abs(np.diff(np.sort(lon)))))
    tolerance = 1e-6
    for side, inside in (
        ("south", lat.min() <= box.lat_min + lat_step + tolerance),
        ("north", lat.max() >= box.lat_max - lat_step - tolerance),
        ("west", lon.min() <= box.lon_min + lon_step + tolerance),
        ("east", lon.max() >= box.lon_max - lon_step - tolerance),
    ):
        if not inside:
            raise InputDataError(
                f"{path}: does not reach the requested box's {side} edge (lat {lat.min():.3f}..{lat.max():.3f}, "
                f"lon {lon.min():.3f}..{lon.max():.3f}; requested {box})"
            )
