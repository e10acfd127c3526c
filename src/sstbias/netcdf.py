"""The workflow's netCDF4 files: reading a field (``open_field``), writing with CF conventions, compression and
atomic replacement of the target (``write_dataset``, ``atomic_write``), and the corrected-SST prediction files
(``write_prediction``, the only place that sets a prediction's attributes)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import xarray as xr

import sstbias
from sstbias.atomic import atomic_write
from sstbias.plausible import check_corrected

PathLike = str | os.PathLike
# Variable names in the workflow's files: a field (daily forecast, regridded product) and a prediction.
FIELD = "sst"
PREDICTION = "sst_corrected"
SST_ATTRS = {
    "units": "degC",
    "standard_name": "sea_surface_temperature",
}


def compression_encoding(ds: xr.Dataset, level: int = 4) -> dict:
    """Per-variable netCDF4 encoding: zlib compression for data variables, NaN fill for floats, none on coords.

    Packing already present in a variable's ``encoding`` (dtype, scale_factor, add_offset, _FillValue) is kept.
    """
    encoding: dict[str, dict] = {}
    for name, var in ds.data_vars.items():
        if var.ndim == 0 or var.dtype.kind not in "fiub":
            continue
        enc = {"zlib": True, "complevel": level}
        enc.update({k: v for k, v in var.encoding.items() if k in _KEPT_ENCODING})
        if var.dtype.kind == "f":
            enc.setdefault("_FillValue", np.float32(np.nan) if var.dtype == np.float32 else np.nan)
        encoding[str(name)] = enc
    for name, coord in ds.coords.items():
        if coord.dtype.kind == "f":
            encoding[str(name)] = {"_FillValue": None}
    return encoding


_KEPT_ENCODING = ("dtype", "scale_factor", "add_offset", "_FillValue")


def open_field(path: PathLike, name: str = FIELD) -> xr.DataArray:
    """The variable ``name`` of the netCDF file at ``path``, loaded into memory."""
    with xr.open_dataset(path) as ds:
        return ds[name].load()


def write_dataset(ds: xr.Dataset, path: PathLike, history: str | None = None) -> Path:
    """Write ``ds`` as compressed netCDF4 to ``path`` atomically, stamping CF global attributes.

    ``history`` (one line) is appended to the dataset's ``history`` attribute.
    """
    ds = ds.copy()
    ds.attrs.setdefault("Conventions", "CF-1.8")
    ds.attrs["sstbias_version"] = sstbias.__version__
    if history:
        previous = ds.attrs.get("history", "")
        ds.attrs["history"] = f"{previous}\n{history}".strip()
    encoding = compression_encoding(ds)
    if "time" in ds.coords:
        encoding["time"] = {
            "units": "hours since 1970-01-01 00:00:00",
            "calendar": "standard",
            "dtype": "float64",
            "_FillValue": None,  # CF: a coordinate variable has no missing values
        }
        ds["time"].attrs.update({"standard_name": "time", "long_name": "time (UTC)"})
        if ds["time"].dims == ("time",):  # CF: axis only on a coordinate variable (not a time per run and lead)
            ds["time"].attrs["axis"] = "T"
    return atomic_write(path, lambda tmp: ds.to_netcdf(tmp, format="NETCDF4", engine="netcdf4", encoding=encoding))


def prediction_attrs(model: str, wording: str = "SST") -> dict[str, str]:
    """The CF attributes of the corrected SST of ``model``: units, standard name and the long name "bias-corrected
    ``wording`` (``model``)"; ``wording`` is "SST" in the workflow's prediction files (:func:`write_prediction`)
    and "sea surface temperature" in the standalone corrector's output (sstbias.deep.api.predict_days)."""
    return {**SST_ATTRS, "long_name": f"bias-corrected {wording} ({model})"}


def write_prediction(corrected: xr.DataArray, out: PathLike, model: str, note: str = "") -> None:
    """Write ``corrected`` (time, lat, lon) degC as variable ``sst_corrected`` with CF attributes and provenance.

    A ``note`` (what the model did that a reader of its scores must know, e.g. the climatology's fallback) becomes
    the variable's ``comment``; evaluation carries it into the metrics and the tables' notes.

    An impossible field (non-finite at a cell that holds a value on another day, no value at all, or outside the
    physical SST range) fails naming ``out`` (the run's prediction file) and writes nothing.
    """
    check_corrected(corrected, f"{out} (model {model})")
    corrected = corrected.astype("float32")
    corrected.attrs.update(prediction_attrs(model))
    if note:
        corrected.attrs["comment"] = note
    ds = corrected.to_dataset(name=PREDICTION)
    ds.attrs.update(title=f"sstbias corrected SST, model {model}, test period", model=model)
    write_dataset(ds, out, history=f"sstbias predict {model}")
