"""Shared decoding of gridded SST products into CF-annotated (time, lat, lon) fields in degC.

Documented repairs (each logged as a WARNING naming the file):
- temperatures in Kelvin (units K/kelvin/degK, or a median above 200) are converted to degC;
- values outside the variable's valid_min/valid_max are set to NaN;
- a time step repeated with identical values across files (HYCOM hindcasts overlap) is kept once;
- time steps out of order are sorted.
Everything else that is wrong (not netCDF, truncated (netCDF-3 too, by the length its header announces), a
missing variable or coordinate, unknown units, a box the file does not cover, a time step with no valid value,
conflicting duplicate steps (naming both files), a value outside the physical SST range (an undeclared fill value),
a row of zero bytes (a zeroed file, see :func:`sstbias.data.io.validate.check_zeroed_rows`)) raises InputDataError.
Files may spell the horizontal dimensions lat/lon or latitude/longitude (ERDDAP).

What was recognised is logged once per read (INFO): the files read and skipped, the variable's layout, the level
chosen, the files' longitude convention and the time steps kept.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.data.io.longitude import ascending, to_pm180, wrap_longitude
from sstbias.data.io.validate import open_variable
from sstbias.errors import InputDataError
from sstbias.grid import Box, lat_coord, lon_coord
from sstbias.plausible import PHYSICAL_RANGE_C  # decoded SSTs (degC) outside it are no sea surface temperature

log = logging.getLogger("sstbias.data.io")

CELSIUS_UNITS = {"degc", "celsius", "degree_celsius", "degrees_celsius", "degree_c", "degrees_c", "c"}
KELVIN_UNITS = {"k", "kelvin", "degk", "degrees_k", "degree_kelvin"}
KELVIN_MEDIAN_THRESHOLD = 200.0
LAT_NAMES = ("lat", "latitude")
LON_NAMES = ("lon", "longitude")
_TOLERANCE = 1e-6
ZERO_CELSIUS_IN_KELVIN = 273.15


@dataclass(frozen=True)
class ProductSpec:
    """What distinguishes one product's files: the variable, its vertical dimension and a display name."""

    name: str
    variable: str
    level_dim: str
    long_name: str


@dataclass(frozen=True)
class TimeWindow:
    """Times ``start <= t < end`` (UTC, naive timestamps) to keep from files that may hold more."""

    start: pd.Timestamp
    end: pd.Timestamp

    @classmethod
    def days(cls, first: str | pd.Timestamp, last: str | pd.Timestamp) -> TimeWindow:
        """Every time of the UTC days ``first`` .. ``last`` (inclusive)."""
        return cls(pd.Timestamp(first).floor("D"), pd.Timestamp(last).floor("D") + pd.Timedelta(days=1))

    def __str__(self) -> str:
        return f"{self.start} .. {self.end} (exclusive)"


def read_product(
    paths: Sequence[str | os.PathLike],
    spec: ProductSpec,
    box: Box | None,
    halo: float,
    window: TimeWindow | None = None,
) -> xr.DataArray:
    """Decode ``spec.variable`` from ``paths`` at the shallowest level into (time, lat, lon) float32 degC.

    Longitudes become [-180, 180), latitudes ascending, times sorted (UTC). With a ``box``, keeps the box grown
    by ``halo`` degrees (so interpolation at the edges has neighbours); each file must cover the box itself.
    With a ``window``, keeps the times inside it and skips files with none (user folders may hold other
    years); at least one file must contribute. Only the kept part of each file is read from disk.
    """
    if not paths:
        raise InputDataError(f"{spec.name}: no input files")
    fields = [field for path in paths if (field := _read_file(path, spec, box, halo, window)) is not None]
    if not fields:
        raise InputDataError(f"{spec.name}: no time step in {window} in any of {len(paths)} files ({paths[0]}, ...)")
    combined = _concat_unique_times(fields, spec)
    log.info("%s", _recognised_summary(spec, fields, len(paths), combined))
    combined.attrs = {
        "units": "degC",
        "standard_name": "sea_surface_temperature",
        "long_name": spec.long_name,
        "source_files": ", ".join(str(p) for p in paths),
    }
    return combined


RECOGNISED = ("layout", "level", "longitudes")  # what _indexers records of each file, summarised per read


def _recognised_summary(spec: ProductSpec, fields: list[xr.DataArray], n_paths: int, combined: xr.DataArray) -> str:
    """One line: files read / skipped, and per :data:`RECOGNISED` item its distinct values with their file counts."""
    skipped = n_paths - len(fields)
    parts = [
        f"{spec.name}: {len(fields)} of {n_paths} files read" + (f" ({skipped} without a wanted time)" * bool(skipped))
    ]
    for key in RECOGNISED:
        counts = Counter(field.attrs[key] for field in fields)
        parts.append(
            f"{key} " + "; ".join(value if len(counts) == 1 else f"{value} ({n} files)" for value, n in counts.items())
        )
    times = pd.DatetimeIndex(combined["time"].values)
    parts.append(f"{len(times)} time steps {times[0]:%Y-%m-%d %H:%M} .. {times[-1]:%Y-%m-%d %H:%M} UTC")
    return ", ".join(parts)


def _read_file(
    path: str | os.PathLike, spec: ProductSpec, box: Box | None, halo: float, window: TimeWindow | None
) -> xr.DataArray | None:
    recognised: dict[str, str] = {}
    ds = open_variable(path, spec.variable, lambda raw: _indexers(raw, spec, box, halo, window, path, recognised))
    if ds is None:
        return None
    da = ds[spec.variable]
    da = da.rename({dim: name for dim, name in _horizontal_dims(da, path).items() if dim != name})
    if da.ndim != 3:
        raise InputDataError(f"{path}: {spec.variable} has unexpected dimensions {da.dims}")
    da = ascending(to_pm180(da.transpose("time", "lat", "lon")), "lat")
    values = _mask_invalid_range(ds[spec.variable], da, path)
    values = _to_celsius(values, ds[spec.variable].attrs.get("units", ""), path)
    times = pd.DatetimeIndex(da["time"].values)
    if not times.is_monotonic_increasing:
        log.warning("%s: time steps not in increasing order: sorted", path)
    _check_physical_range(values, times, ds[spec.variable], path)
    empty = ~np.isfinite(values).any(axis=(1, 2))
    if empty.any():
        raise InputDataError(f"{path}: no valid {spec.variable} value at {times[empty][0]} (UTC) over the box")
    return xr.DataArray(
        values.astype("float32"),
        dims=("time", "lat", "lon"),
        coords={"time": times, "lat": lat_coord(da["lat"].values), "lon": lon_coord(da["lon"].values)},
        attrs={"source_file": str(path), **recognised},
    )


def _check_physical_range(
    values: np.ndarray, times: pd.DatetimeIndex, raw: xr.DataArray, path: str | os.PathLike
) -> None:
    """InputDataError if a decoded value (degC) is infinite or lies outside :data:`PHYSICAL_RANGE_C`, naming the
    first one.

    Sea water freezes near -1.9 degC and no sea surface reaches 40 degC; a value far outside is an undeclared
    fill value (e.g. HYCOM's packed -30000, decoding to -10.0 degC when a file lacks _FillValue/missing_value).
    """
    low, high = PHYSICAL_RANGE_C
    infinite = np.isinf(values)
    if infinite.any():  # never a temperature nor a fill value: named, not left to vanish from the ocean mask
        step, *_ = np.unravel_index(int(np.flatnonzero(infinite)[0]), values.shape)
        raise InputDataError(
            f"{path}: {int(infinite.sum())} {raw.name} values are infinite (first {float(values[infinite][0])} at "
            f"{times[step]} UTC): a damaged file, not a temperature"
        )
    outside = np.isfinite(values) & ((values < low) | (values > high))
    if not outside.any():
        return
    step, *_ = np.unravel_index(int(np.flatnonzero(outside)[0]), values.shape)
    example = float(values[outside][0])
    encoding = raw.encoding
    hint = ""
    if np.dtype(encoding.get("dtype", "float64")).kind in "iu" and not (
        {"_FillValue", "missing_value"} & (set(encoding) | set(raw.attrs))
    ):
        hint = (
            f"; {raw.name} is packed {np.dtype(encoding['dtype']).name} without _FillValue or missing_value, so its "
            "fill (land) value decodes as a temperature: declare the fill value in the file"
        )
    raise InputDataError(
        f"{path}: {int(outside.sum())} {raw.name} values outside the physical SST range [{low:g}, {high:g}] degC "
        f"(first {example:.3f} degC at {times[step]} UTC){hint}"
    )


def _horizontal_dims(da: xr.DataArray, path: str | os.PathLike) -> dict[str, str]:
    """The file's names of the time, latitude and longitude dimensions -> time, lat, lon (ERDDAP spells out
    latitude/longitude)."""
    found = {}
    for standard, names in (("time", ("time",)), ("lat", LAT_NAMES), ("lon", LON_NAMES)):
        present = [name for name in names if name in da.dims]
        if not present:
            raise InputDataError(f"{path}: {da.name} lacks the {standard!r} dimension (dims {da.dims})")
        found[present[0]] = standard
    return found


def _indexers(
    raw: xr.Dataset,
    spec: ProductSpec,
    box: Box | None,
    halo: float,
    window: TimeWindow | None,
    path: str | os.PathLike,
    recognised: dict[str, str],
) -> dict[str, int | slice | np.ndarray] | None:
    """Positions to read: the shallowest level, the window's times and the grown box (None: no wanted time).

    Fills ``recognised`` with the file's layout (the variable's dimensions), the level chosen and its longitude
    convention (:data:`RECOGNISED`).
    """
    da = raw[spec.variable]
    names = {standard: name for name, standard in _horizontal_dims(da, path).items()}
    indexers: dict[str, int | slice | np.ndarray] = {}
    recognised["layout"] = f"{spec.variable}({', '.join(map(str, da.dims))})"
    recognised["level"] = "none (2-D field)"
    if spec.level_dim in da.dims:
        levels = raw[spec.level_dim].values
        indexers[spec.level_dim] = int(np.argmin(np.abs(levels)))
        units = raw[spec.level_dim].attrs.get("units", "")
        recognised["level"] = (
            f"{spec.level_dim} {levels[indexers[spec.level_dim]]:g}{' ' + units if units else ''} "
            f"(the shallowest of {levels.size})"
        )
    lon_values = raw[names["lon"]].values.astype("float64")
    recognised["longitudes"] = "0..360 (made -180..180)" if np.nanmax(lon_values) > 180 + _TOLERANCE else "-180..180"
    if window is not None:
        times = pd.DatetimeIndex(xr.decode_cf(raw[["time"]])["time"].values)
        kept = np.flatnonzero((times >= window.start) & (times < window.end))
        if kept.size == 0:
            return None
        indexers["time"] = _positions(kept)
    if box is not None:
        lat = raw[names["lat"]].values.astype("float64")
        lon = np.round(wrap_longitude(raw[names["lon"]].values), 6)
        _check_coverage(lat, lon, box, path)
        grown = box.expanded(halo)
        indexers[names["lat"]] = _positions(np.flatnonzero(_inside(lat, grown.lat_min, grown.lat_max)))
        indexers[names["lon"]] = _positions(np.flatnonzero(_inside(lon, grown.lon_min, grown.lon_max)))
    return indexers


def _inside(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return (values >= low - _TOLERANCE) & (values <= high + _TOLERANCE)


def _positions(index: np.ndarray) -> slice | np.ndarray:
    """A slice for consecutive positions (read as one block), else the positions themselves."""
    if index.size and np.all(np.diff(index) == 1):
        return slice(int(index[0]), int(index[-1]) + 1)
    return index


def _check_coverage(lat: np.ndarray, lon: np.ndarray, box: Box, path: str | os.PathLike) -> None:
    for side, inside in (
        ("south (lat_min)", lat.min() <= box.lat_min + _TOLERANCE),
        ("north (lat_max)", lat.max() >= box.lat_max - _TOLERANCE),
        ("west (lon_min)", lon.min() <= box.lon_min + _TOLERANCE),
        ("east (lon_max)", lon.max() >= box.lon_max - _TOLERANCE),
    ):
        if not inside:
            raise InputDataError(
                f"{path}: does not cover the box's {side} edge (file lat {lat.min():.3f}..{lat.max():.3f}, "
                f"lon {lon.min():.3f}..{lon.max():.3f}; box {box})"
            )


def _mask_invalid_range(raw: xr.DataArray, da: xr.DataArray, path: str | os.PathLike) -> np.ndarray:
    """Decoded values with those outside the packed valid_min/valid_max set to NaN (logged)."""
    values = da.values.astype("float64")
    attrs, encoding = raw.attrs, raw.encoding
    if "valid_min" not in attrs and "valid_max" not in attrs:
        return values
    scale = float(encoding.get("scale_factor", 1.0))
    offset = float(encoding.get("add_offset", 0.0))
    low = float(attrs.get("valid_min", -np.inf)) * scale + offset
    high = float(attrs.get("valid_max", np.inf)) * scale + offset
    outside = np.isfinite(values) & ((values < low - 1e-9) | (values > high + 1e-9))
    if outside.any():
        log.warning("%s: %d values outside the valid range [%g, %g] set to NaN", path, outside.sum(), low, high)
        values[outside] = np.nan
    return values


def _to_celsius(values: np.ndarray, units: str, path: str | os.PathLike) -> np.ndarray:
    key = units.strip().lower().replace(" ", "_")
    median = float(np.nanmedian(values)) if np.isfinite(values).any() else np.nan
    if key in KELVIN_UNITS or (key in CELSIUS_UNITS and median > KELVIN_MEDIAN_THRESHOLD):
        log.warning("%s: temperatures in Kelvin (units %r, median %.2f): converted to degC", path, units, median)
        return values - ZERO_CELSIUS_IN_KELVIN
    if key not in CELSIUS_UNITS:
        raise InputDataError(f"{path}: unknown temperature units {units!r} (expected degC/Celsius or Kelvin)")
    return values


def _concat_unique_times(fields: list[xr.DataArray], spec: ProductSpec) -> xr.DataArray:
    """The fields joined along time, sorted; a step repeated with identical values is kept once, one repeated
    with other values raises InputDataError naming the files that hold it."""
    origin = np.concatenate([[field.attrs["source_file"]] * field.sizes["time"] for field in fields])
    combined = xr.concat(fields, dim="time", join="exact") if len(fields) > 1 else fields[0]
    order = np.argsort(combined["time"].values, kind="stable")
    combined, origin = combined.isel(time=order), origin[order]
    times = pd.DatetimeIndex(combined["time"].values)
    repeated = times.duplicated()
    if repeated.any():
        for stamp in times[repeated].unique():
            where = np.flatnonzero(times == stamp)
            copies = combined.values[where]
            if not all(np.array_equal(copies[0], c, equal_nan=True) for c in copies[1:]):
                files = " and ".join(dict.fromkeys(origin[where]))
                raise InputDataError(
                    f"{spec.name}: conflicting values for the repeated time step {stamp} (UTC) in {files}"
                )
        log.warning("%s: %d repeated time steps kept once", spec.name, int(repeated.sum()))
        combined = combined.isel(time=np.flatnonzero(~repeated))
    return combined
