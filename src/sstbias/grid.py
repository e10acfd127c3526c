"""Geographic box and the regular analysis grid that every product is regridded onto."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from sstbias.box import Box
from sstbias.errors import ConfigError

__all__ = ["AnalysisGrid", "Box", "lat_coord", "lon_coord"]

_DECIMALS = 6


@dataclass(frozen=True)
class AnalysisGrid:
    """Regular lat/lon grid spanning ``box`` inclusively at ``resolution`` degrees (cell centres on the edges)."""

    box: Box
    resolution: float

    def __post_init__(self) -> None:
        if self.resolution <= 0:
            raise ConfigError(f"grid.resolution must be > 0, got {self.resolution}")
        for name, span in (
            ("lat", self.box.lat_max - self.box.lat_min),
            ("lon", self.box.lon_max - self.box.lon_min),
        ):
            steps = span / self.resolution
            if abs(steps - round(steps)) > 1e-6:
                raise ConfigError(
                    f"grid.resolution: the box's {name} span {span} deg is not a multiple of {self.resolution} deg"
                )

    @classmethod
    def from_config(cls, config: dict) -> AnalysisGrid:
        """Build from the full config (``box`` and ``grid.resolution``)."""
        return cls(Box.from_config(config["box"]), float(config["grid"]["resolution"]))

    @property
    def lat(self) -> np.ndarray:
        """Latitudes of the grid rows in degrees north, ascending, shape (H,)."""
        return _axis(self.box.lat_min, self.box.lat_max, self.resolution)

    @property
    def lon(self) -> np.ndarray:
        """Longitudes of the grid columns in degrees east, ascending, shape (W,)."""
        return _axis(self.box.lon_min, self.box.lon_max, self.resolution)

    @property
    def shape(self) -> tuple[int, int]:
        """(H, W) = (number of latitudes, number of longitudes)."""
        return (self.lat.size, self.lon.size)

    def template(self) -> xr.Dataset:
        """An empty dataset carrying the grid's CF-annotated ``lat`` and ``lon`` coordinates."""
        return xr.Dataset(coords={"lat": lat_coord(self.lat), "lon": lon_coord(self.lon)})


def _axis(start: float, stop: float, step: float) -> np.ndarray:
    n = int(round((stop - start) / step)) + 1
    return np.round(start + step * np.arange(n), _DECIMALS)


def lat_coord(values: np.ndarray) -> xr.DataArray:
    """A CF latitude coordinate (degrees_north) over ``values``."""
    return xr.DataArray(
        np.asarray(values, dtype="float64"),
        dims="lat",
        attrs={"units": "degrees_north", "standard_name": "latitude", "long_name": "latitude", "axis": "Y"},
    )


def lon_coord(values: np.ndarray) -> xr.DataArray:
    """A CF longitude coordinate (degrees_east) over ``values``."""
    return xr.DataArray(
        np.asarray(values, dtype="float64"),
        dims="lon",
        attrs={"units": "degrees_east", "standard_name": "longitude", "long_name": "longitude", "axis": "X"},
    )
