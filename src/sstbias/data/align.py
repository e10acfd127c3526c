"""Alignment of the regridded forecast and observation to common days, with the ocean mask."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.errors import InputDataError

log = logging.getLogger("sstbias.data.align")

_MAX_LISTED = 12


def _days(da: xr.DataArray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(da["time"].values).floor("D")


def _listed(days: pd.DatetimeIndex) -> str:
    shown = ", ".join(str(day.date()) for day in days[:_MAX_LISTED])
    return shown + (f" ... ({len(days)} days)" if len(days) > _MAX_LISTED else "")


def _check_no_empty_day(da: xr.DataArray, label: str) -> None:
    empty = ~np.isfinite(da).any(("lat", "lon")).values
    if empty.any():
        raise InputDataError(f"{label}: no valid value on {_listed(_days(da)[empty])}")


def align_products(
    forecast: xr.DataArray,
    observation: xr.DataArray,
    days: pd.DatetimeIndex,
    missing_days: str = "error",
) -> xr.Dataset:
    """Dataset of ``forecast`` and ``observation`` (time, lat, lon) on ``days`` with ``ocean_mask`` (lat, lon).

    Both inputs are daily fields in degC on the same analysis grid; their stamps are floored to the UTC day
    (OISST is stamped at 12:00). A day of ``days`` missing from a product raises InputDataError listing the
    days (``missing_days='error'``) or is removed with a warning (``'drop'``). The ocean mask keeps the cells
    valid on every kept day in both products; cells valid only on some days are excluded and counted in the
    log. Values off the mask are set to NaN. A day with no valid value at all raises InputDataError.
    """
    products = {"forecast": forecast, "observation": observation}
    for name, da in products.items():
        if not np.allclose(da["lat"], forecast["lat"]) or not np.allclose(da["lon"], forecast["lon"]):
            raise InputDataError(f"{name}: not on the forecast's analysis grid")
    days = pd.DatetimeIndex(days)
    kept = days
    for name, da in products.items():
        absent = kept.difference(_days(da))
        if len(absent) and missing_days == "error":
            raise InputDataError(
                f"{name} ({da.attrs.get('source_files', 'regridded file')}): missing days {_listed(absent)}; "
                "set missing_days: drop to run without them"
            )
        if len(absent):
            log.warning("dropping %d days missing from %s: %s", len(absent), name, _listed(absent))
        kept = kept.difference(absent)
    aligned = {}
    for name, da in products.items():
        da = da.assign_coords(time=_days(da)).sel(time=kept)
        _check_no_empty_day(da, f"{name} ({da.attrs.get('source_files', 'regridded file')})")
        aligned[name] = da.astype("float32")
    valid = np.isfinite(aligned["forecast"]) & np.isfinite(aligned["observation"])
    always = valid.all("time")
    intermittent = int((valid.any("time") & ~always).sum())
    if intermittent:
        log.warning("%d cells valid on some days only are excluded from the ocean mask", intermittent)
    log.info("ocean mask: %d of %d cells; %d days", int(always.sum()), always.size, len(kept))
    mask = always.astype("int8")
    mask.attrs = {
        "long_name": "ocean cells valid on every day in both products",
        "flag_values": "0 1",
        "flag_meanings": "land_or_invalid ocean",
    }
    ds = xr.Dataset(
        {name: da.where(always) for name, da in aligned.items()} | {"ocean_mask": mask},
        attrs={"title": "sstbias aligned daily forecast and observation on the analysis grid"},
    )
    ds["forecast"].attrs.update(long_name="daily forecast sea surface temperature (HYCOM)")
    ds["observation"].attrs.update(long_name="observed sea surface temperature (OISST v2.1, regridded)")
    for name in ("forecast", "observation"):
        ds[name].attrs.update(units="degC", standard_name="sea_surface_temperature")
    return ds
