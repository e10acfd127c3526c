"""Bilinear regridding of (time, lat, lon) fields onto the analysis grid.

Two engines give the same result: xESMF (ESMF, conda-forge only; its weights can be cached in a file) and
xarray-regrid (pip-installable). NaN semantics, identical for both: an output point is NaN exactly when one of
the source points with a non-zero bilinear weight is NaN, so land grows by at most one source cell and an ocean
value is never interpolated across land. An analysis point outside the source coverage is an error.
"""

from __future__ import annotations

import importlib.util
import logging
import os

import xarray as xr

from sstbias.errors import ConfigError, InputDataError
from sstbias.grid import AnalysisGrid

log = logging.getLogger("sstbias.data.regrid")

ENGINES = ("xesmf", "xarray-regrid")
# Interpolated land indicator above this is taken as a non-zero weight on a NaN source point.
_NAN_WEIGHT_TOLERANCE = 1e-6


def resolve_engine(engine: str) -> str:
    """The engine to use: ``auto`` takes xESMF where ESMF imports, else xarray-regrid."""
    if engine == "auto":
        return "xesmf" if _xesmf_available() else "xarray-regrid"
    if engine not in ENGINES:
        raise ConfigError(f"grid.regrid_engine: unknown engine {engine!r}; choose auto or one of {ENGINES}")
    if engine == "xesmf" and not _xesmf_available():
        raise ConfigError("grid.regrid_engine: xesmf requested but xESMF/ESMF do not import (conda-forge only)")
    return engine


def _xesmf_available() -> bool:
    if importlib.util.find_spec("xesmf") is None:
        return False
    try:
        import xesmf  # noqa: F401
    except ImportError:
        return False
    return True


def regrid_bilinear(
    da: xr.DataArray, grid: AnalysisGrid, engine: str = "auto", weights_path: str | os.PathLike | None = None
) -> xr.DataArray:
    """``da`` (time, lat, lon) on a regular source grid, bilinearly interpolated to ``grid`` as float32.

    ``weights_path`` caches the xESMF weights (created if absent, reused otherwise); ignored by xarray-regrid.
    Coordinates on no spatial axis (a forecast lead's ``lead``, ``forecast_period``, ``forecast_reference_time``)
    are carried over, not interpolated.
    """
    _check_coverage(da, grid)
    carried = {name: da[name] for name in da.coords if name != "time" and not {"lat", "lon"} & set(da[name].dims)}
    da = da.drop_vars(list(carried))
    engine = resolve_engine(engine)
    land = da.isnull()
    filled = da.fillna(0.0).astype("float64")
    if engine == "xesmf":
        values, land_weight = _regrid_xesmf([filled, land.astype("float64")], grid, weights_path)
    else:
        values, land_weight = (linear_in_fixed_order(field, grid) for field in (filled, land.astype("float64")))
    result = values.where(land_weight <= _NAN_WEIGHT_TOLERANCE).astype("float32")
    result = result.assign_coords(lat=grid.template()["lat"], lon=grid.template()["lon"])
    result.attrs = dict(da.attrs)
    return result.assign_coords(carried).transpose("time", "lat", "lon")


def linear_in_fixed_order(field: xr.DataArray, grid: AnalysisGrid) -> xr.DataArray:
    """Bilinear interpolation with xarray-regrid as two linear passes in a fixed order: longitude, then latitude.

    ``regrid.linear`` interpolates the coordinates in the iteration order of a Python set, which follows the hash
    seed of the process; the two orders differ in the last bit of some values, so the same input regridded in two
    processes could differ. The first pass keeps the source latitudes (interpolating onto its own points is exact).
    """
    import xarray_regrid  # noqa: F401  (registers the .regrid accessor)

    target = grid.template()
    longitudes_only = xr.Dataset(coords={"lat": field["lat"], "lon": target["lon"]})
    return field.regrid.linear(longitudes_only).regrid.linear(target)


def _check_coverage(da: xr.DataArray, grid: AnalysisGrid) -> None:
    tolerance = 1e-6
    lat, lon = da["lat"].values, da["lon"].values
    if (
        lat.min() > grid.lat.min() + tolerance
        or lat.max() < grid.lat.max() - tolerance
        or lon.min() > grid.lon.min() + tolerance
        or lon.max() < grid.lon.max() - tolerance
    ):
        source = da.attrs.get("source_files", "the source field")
        raise InputDataError(
            f"{source}: covers lat {lat.min():.3f}..{lat.max():.3f}, lon {lon.min():.3f}..{lon.max():.3f}, "
            f"not the analysis grid lat {grid.lat.min()}..{grid.lat.max()}, lon {grid.lon.min()}..{grid.lon.max()}"
        )


def _regrid_xesmf(
    fields: list[xr.DataArray], grid: AnalysisGrid, weights_path: str | os.PathLike | None
) -> list[xr.DataArray]:
    import xesmf

    reuse = weights_path is not None and os.path.exists(weights_path)
    regridder = xesmf.Regridder(
        fields[0].to_dataset(name="field"),
        grid.template(),
        "bilinear",
        filename=None if weights_path is None else str(weights_path),
        reuse_weights=reuse,
    )
    if weights_path is not None and not reuse:
        regridder.to_netcdf(str(weights_path))
        log.info("xESMF weights written to %s", weights_path)
    return [regridder(field, keep_attrs=True) for field in fields]
