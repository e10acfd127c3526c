"""Where and how ``sstbias correct`` writes: the output path's safety checks and the CF netCDF writer."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import xarray as xr

import sstbias
from sstbias.atomic import check_output_target
from sstbias.errors import InputDataError
from sstbias.netcdf import PREDICTION, write_dataset


def write_corrected(corrected: xr.DataArray, out: str | os.PathLike, provenance: dict, command: str) -> Path:
    """Write ``corrected`` as CF netCDF4 (variable ``sst_corrected``, compressed) to ``out`` atomically: its
    ``time`` (the valid UTC days: along time, or per forecast run and lead) with bounds ``time_bnds`` (each day
    [00:00, 24:00)) and the ``provenance`` as global attributes."""
    ds = corrected.astype("float32").to_dataset(name=PREDICTION)
    days = ds["time"].values  # (time,), or (forecast_reference_time, lead) for forecast runs
    ds["time_bnds"] = ((*ds["time"].dims, "nv"), np.stack([days, days + np.timedelta64(1, "D")], axis=-1))
    ds["time_bnds"].encoding.update(dtype="float64", _FillValue=None)  # as time (whose units it takes)
    if days.ndim > 1:  # CF: the bounds of an auxiliary time take no coordinates attribute (xarray would add one)
        ds["time_bnds"].encoding["coordinates"] = None
    ds["time"].attrs["bounds"] = "time_bnds"  # each value is the mean over the UTC day [00:00, 24:00)
    ds.attrs.update(provenance)
    ds.attrs["date_created"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    stamp = ds.attrs["date_created"]
    return write_dataset(ds, out, history=f"{stamp}: {command} (sstbias {sstbias.__version__})")


def is_corrected_output(path: Path) -> bool:
    """True if ``path`` is a netCDF file written by `sstbias correct` (variable sst_corrected and the model's
    config hash among its global attributes)."""
    import netCDF4

    try:
        with netCDF4.Dataset(path) as ds:
            return PREDICTION in ds.variables and "model_config_hash" in ds.ncattrs()
    except Exception:  # netCDF4 raises many types for files that are not netCDF
        return False


def check_output_path(out: str | os.PathLike, model_dir: str | os.PathLike, overwrite: bool = False) -> None:
    """InputDataError unless ``out`` may be written: never inside the model folder (its files are the trained
    model); a new path or an existing regular file only (OutputPathError for a folder, device, FIFO or socket);
    an existing file only if an earlier `sstbias correct` wrote it, or with ``overwrite`` (even then never a
    forecast file, checked by :func:`correct_files`)."""
    target = Path(out).resolve()
    folder = Path(model_dir).resolve()
    if target == folder or folder in target.parents:
        raise InputDataError(
            f"{out}: inside the model folder {model_dir} (its files are the trained model); write the corrected "
            "file elsewhere"
        )
    check_output_target(out)  # a folder, device, FIFO or socket is refused unopened, --overwrite or not
    if target.exists() and not overwrite and not is_corrected_output(target):
        raise InputDataError(
            f"{out}: exists and is not an output of sstbias correct; choose another name, or pass --overwrite to "
            "replace it"
        )
