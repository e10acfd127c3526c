"""One month of the twin dataset: raw HYCOM and OISST files plus the diagnostics of the forecast error.

The forecast is the resolved truth seen 1 day late with displaced and damped eddies and a misplaced, too strong
cold tongue, plus a seasonal-spatial warm bias and a diurnal cycle; in the ``realistic`` scenario
(sstbias.twin.scenarios) also typhoon cold wakes too shallow, too short and off track, and an over-response to its
own recent changes. The observed ocean adds variability that the
forecast model does not represent (the unpredictable error: absent from every forecast input); the observation is
that ocean smoothed to OISST's effective resolution plus small noise. docs/twin.md gives the equations and the
calibration.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
from scipy.interpolate import RegularGridInterpolator

from sstbias.errors import ConfigError
from sstbias.grid import AnalysisGrid, Box, lat_coord, lon_coord
from sstbias.netcdf import atomic_write, write_dataset
from sstbias.period import month_days
from sstbias.provenance import record
from sstbias.twin.fields import (
    EddyView,
    UpwellingShape,
    days_since_epoch,
    eddy_catalogue,
    eddy_field,
    meridional_gradient,
    seasonal_cycle,
    upwelling,
)
from sstbias.twin.forecast_error import RandomError, diurnal_cycle, systematic_bias
from sstbias.twin.formats import write_hycom, write_oisst
from sstbias.twin.scenarios import TwinParameters, scenario_parameters
from sstbias.twin.storms import storm_catalogue, wake_field

HYCOM_DLAT, HYCOM_DLON, OISST_STEP = 0.04, 0.08, 0.25
STEPS_PER_DAY = 8


def is_land(lat: np.ndarray, lon: np.ndarray, island: tuple[float, float, float]) -> np.ndarray:
    """Land mask (H, W) of the grid ``lat`` (H,) x ``lon`` (W,): a coast in the SW and one small island."""
    lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
    coast = lon2 < 110.15 - 0.5 * (lat2 - 12.0)
    island_lat, island_lon, radius = island
    return coast | ((lat2 - island_lat) ** 2 + (lon2 - island_lon) ** 2 < radius**2)


def axis(low: float, high: float, step: float, offset: float = 0.0) -> np.ndarray:
    first = np.ceil((low - offset) / step - 1e-9)
    last = np.floor((high - offset) / step + 1e-9)
    return np.round(offset + step * np.arange(first, last + 1), 6)


def check_twin_ocean(config: dict) -> None:
    """ConfigError quoting the box if the twin (source: twin) has no ocean cell on one of the grids a run reads
    over it (native HYCOM 0.04 x 0.08 deg, OISST 0.25 deg, the analysis grid): every product would be all land."""
    box = Box.from_config(config["box"])
    grid = AnalysisGrid.from_config(config)
    island = TwinParameters().island
    grids = {
        "HYCOM": (axis(box.lat_min, box.lat_max, HYCOM_DLAT), axis(box.lon_min, box.lon_max, HYCOM_DLON)),
        "OISST": (axis(box.lat_min, box.lat_max, OISST_STEP, 0.125), axis(box.lon_min, box.lon_max, OISST_STEP, 0.125)),
        "analysis": (grid.lat, grid.lon),
    }
    for product, (lat, lon) in grids.items():
        if lat.size and lon.size and is_land(lat, lon, island).all():
            raise ConfigError(
                f"box: lat {config['box']['lat_min']}..{config['box']['lat_max']}, lon {config['box']['lon_min']}.."
                f"{config['box']['lon_max']} is all land in the twin's {product} grid: move the box onto the twin's "
                "sea (docs/twin.md)"
            )


class TwinOcean:
    """The analytic twin for one config: truth, forecast and observation on any times and grid."""

    def __init__(self, seed: int, box: Box, years: range, parameters: TwinParameters | None = None) -> None:
        self.seed = seed
        self.p = parameters or TwinParameters()
        around = range(years.start - 1, years.stop + 1)
        self.eddies = eddy_catalogue(seed, box, around)
        if (self.p.eddy_amplitude, self.p.eddy_speed) != (1.0, 1.0):
            self.eddies = dataclasses.replace(
                self.eddies,
                amplitude=self.eddies.amplitude * self.p.eddy_amplitude,
                drift_lat=self.eddies.drift_lat * self.p.eddy_speed,
                drift_lon=self.eddies.drift_lon * self.p.eddy_speed,
            )
        self.storms = storm_catalogue(seed, box, around) if self.p.storms else None
        self.unresolved = RandomError.from_seed(seed, self.p.random_rms)

    def _state(self, t: np.ndarray, lat: np.ndarray, lon: np.ndarray, eddies: EddyView, cold: UpwellingShape):
        t3 = t[:, None, None]
        return (
            seasonal_cycle(t3)
            + meridional_gradient(t3, lat[None, :, None])
            + upwelling(t3, lat[None, :, None], lon[None, None, :], cold)
            + eddy_field(t, lat, lon, self.eddies, eddies)
        )

    def _true_state(self, t: np.ndarray, lat: np.ndarray, lon: np.ndarray, eddies: EddyView) -> np.ndarray:
        """The resolved truth with the eddies seen through ``eddies``, plus the true cold wakes (realistic)."""
        state = self._state(t, lat, lon, eddies, self.p.true_upwelling)
        if self.storms is not None:
            state += wake_field(t, lat, lon, self.storms, self.p.true_wakes)
        return state

    def truth(self, t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """True SST (T, H, W) degC."""
        return self._true_state(t, lat, lon, EddyView())

    def model_state(self, t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """The forecast model's SST (T, H, W) degC without the state-dependent error and the diurnal cycle."""
        t3 = t[:, None, None]
        state = self._state(t - self.p.lag_days, lat, lon, self.p.forecast_eddies, self.p.forecast_upwelling)
        state = state + systematic_bias(t3, lat[None, :, None], lon[None, None, :], self.p.bias)
        if self.storms is not None:  # the model is forced by the analysed winds: its wakes start on time
            state += wake_field(t, lat, lon, self.storms, self.p.forecast_wakes)
        return state

    def forecast(self, t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Forecast SST (T, H, W) degC, before land masking.

        With a state-dependent error, the model state is evaluated on ``t`` and the ``days`` whole days before
        (on one grid of unique times), and its warming over their mean is amplified by ``gain``.
        """
        t3 = t[:, None, None]
        error = self.p.state_error
        if error.gain == 0.0:
            state = self.model_state(t, lat, lon)
        else:
            lagged = np.round(np.concatenate([t - k for k in range(error.days + 1)]), 9)
            times, index = np.unique(lagged, return_inverse=True)
            states = self.model_state(times, lat, lon)[index].reshape(error.days + 1, t.size, lat.size, lon.size)
            state = states[0]
            warming = state - states[1:].mean(axis=0)
            state = state + error.gain * warming
        return state + diurnal_cycle(t3, lon[None, None, :], self.p.diurnal_amplitude)

    def observation(self, days: pd.DatetimeIndex, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(smoothed resolved truth at the day centres, unpredictable part), each (T, H, W) degC.

        The unpredictable part is the unresolved variability (in no forecast) plus the observation noise.
        """
        t = days_since_epoch(days) + 0.5
        smooth = self._true_state(t, lat, lon, self.p.observed_eddies)
        return smooth, self.unpredictable(days, lat, lon)

    def unpredictable(self, days: pd.DatetimeIndex, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """The observation's unpredictable part on ``days`` (T, H, W) degC: unresolved variability + noise."""
        t = days_since_epoch(days) + 0.5
        noise = np.stack(
            [
                np.random.default_rng([self.seed, 3, int(day)]).normal(
                    0.0, self.p.observation_noise, (lat.size, lon.size)
                )
                for day in np.floor(t)
            ]
        )
        return self.unresolved(t, lat, lon) + noise


def synthesize_month(
    month: str,
    config: dict,
    hycom_path: str | os.PathLike,
    oisst_path: str | os.PathLike,
    diagnostics_path: str | os.PathLike,
    parameters: TwinParameters | None = None,
    settings: dict | None = None,
) -> None:
    """Write ``month``'s raw HYCOM (3-hourly) and OISST (daily) files and the diagnostics, atomically; the raw
    files record ``settings`` (what made them, :mod:`sstbias.provenance`) when given.

    Uses ``config`` keys box, grid.resolution, twin (seed, scenario, its switches), raw_margin_deg and period. The
    diagnostics hold, on the analysis grid and daily, the ``truth`` and the ``unpredictable_error``: the part of
    observation - daily forecast that no corrector seeing forecasts only can know (the observation noise
    and the unresolved variability, interpolated to the grid like the observation). ``parameters`` replaces the
    scenario's (calibration experiments only).
    """
    days = month_days(month, config["period"])
    if days.empty:
        raise ValueError(f"month {month} has no day inside the period {config['period']}")
    box = Box.from_config(config["box"])
    raw_box = box.expanded(config.get("raw_margin_deg", 0.5))
    years = range(days[0].year, days[-1].year + 1)
    parameters = parameters or scenario_parameters(config["twin"])
    ocean = TwinOcean(config["twin"]["seed"], box, years, parameters)
    land_parameters = ocean.p.island

    hycom_lat = axis(raw_box.lat_min, raw_box.lat_max, HYCOM_DLAT)
    hycom_lon = axis(raw_box.lon_min, raw_box.lon_max, HYCOM_DLON)
    times = pd.DatetimeIndex([day + pd.Timedelta(hours=3 * k) for day in days for k in range(STEPS_PER_DAY)])
    forecast = ocean.forecast(days_since_epoch(times), hycom_lat, hycom_lon)
    forecast[:, is_land(hycom_lat, hycom_lon, land_parameters)] = np.nan

    def written(tmp: Path, write: Callable[[Path], None]) -> None:
        write(tmp)
        if settings is not None:
            record(tmp, settings)

    atomic_write(
        hycom_path,
        lambda tmp: written(tmp, lambda t: write_hycom(t, times, hycom_lat, np.mod(hycom_lon, 360.0), forecast)),
    )

    oisst_lat = axis(raw_box.lat_min, raw_box.lat_max, OISST_STEP, 0.125)
    oisst_lon = axis(raw_box.lon_min, raw_box.lon_max, OISST_STEP, 0.125)
    smooth, unpredictable = ocean.observation(days, oisst_lat, oisst_lon)
    sst = smooth + unpredictable
    sst[:, is_land(oisst_lat, oisst_lon, land_parameters)] = np.nan
    fields = {
        "sst": sst,
        "anom": sst - seasonal_cycle(days_since_epoch(days) + 0.5)[:, None, None],
        "err": np.where(np.isfinite(sst), 0.15, np.nan),
        "ice": np.full_like(sst, np.nan),
    }
    atomic_write(
        oisst_path,
        lambda tmp: written(tmp, lambda t: write_oisst(t, days, oisst_lat, np.mod(oisst_lon, 360.0), fields)),
    )

    grid = AnalysisGrid.from_config(config)
    diagnostics = _diagnostics(ocean, days, grid, (oisst_lat, oisst_lon, unpredictable))
    write_dataset(diagnostics, diagnostics_path, history=f"sstbias twin diagnostics {month}")


def to_analysis_grid(source_lat: np.ndarray, source_lon: np.ndarray, values: np.ndarray, grid: AnalysisGrid):
    """(T, H, W) fields on ``source_lat`` x ``source_lon`` bilinearly interpolated to ``grid``: (T, h, w)."""
    points = np.stack(np.meshgrid(grid.lat, grid.lon, indexing="ij"), axis=-1)
    return np.stack([RegularGridInterpolator((source_lat, source_lon), v, method="linear")(points) for v in values])


def _diagnostics(ocean: TwinOcean, days: pd.DatetimeIndex, grid: AnalysisGrid, unpredictable: tuple) -> xr.Dataset:
    """Truth and the unpredictable part bilinearly interpolated from the OISST grid, as the workflow regrids."""
    t_days = days_since_epoch(days)
    on_grid = to_analysis_grid(*unpredictable, grid)
    coords = {"time": days, "lat": lat_coord(grid.lat), "lon": lon_coord(grid.lon)}
    dims = ("time", "lat", "lon")
    truth = ocean.truth(t_days + 0.5, grid.lat, grid.lon) + ocean.unresolved(t_days + 0.5, grid.lat, grid.lon)
    return xr.Dataset(
        {
            "truth": xr.DataArray(
                truth.astype("float32"),
                dims=dims,
                coords=coords,
                attrs={
                    "units": "degC",
                    "standard_name": "sea_surface_temperature",
                    "long_name": "twin true SST (resolved + unresolved) at the day centre (12:00 UTC)",
                },
            ),
            "unpredictable_error": xr.DataArray(
                on_grid.astype("float32"),
                dims=dims,
                coords=coords,
                attrs={
                    "units": "degC",
                    "long_name": "part of observation - daily forecast unknowable from forecasts "
                    "(regridded unresolved variability + observation noise)",
                },
            ),
        },
        attrs={"title": "sstbias twin diagnostics on the analysis grid", "comment": "synthetic"},
    )
