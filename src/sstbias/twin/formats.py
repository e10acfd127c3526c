"""Writers of the genuine file layouts the twin synthesises: HYCOM GOFS 3.1 NCSS subsets and hindcast files and
NOAA OISST v2.1 daily files (NCEI); the ERDDAP griddap and PSL yearly layouts, which only the tests and the loopback
server write, are in :mod:`sstbias.testing.formats`.

The packing, attributes and coordinate conventions of the HYCOM and NCEI layouts copy the genuine files in
``../shared/realdata`` (docs/twin.md), so the readers in :mod:`sstbias.data.io` decode twin files and real
downloads alike. Every file is marked as synthetic (:data:`TWIN_NOTE`).
"""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd

HYCOM_EPOCH = pd.Timestamp("2000-01-01 00:00:00")
OISST_EPOCH = pd.Timestamp("1978-01-01 12:00:00")
TWIN_NOTE = "SYNTHETIC: sstbias twin dataset in the layout of the real product; not observations or model output"


def _pack(values: np.ndarray, scale: float, offset: float, fill: int) -> np.ndarray:
    packed = np.round((values - offset) / scale)
    packed = np.where(np.isfinite(values), packed, fill)
    return packed.astype("int16")


def write_coordinate(ds: netCDF4.Dataset, name: str, dtype: str, values: np.ndarray, attrs: dict) -> None:
    """A one-dimensional coordinate variable ``name`` of ``dtype`` with ``values`` and ``attrs`` in ``ds``."""
    var = ds.createVariable(name, dtype, (name,))
    var.setncatts(attrs)
    var[:] = values


def write_hycom(
    path: Path,
    times: pd.DatetimeIndex,
    lat: np.ndarray,
    lon360: np.ndarray,
    sst: np.ndarray,
    file_format: str = "NETCDF4",
    depths: tuple[float, ...] = (0.0,),
    analysis_time: pd.Timestamp | None = None,
) -> None:
    """A HYCOM GLBy0.08/expt_93.0 file: ``water_temp(time, depth, lat, lon)`` int16.

    ``sst`` is (time, lat, lon) in degC with NaN on land; ``lon360`` holds the longitudes as the file stores
    them (0..360 in NCSS answers, -180..180 in some hindcast subsets). The defaults give an NCSS answer
    (netCDF-4, surface only). A hindcast archive file is netCDF-3 (``file_format`` NETCDF3_64BIT_OFFSET, time
    a record dimension) with several ``depths`` (m; the deeper levels 0.05 degC/m colder) and a ``tau``
    (hours since ``analysis_time``).
    """
    classic = file_format.startswith("NETCDF3")
    with netCDF4.Dataset(path, "w", format=file_format) as ds:
        ds.setncatts(
            {
                "classification_level": "UNCLASSIFIED",
                "distribution_statement": "Approved for public release. Distribution unlimited.",
                "institution": "Fleet Numerical Meteorology and Oceanography Center",
                "source": "HYCOM archive file",
                "history": "archv2ncdf3z; sstbias twin",
                "field_type": "instantaneous",
                "Conventions": "CF-1.6 NAVO_netcdf_v1.1",
                "comment": TWIN_NOTE,
            }
        )
        for name, size in (("lat", lat.size), ("lon", lon360.size), ("depth", len(depths))):
            ds.createDimension(name, size)
        ds.createDimension("time", None if classic else len(times))
        hours = (times - HYCOM_EPOCH) / pd.Timedelta(hours=1)
        write_coordinate(
            ds,
            "time",
            "f8",
            np.asarray(hours, dtype="float64"),
            {
                "long_name": "Valid Time",
                "units": "hours since 2000-01-01 00:00:00",
                "time_origin": "2000-01-01 00:00:00",
                "calendar": "gregorian",
                "axis": "T",
                "NAVO_code": np.int32(13),
            },
        )
        if analysis_time is not None:
            _tau(ds, times, analysis_time)
        write_coordinate(
            ds,
            "depth",
            "f8",
            np.asarray(depths, dtype="float64"),
            {
                "long_name": "Depth",
                "standard_name": "depth",
                "units": "m",
                "positive": "down",
                "axis": "Z",
                "NAVO_code": np.int32(5),
            },
        )
        write_coordinate(
            ds,
            "lat",
            "f8",
            lat,
            {
                "long_name": "Latitude",
                "standard_name": "latitude",
                "units": "degrees_north",
                "point_spacing": "even",
                "axis": "Y",
                "NAVO_code": np.int32(1),
            },
        )
        write_coordinate(
            ds,
            "lon",
            "f8",
            lon360,
            {
                "long_name": "Longitude",
                "standard_name": "longitude",
                "units": "degrees_east",
                "modulo": "360 degrees",
                "axis": "X",
                "NAVO_code": np.int32(2),
            },
        )
        var = ds.createVariable(
            "water_temp",
            "i2",
            ("time", "depth", "lat", "lon"),
            zlib=not classic,
            complevel=4,
            fill_value=np.int16(-30000),
        )
        var.setncatts(
            {
                "long_name": "Water Temperature",
                "standard_name": "sea_water_temperature",
                "units": "degC",
                "missing_value": np.int16(-30000),
                "scale_factor": np.float32(0.001),
                "add_offset": np.float32(20.0),
                "NAVO_code": np.int32(15),
                "comment": "in-situ temperature",
            }
        )
        var.set_auto_maskandscale(False)
        levels = np.stack([sst - 0.05 * depth for depth in depths], axis=1)
        var[:] = _pack(levels, 0.001, 20.0, -30000)


def _tau(ds: netCDF4.Dataset, times: pd.DatetimeIndex, analysis_time: pd.Timestamp) -> None:
    """HYCOM's ``tau``: forecast hours since the analysis (not CF time units; readers leave it undecoded)."""
    var = ds.createVariable("tau", "f8", ("time",))
    var.setncatts(
        {
            "long_name": "Tau",
            "units": "hours since analysis",
            "time_origin": f"{analysis_time:%Y-%m-%d %H:%M:%S}",
            "NAVO_code": np.int32(56),
        }
    )
    var[:] = np.asarray((times - analysis_time) / pd.Timedelta(hours=1), dtype="float64")


def write_oisst(path: Path, days: pd.DatetimeIndex, lat: np.ndarray, lon360: np.ndarray, fields: dict) -> None:
    """An OISST v2.1 daily file (NCEI/ERDDAP layout): ``sst``, ``anom``, ``err``, ``ice`` (time, zlev=1, lat, lon).

    ``fields`` maps those names to (time, lat, lon) arrays (degC, degC, degC, %) with NaN on land; ``days`` are
    the UTC days (stamped at 12:00 as in the product).
    """
    ranges = {"sst": (-300, 4500), "anom": (-1200, 1200), "err": (0, 1000), "ice": (0, 100)}
    long_names = {
        "sst": "Daily sea surface temperature",
        "anom": "Daily sea surface temperature anomalies",
        "err": "Estimated error standard deviation of analysed_sst",
        "ice": "Sea ice concentration",
    }
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.setncatts(
            {
                "Conventions": "CF-1.6, ACDD-1.3",
                "title": "NOAA/NCEI 1/4 Degree Daily Optimum Interpolation Sea Surface Temperature (OISST) "
                "Analysis, Version 2.1 - Final",
                "institution": "NOAA/National Centers for Environmental Information",
                "product_version": "Version v02r01",
                "processing_level": "NOAA Level 4",
                "comment": TWIN_NOTE,
            }
        )
        for name, size in (("time", len(days)), ("zlev", 1), ("lat", lat.size), ("lon", lon360.size)):
            ds.createDimension(name, size)
        stamps = (days + pd.Timedelta(hours=12) - OISST_EPOCH) / pd.Timedelta(days=1)
        write_coordinate(
            ds,
            "time",
            "f4",
            np.asarray(stamps, dtype="float32"),
            {"long_name": "Center time of the day", "units": "days since 1978-01-01 12:00:00"},
        )
        write_coordinate(
            ds,
            "zlev",
            "f4",
            np.array([0.0], dtype="float32"),
            {"long_name": "Sea surface height", "units": "meters", "positive": "down", "actual_range": "0, 0"},
        )
        write_coordinate(
            ds,
            "lat",
            "f4",
            lat.astype("float32"),
            {"long_name": "Latitude", "units": "degrees_north", "grids": "Uniform grid from -89.875 to 89.875 by 0.25"},
        )
        write_coordinate(
            ds,
            "lon",
            "f4",
            lon360.astype("float32"),
            {"long_name": "Longitude", "units": "degrees_east", "grids": "Uniform grid from 0.125 to 359.875 by 0.25"},
        )
        for name, values in fields.items():
            var = ds.createVariable(
                name, "i2", ("time", "zlev", "lat", "lon"), zlib=True, complevel=4, fill_value=np.int16(-999)
            )
            var.setncatts(
                {
                    "long_name": long_names[name],
                    "units": "%" if name == "ice" else "Celsius",
                    "add_offset": np.float32(0.0),
                    "scale_factor": np.float32(0.01),
                    "valid_min": np.int16(ranges[name][0]),
                    "valid_max": np.int16(ranges[name][1]),
                }
            )
            var.set_auto_maskandscale(False)
            var[:] = _pack(values, 0.01, 0.0, -999)[:, None]
