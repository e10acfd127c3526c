"""Error components of the twin that are not a change of the resolved truth's shape.

- ``systematic_bias``: the forecast's warm bias varying in space and with the season (predictable);
- ``diurnal_cycle``: the 3-hourly forecast's diurnal warming (zero in a daily mean of the 8 steps);
- ``RandomError``: seeded random plane waves travelling in space and time, with spatial (~150-400 km) and
  temporal (~4-20 days) correlation; the twin uses it as the observed ocean's unresolved variability, absent
  from the forecast and therefore unpredictable from it. Evaluable at any time, so months are independent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sstbias.twin.fields import year_fraction


@dataclass(frozen=True)
class BiasShape:
    """Parameters of the systematic bias (degC)."""

    mean: float = 0.10
    seasonal: float = 0.12  # amplitude of the annual harmonic
    seasonal_peak: float = 0.90  # year fraction of the warmest bias (late November)
    north_south: float = 0.20  # degC per 2 degrees of latitude (north warmer)
    east_west: float = 0.36  # amplitude of a zonal wave across the box


def systematic_bias(t: np.ndarray, lat: np.ndarray, lon: np.ndarray, shape: BiasShape) -> np.ndarray:
    """Bias (degC) broadcast over (t, lat, lon)."""
    season = shape.seasonal * np.cos(2 * np.pi * (year_fraction(t) - shape.seasonal_peak))
    spatial = shape.north_south * (lat - 14.0) / 2.0 + shape.east_west * np.sin(np.pi * (lon - 110.0) / 3.0)
    return shape.mean + season + spatial


def diurnal_cycle(t: np.ndarray, lon: np.ndarray, amplitude: float = 0.15) -> np.ndarray:
    """Diurnal warming (degC) peaking at 14:00 local solar time; ``t`` in days (UTC), broadcast over (t, lon)."""
    local_hour = np.mod(t * 24.0 + lon / 15.0, 24.0)
    return amplitude * np.cos(2 * np.pi * (local_hour - 14.0) / 24.0)


@dataclass(frozen=True)
class RandomError:
    """Sum of random travelling waves a_k cos(kx*lon + ky*lat - w*t + phase), RMS ``rms`` degC."""

    kx: np.ndarray
    ky: np.ndarray
    omega: np.ndarray
    phase: np.ndarray
    amplitude: np.ndarray

    @classmethod
    def from_seed(cls, seed: int, rms: float, n_modes: int = 48) -> RandomError:
        """Modes with wavelengths 1.4-3.6 deg, periods 4-20 days, random directions and phases."""
        rng = np.random.default_rng([seed, 2])
        wavelength = rng.uniform(1.4, 3.6, n_modes)
        direction = rng.uniform(0, 2 * np.pi, n_modes)
        wavenumber = 2 * np.pi / wavelength
        period = rng.uniform(4.0, 20.0, n_modes)
        weights = rng.rayleigh(1.0, n_modes)
        amplitude = rms * np.sqrt(2.0) * weights / np.sqrt(np.sum(weights**2))
        return cls(
            kx=wavenumber * np.cos(direction),
            ky=wavenumber * np.sin(direction),
            omega=2 * np.pi / period,
            phase=rng.uniform(0, 2 * np.pi, n_modes),
            amplitude=amplitude,
        )

    def __call__(self, t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """The error (degC) on times ``t`` (T,) x ``lat`` (H,) x ``lon`` (W,): (T, H, W)."""
        out = np.zeros((t.size, lat.size, lon.size))
        for k in range(self.kx.size):
            # cos(a + b + c) expanded so each factor is evaluated on its own axis only
            a = self.ky[k] * lat[None, :, None]
            b = self.kx[k] * lon[None, None, :]
            c = -self.omega[k] * t[:, None, None] + self.phase[k]
            out += self.amplitude[k] * np.cos(a + b + c)
        return out
