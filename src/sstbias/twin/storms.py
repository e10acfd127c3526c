"""Typhoon cold wakes of the twin ocean (scenario ``realistic``): seeded straight tracks across the box.

A tropical cyclone mixes cold thermocline water into the surface layer along its track: the SST drops by 1-3 degC
in a band a few hundred kilometres wide, a little to the right of the track (Northern Hemisphere), within about a
day of the passage, and recovers over one to three weeks. A point's passage time follows from its along-track
distance and the storm's speed, so the wake is a closed-form function of time and position. Time ``t`` is in days
since 2000-01-01 (:func:`sstbias.twin.fields.days_since_epoch`), positions in degrees; fields broadcast as
(time, lat, lon).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sstbias.grid import Box
from sstbias.twin.fields import days_since_epoch

# Day of year of each storm's passage through the box, before a seeded jitter: the South China Sea season from
# June to December, densest from October (the last slot is the season of Super Typhoon Rai, 19 December 2021).
STORM_SLOTS_DOY = (170.0, 205.0, 235.0, 262.0, 290.0, 312.0, 333.0, 352.0)
SLOT_JITTER_DAYS = 6.0
ONSET_DAYS = 0.5  # e-folding time of the cooling after the passage (mixing takes about a day)
STORM_INSET_DEG = 0.5  # a track's reference point lies this far inside the box (degrees)
RECOVERED_E_FOLDINGS = 12.0  # a wake ends this many recovery times after the passage (below 1e-5 of its depth)


@dataclass(frozen=True)
class Storms:
    """A catalogue of storms, one value per storm: passage through a reference point, heading, speed, wake."""

    passage: np.ndarray  # days since 2000-01-01 at the reference point
    lat0: np.ndarray  # reference point on the track (degrees)
    lon0: np.ndarray
    heading: np.ndarray  # direction of motion, radians counter-clockwise from east
    speed: np.ndarray  # degrees per day
    depth: np.ndarray  # degC of cooling at the wake's core, before recovery
    width: np.ndarray  # Gaussian cross-track scale of the wake (degrees)
    recovery: np.ndarray  # e-folding recovery time (days)


def storm_catalogue(seed: int, box: Box, years: range) -> Storms:
    """One storm per slot of :data:`STORM_SLOTS_DOY` in each year, each year from its own seeded stream.

    Each track passes through a reference point drawn inside the box, 0.5 degrees from its edges (a quarter of
    the box's span from them when the box is narrower than 2 degrees).
    """
    inset_lat = min(STORM_INSET_DEG, (box.lat_max - box.lat_min) / 4)
    inset_lon = min(STORM_INSET_DEG, (box.lon_max - box.lon_min) / 4)
    parts = []
    n = len(STORM_SLOTS_DOY)
    for year in years:
        rng = np.random.default_rng([seed, 4, year])
        new_year = days_since_epoch([pd.Timestamp(year=year, month=1, day=1)])[0]
        parts.append(
            {
                "passage": new_year + np.array(STORM_SLOTS_DOY) + rng.uniform(-SLOT_JITTER_DAYS, SLOT_JITTER_DAYS, n),
                "lat0": rng.uniform(box.lat_min + inset_lat, box.lat_max - inset_lat, n),
                "lon0": rng.uniform(box.lon_min + inset_lon, box.lon_max - inset_lon, n),
                "heading": np.deg2rad(rng.uniform(150.0, 200.0, n)),  # west-north-west to west-south-west
                "speed": rng.uniform(3.0, 5.0, n),  # ~4-6.5 m/s
                "depth": rng.uniform(1.0, 3.0, n),
                "width": rng.uniform(0.5, 0.8, n),
                "recovery": rng.uniform(5.0, 10.0, n),
            }
        )
    return Storms(**{key: np.concatenate([p[key] for p in parts]) for key in parts[0]})


@dataclass(frozen=True)
class WakeView:
    """How a product sees the wakes: depth factor, recovery-time factor, cross-track offset to the right (deg)."""

    depth_factor: float = 1.0
    recovery_factor: float = 1.0
    offset: float = 0.3


def wake_field(t: np.ndarray, lat: np.ndarray, lon: np.ndarray, storms: Storms, view: WakeView) -> np.ndarray:
    """Sum of the storms' cold wakes at times ``t`` (T,) on ``lat`` (H,) x ``lon`` (W,): (T, H, W) degC (<= 0).

    At a point passed at time t_p, the anomaly is -depth * (1 - exp(-a / 0.5)) * exp(-a / recovery) for the age
    a = t - t_p > 0, times a Gaussian of the distance to the line ``offset`` to the right of the track.
    """
    out = np.zeros((t.size, lat.size, lon.size))
    cos_lat = np.cos(np.deg2rad(lat))[:, None]
    for i in range(storms.passage.size):
        recovery = storms.recovery[i] * view.recovery_factor
        x = (lon[None, :] - storms.lon0[i]) * cos_lat
        y = lat[:, None] - storms.lat0[i]
        along = x * np.cos(storms.heading[i]) + y * np.sin(storms.heading[i])
        right = x * np.sin(storms.heading[i]) - y * np.cos(storms.heading[i])
        crossing = float(np.abs(along).max()) / storms.speed[i]  # days from the reference point to the grid's edge
        if (
            storms.passage[i] - crossing > t.max()
            or storms.passage[i] + RECOVERED_E_FOLDINGS * recovery + crossing < t.min()
        ):
            continue  # it would add exact zeros only: skipping it keeps a day's values independent of the window
        band = np.exp(-((right - view.offset) ** 2) / (2 * storms.width[i] ** 2))
        age = t[:, None, None] - (storms.passage[i] + along / storms.speed[i])[None]
        age = np.clip(age, 0.0, None)
        envelope = (1.0 - np.exp(-age / ONSET_DAYS)) * np.exp(-age / recovery)
        envelope[age > RECOVERED_E_FOLDINGS * recovery] = 0.0
        out -= storms.depth[i] * view.depth_factor * envelope * band[None]
    return out


def storms_in(storms: Storms, box: Box, first: pd.Timestamp, last: pd.Timestamp) -> int:
    """Number of storms whose reference passage inside ``box`` falls on the days ``first`` .. ``last``."""
    start, end = days_since_epoch([first, last + pd.Timedelta(days=1)])
    inside = (storms.lat0 >= box.lat_min) & (storms.lat0 <= box.lat_max)
    inside &= (storms.lon0 >= box.lon_min) & (storms.lon0 <= box.lon_max)
    return int(np.sum(inside & (storms.passage >= start) & (storms.passage < end)))
