"""Analytic fields of the twin ocean: the true SST and the model's (forecast) view of it.

Every component is a closed-form function of time and position, seeded by the config's ``twin.seed``, so any
month can be generated on its own and in any order. Time ``t`` is in days since 2000-01-01 00:00 UTC; positions in
degrees. Arrays broadcast as (time, lat, lon).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sstbias.grid import Box

DAYS_PER_YEAR = 365.2425
EPOCH = pd.Timestamp("2000-01-01")

# Monthly mean SST (degC) of the central South China Sea near 14N, 112E (winter monsoon cooling, spring
# warming to ~29.7 in May-June, summer upwelling/mixing dip, autumn cooling), fitted by 3 harmonics.
MONTHLY_SST = np.array([26.7, 26.4, 27.0, 28.4, 29.6, 29.7, 29.2, 28.9, 29.0, 28.9, 28.2, 27.3])
_HARMONICS = 3


def _fit_harmonics(monthly: np.ndarray, n: int) -> np.ndarray:
    phase = 2 * np.pi * (np.arange(12) + 0.5) / 12
    design = np.column_stack([np.ones(12)] + [f(k * phase) for k in range(1, n + 1) for f in (np.cos, np.sin)])
    coefficients, *_ = np.linalg.lstsq(design, monthly, rcond=None)
    return coefficients


_SEASONAL = _fit_harmonics(MONTHLY_SST, _HARMONICS)


def year_fraction(t: np.ndarray) -> np.ndarray:
    """Fraction of the year (0 at 1 January) of times ``t`` (days since 2000-01-01)."""
    return np.mod(t, DAYS_PER_YEAR) / DAYS_PER_YEAR


def seasonal_cycle(t: np.ndarray) -> np.ndarray:
    """Domain-mean SST (degC) at times ``t``, shape of ``t``."""
    phase = 2 * np.pi * year_fraction(t)
    value = np.full_like(phase, _SEASONAL[0], dtype="float64")
    for k in range(1, _HARMONICS + 1):
        value += _SEASONAL[2 * k - 1] * np.cos(k * phase) + _SEASONAL[2 * k] * np.sin(k * phase)
    return value


def meridional_gradient(t: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Winter north-south gradient (north cooler, up to -0.25 degC/deg in January, ~0 in summer)."""
    strength = -0.25 * 0.5 * (1 + np.cos(2 * np.pi * (year_fraction(t) - 0.02)))
    return strength * (lat - 14.0)


@dataclass(frozen=True)
class UpwellingShape:
    """Summer cold tongue off the Vietnamese coast: a plume leaving the coast near (lat0, lon0) to the NE."""

    amplitude: float = -1.6  # degC at the core, at the peak of the season
    lat0: float = 11.9
    lon0: float = 109.5
    slope: float = 0.35  # degrees of latitude per degree of longitude along the axis
    e_folding_lon: float = 1.8  # decay along the axis (degrees of longitude)
    half_width: float = 0.5  # cross-axis e-folding (degrees of latitude)
    peak: float = 0.57  # year fraction of the seasonal maximum (late July)
    season_width: float = 0.09  # year fraction


def upwelling(t: np.ndarray, lat: np.ndarray, lon: np.ndarray, shape: UpwellingShape) -> np.ndarray:
    """Cold-tongue anomaly (degC), broadcast over (t, lat, lon)."""
    season = np.exp(-(((year_fraction(t) - shape.peak) / shape.season_width) ** 2))
    along = np.clip(lon - shape.lon0, 0.0, None)
    axis_lat = shape.lat0 + shape.slope * along
    pattern = np.exp(-along / shape.e_folding_lon) * np.exp(-(((lat - axis_lat) / shape.half_width) ** 2))
    return shape.amplitude * season * pattern


@dataclass(frozen=True)
class Eddies:
    """A catalogue of Gaussian mesoscale eddies: birth time, lifetime, start position, drift, amplitude, radius."""

    birth: np.ndarray  # days since 2000-01-01
    lifetime: np.ndarray  # days
    lat0: np.ndarray
    lon0: np.ndarray
    drift_lat: np.ndarray  # degrees per day
    drift_lon: np.ndarray  # degrees per day (westward: negative)
    amplitude: np.ndarray  # degC (warm > 0, cold < 0)
    radius: np.ndarray  # degrees (Gaussian e-folding scale)


EDDIES_PER_YEAR = 45


def eddy_catalogue(seed: int, box: Box, years: range) -> Eddies:
    """Eddies born in the given years (each year's eddies come from their own seeded stream)."""
    parts = []
    for year in years:
        rng = np.random.default_rng([seed, 1, year])
        start = days_since_epoch([pd.Timestamp(year=year, month=1, day=1)])[0] - 100.0
        n = EDDIES_PER_YEAR
        parts.append(
            {
                "birth": start + rng.uniform(0.0, DAYS_PER_YEAR, n),
                "lifetime": rng.uniform(50.0, 150.0, n),
                "lat0": rng.uniform(box.lat_min - 1.5, box.lat_max + 1.5, n),
                "lon0": rng.uniform(box.lon_min, box.lon_max + 4.0, n),
                "drift_lat": rng.uniform(-0.01, 0.01, n),
                "drift_lon": -rng.uniform(0.02, 0.06, n),
                "amplitude": rng.choice([-1.0, 1.0], n) * rng.uniform(0.3, 0.8, n),
                "radius": rng.uniform(0.35, 0.7, n),
            }
        )
    return Eddies(**{key: np.concatenate([p[key] for p in parts]) for key in parts[0]})


def days_since_epoch(times: pd.DatetimeIndex) -> np.ndarray:
    """The twin's time axis ``t``: days (float) since 2000-01-01 00:00 UTC of ``times``."""
    return np.asarray((pd.DatetimeIndex(times) - EPOCH) / pd.Timedelta(days=1), dtype="float64")


@dataclass(frozen=True)
class EddyView:
    """How a product sees the eddies: position offset (deg), amplitude factor, extra smoothing scale (deg)."""

    dlat: float = 0.0
    dlon: float = 0.0
    amplitude_factor: float = 1.0
    smoothing: float = 0.0


def eddy_field(
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    eddies: Eddies,
    view: EddyView,
    shift: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Sum of the eddies alive at times ``t`` (T,), on the grid ``lat`` (H,) x ``lon`` (W,): (T, H, W) degC.

    An eddy's amplitude rises and decays as sin(pi * age / lifetime). Smoothing by a Gaussian of scale s widens
    an eddy of radius R to sqrt(R^2 + s^2) and scales its amplitude by R^2 / (R^2 + s^2) (2-D convolution).
    ``shift`` (latitude, longitude offsets, each (n_eddies, T) degrees) moves each eddy further at each time
    (a forecast run's drift error, :mod:`sstbias.twin.runs`).
    """
    out = np.zeros((t.size, lat.size, lon.size))
    cos_lat = np.cos(np.deg2rad(lat))[:, None]
    for i in range(eddies.birth.size):
        age = t - eddies.birth[i]
        alive = (age > 0) & (age < eddies.lifetime[i])
        if not alive.any():
            continue
        radius2 = eddies.radius[i] ** 2 + view.smoothing**2
        amplitude = eddies.amplitude[i] * view.amplitude_factor * eddies.radius[i] ** 2 / radius2
        for k in np.flatnonzero(alive):
            centre_lat = eddies.lat0[i] + eddies.drift_lat[i] * age[k] + view.dlat
            centre_lon = eddies.lon0[i] + eddies.drift_lon[i] * age[k] + view.dlon
            if shift is not None:
                centre_lat = centre_lat + shift[0][i, k]
                centre_lon = centre_lon + shift[1][i, k]
            distance2 = (lat[:, None] - centre_lat) ** 2 + ((lon[None, :] - centre_lon) * cos_lat) ** 2
            envelope = np.sin(np.pi * age[k] / eddies.lifetime[i])
            out[k] += amplitude * envelope * np.exp(-distance2 / (2 * radius2))
    return out
