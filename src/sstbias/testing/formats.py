"""The ERDDAP griddap and PSL yearly OISST layouts, written by the tests and the loopback server only.

No genuine ERDDAP or PSL file is at hand: both follow the services' documented conventions (ERDDAP: unpacked
floats, ``latitude``/``longitude``, seconds since 1970; PSL: float ``sst`` with a ``missing_value``, days since
1800 stamped at 00:00). Every file is marked as synthetic.
"""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd

from sstbias.twin.formats import TWIN_NOTE, write_coordinate


def write_erddap_oisst(
    path: Path, days: pd.DatetimeIndex, lat: np.ndarray, lon360: np.ndarray, sst: np.ndarray
) -> None:
    """An ERDDAP griddap answer of ``ncdcOisst21Agg`` as ``.nc``: netCDF-3, ``sst(time, zlev, latitude, longitude)``.

    ERDDAP unpacks the values: float32 degC with _FillValue -999; times in seconds since 1970 at the day
    centres (12:00 UTC) of ``days``; ``sst`` (time, lat, lon) degC with NaN on land; ``lon360`` in 0..360.
    """
    with netCDF4.Dataset(path, "w", format="NETCDF3_CLASSIC") as ds:
        ds.setncatts(
            {
                "Conventions": "CF-1.6, COARDS, ACDD-1.3",
                "cdm_data_type": "Grid",
                "title": "NOAA OISST v2.1 daily, ERDDAP subset (ncdcOisst21Agg)",
                "institution": "NOAA NCEI (source); ERDDAP server (subset)",
                "comment": TWIN_NOTE,
            }
        )
        for name, size in (("time", len(days)), ("zlev", 1), ("latitude", lat.size), ("longitude", lon360.size)):
            ds.createDimension(name, size)
        seconds = (days.floor("D") + pd.Timedelta(hours=12) - pd.Timestamp("1970-01-01")) / pd.Timedelta(seconds=1)
        axis = {"_CoordinateAxisType": "Time", "axis": "T", "standard_name": "time", "long_name": "Centered Time"}
        write_coordinate(ds, "time", "f8", np.asarray(seconds), axis | {"units": "seconds since 1970-01-01T00:00:00Z"})
        write_coordinate(ds, "zlev", "f4", np.array([0.0], "float32"), {"axis": "Z", "positive": "up", "units": "m"})
        for name, values, units in (("latitude", lat, "degrees_north"), ("longitude", lon360, "degrees_east")):
            attrs = {"axis": "Y" if name == "latitude" else "X", "standard_name": name, "units": units}
            write_coordinate(ds, name, "f4", values.astype("float32"), attrs | {"long_name": name.capitalize()})
        var = ds.createVariable("sst", "f4", ("time", "zlev", "latitude", "longitude"), fill_value=np.float32(-999.0))
        var.setncatts(
            {
                "long_name": "Daily Sea Surface Temperature",
                "standard_name": "sea_surface_temperature",
                "units": "degree_C",
                "ioos_category": "Temperature",
                "colorBarMinimum": 0.0,
                "colorBarMaximum": 32.0,
            }
        )
        var[:] = np.where(np.isfinite(sst), np.round(sst, 2), -999.0).astype("float32")[:, None]


def write_psl_oisst(path: Path, days: pd.DatetimeIndex, lat: np.ndarray, lon360: np.ndarray, sst: np.ndarray) -> None:
    """A PSL yearly file (``sst.day.mean.YYYY.nc``): netCDF-4, float ``sst(time, lat, lon)`` degC, no zlev.

    Days are stamped at 00:00 UTC in days since 1800-01-01; missing values are -9.96921e+36; ``sst`` (time,
    lat, lon) degC with NaN on land; ``lon360`` in 0..360.
    """
    missing = np.float32(-9.96921e36)
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.setncatts(
            {
                "Conventions": "CF-1.5",
                "title": "NOAA/NCEI 1/4 Degree Daily Optimum Interpolation Sea Surface Temperature (OISST) "
                "Analysis, Version 2.1",
                "institution": "NOAA/National Centers for Environmental Information",
                "source": "NOAA/NCEI https://www.ncei.noaa.gov/data/sea-surface-temperature-optimum-interpolation/",
                "comment": TWIN_NOTE,
            }
        )
        ds.createDimension("time", None)
        ds.createDimension("lat", lat.size)
        ds.createDimension("lon", lon360.size)
        stamps = (days.floor("D") - pd.Timestamp("1800-01-01")) / pd.Timedelta(days=1)
        write_coordinate(ds, "time", "f8", np.asarray(stamps), {"units": "days since 1800-01-01 00:00:00", "axis": "T"})
        write_coordinate(ds, "lat", "f4", lat.astype("float32"), {"units": "degrees_north", "axis": "Y"})
        write_coordinate(ds, "lon", "f4", lon360.astype("float32"), {"units": "degrees_east", "axis": "X"})
        var = ds.createVariable("sst", "f4", ("time", "lat", "lon"), zlib=True, complevel=4)
        var.setncatts(
            {
                "long_name": "Daily Mean of Sea Surface Temperature",
                "units": "degC",
                "valid_range": np.array([-3.0, 45.0], dtype="float32"),
                "missing_value": missing,
                "dataset": "NOAA High-resolution Blended Analysis",
                "statistic": "Mean",
            }
        )
        var[:] = np.where(np.isfinite(sst), sst, missing).astype("float32")
