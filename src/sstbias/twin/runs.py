"""Forecast runs of the twin: the 3-hourly SST of a run analysed at 12 UTC, at any tau, and each lead's floor.

A run starts from the analysis: its model state at and before the analysis time a is the state of today's
best-time-series forecast (:meth:`sstbias.twin.generate.TwinOcean.forecast`), so its tau-0 step is that forecast's
step exactly. After a (forecast length s = t - a > 0, days) four errors grow with s (docs/twin.md, "Forecast runs"):

- eddy drift: each eddy of the run moves ``eddy_drift`` deg/day further off, in a direction drawn per run and eddy;
- bias drift: the assimilated (small) bias relaxes toward the free model's own climate bias, (1 - e^(-s/tau_b));
- storms after the analysis: at a point the storm passes dt = t_p - a > 0 after the analysis, the run's wake is
  off track by z_x * ``track_error`` * dt degrees and mistimed by z_t * ``timing_error`` * dt days (z_x, z_t standard
  normal per run and storm); a storm that forms after the analysis is missing from the run with probability
  ``missed_genesis``;
- the over-response of the too-thin mixed layer acts on the run's own changes, so it amplifies all of these.

The unpredictable part stays in the observation. A corrector of lead L sees the run and the analyses up to a only:
the storm errors' random draws are unknowable to it, so each lead's floor (:func:`lead_unpredictable`) adds to the
observation's unpredictable part the true wake minus its best estimate given the run (the true wake smoothed by the
track and timing error distributions, centred on the run's track; zero for a storm the run misses).
Times ``t`` are days since 2000-01-01 (:func:`sstbias.twin.fields.days_since_epoch`); fields are (time, lat, lon).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.special import log_ndtr

from sstbias.data.leads import ANALYSIS_HOUR, RUN_HOURS, STEP_HOURS
from sstbias.grid import AnalysisGrid, Box
from sstbias.twin.fields import days_since_epoch, eddy_field, meridional_gradient, seasonal_cycle, upwelling
from sstbias.twin.forecast_error import BiasShape, diurnal_cycle, systematic_bias
from sstbias.twin.generate import HYCOM_DLAT, HYCOM_DLON, OISST_STEP, TwinOcean, axis, is_land, to_analysis_grid
from sstbias.twin.scenarios import TwinParameters, scenario_parameters
from sstbias.twin.storms import ONSET_DAYS, RECOVERED_E_FOLDINGS, STORM_SLOTS_DOY, Storms, WakeView

HOURS_PER_DAY = 24


@dataclass(frozen=True)
class RunErrors:
    """The errors of a forecast run that grow with forecast length (docs/twin.md, calibrated there)."""

    eddy_drift: float = 0.08  # deg/day: growth of each eddy's position error
    bias_drift: BiasShape = field(
        default_factory=lambda: BiasShape(mean=0.10, seasonal=0.04, north_south=0.08, east_west=0.10)
    )
    bias_days: float = 10.0  # e-folding time (days) of the drift toward the model's climate bias
    track_error: float = 0.25  # deg of cross-track error per day between analysis and passage (1 sigma)
    timing_error: float = 0.10  # days of passage-time error per day between analysis and passage (1 sigma)
    genesis_days: tuple[float, float] = (2.0, 5.0)  # a storm forms this long before its reference passage
    missed_genesis: float = 0.5  # probability that a run misses a storm that forms after its analysis


@dataclass(frozen=True)
class StormDraws:
    """One run's random storm errors, one value per storm: present in the run, track and timing z-scores."""

    present: np.ndarray
    track: np.ndarray
    timing: np.ndarray


def run_day(analysis: float) -> int:
    """The integer day (since 2000-01-01) of an analysis time ``analysis`` (days): the seed of its draws."""
    return int(np.floor(analysis))


class ForecastRuns:
    """Forecast runs of the twin for one config on the grid ``lat`` x ``lon``; the model state before the
    analysis times is cached, so consecutive runs (in time order) share it."""

    def __init__(
        self,
        seed: int,
        box: Box,
        years: range,
        lat: np.ndarray,
        lon: np.ndarray,
        parameters: TwinParameters | None = None,
        errors: RunErrors | None = None,
    ) -> None:
        self.ocean = TwinOcean(seed, box, years, parameters)
        self.lat, self.lon = lat, lon
        self.errors = errors or RunErrors()
        around = range(years.start - 1, years.stop + 1)
        self.genesis = None
        if self.ocean.storms is not None:
            low, high = self.errors.genesis_days
            ahead = [np.random.default_rng([seed, 6, y]).uniform(low, high, len(STORM_SLOTS_DOY)) for y in around]
            self.genesis = self.ocean.storms.passage - np.concatenate(ahead)
        self._past: dict[int, np.ndarray] = {}

    def storm_draws(self, analysis: float) -> StormDraws:
        """The storm errors of the run analysed at ``analysis`` (days); needs storms."""
        n = self.genesis.size
        rng = np.random.default_rng([self.ocean.seed, 7, run_day(analysis)])
        z = rng.standard_normal((n, 2))
        missed = (self.genesis > analysis) & (rng.uniform(size=n) < self.errors.missed_genesis)
        return StormDraws(present=~missed, track=z[:, 0], timing=z[:, 1])

    def steps(self, analysis: pd.Timestamp, taus: Sequence[int]) -> np.ndarray:
        """SST (len(taus), H, W) degC of the run analysed at ``analysis`` (12 UTC) at ``taus`` (hours), before land
        masking; tau 0 is today's forecast at the analysis time, bit for bit."""
        if analysis.hour != ANALYSIS_HOUR or analysis != analysis.floor("h"):
            raise ValueError(f"analysis {analysis}: a GOFS 3.1 run is analysed at {ANALYSIS_HOUR:02d} UTC")
        bad = [tau for tau in taus if tau % STEP_HOURS or not 0 <= tau <= RUN_HOURS]
        if bad:
            raise ValueError(f"taus {bad}: a run's steps are 0, {STEP_HOURS}, ..., {RUN_HOURS} hours")
        a = days_since_epoch([analysis])[0]
        base = int(round(a * HOURS_PER_DAY))
        error = self.ocean.p.state_error
        lags = range(error.days + 1) if error.gain else range(1)
        needed = sorted({tau - HOURS_PER_DAY * k for tau in taus for k in lags})
        self._fill_past(base, [h for h in needed if h <= 0], rounded=bool(error.gain))
        states = {h: self._past[base + h] for h in needed if h <= 0}
        future = np.array([h for h in needed if h > 0])
        if future.size:
            values = self._run_state(a, (base + future) / HOURS_PER_DAY)
            states.update(zip(future.tolist(), values, strict=True))
        t = (base + np.asarray(taus)) / HOURS_PER_DAY
        out = np.empty((len(taus), self.lat.size, self.lon.size))
        for index, tau in enumerate(taus):
            state = states[tau]
            if error.gain:
                earlier = np.stack([states[tau - HOURS_PER_DAY * k] for k in lags[1:]])
                state = state + error.gain * (state - earlier.mean(axis=0))
            out[index] = state
        return out + diurnal_cycle(t[:, None, None], self.lon[None, None, :], self.ocean.p.diurnal_amplitude)

    def _fill_past(self, base: int, hours: list[int], rounded: bool) -> None:
        """Cache the best-time-series model state at ``base`` + ``hours`` (hours since 2000-01-01), evaluated on the
        times :meth:`TwinOcean.forecast` uses (rounded to 1e-9 days with the over-response); drop older ones."""
        missing = sorted({base + h for h in hours} - set(self._past))
        if missing:
            t = np.asarray(missing) / HOURS_PER_DAY
            values = self.ocean.model_state(np.round(t, 9) if rounded else t, self.lat, self.lon)
            self._past.update(zip(missing, values, strict=True))
        oldest = base + min(hours, default=0)
        for key in [key for key in self._past if key < oldest]:
            del self._past[key]

    def _run_state(self, a: float, t: np.ndarray) -> np.ndarray:
        """The run's model state (T, H, W) degC at times ``t`` > ``a`` (days), without the over-response and the
        diurnal cycle."""
        p, e = self.ocean.p, self.errors
        s = t - a
        t3, lat3, lon3 = t[:, None, None], self.lat[None, :, None], self.lon[None, None, :]
        lagged = t - p.lag_days
        l3 = lagged[:, None, None]
        eddies = self.ocean.eddies
        direction = np.random.default_rng([self.ocean.seed, 5, run_day(a)]).uniform(0, 2 * np.pi, eddies.birth.size)
        distance = e.eddy_drift * s
        shift = (np.sin(direction)[:, None] * distance[None], np.cos(direction)[:, None] * distance[None])
        state = (
            seasonal_cycle(l3)
            + meridional_gradient(l3, lat3)
            + upwelling(l3, lat3, lon3, p.forecast_upwelling)
            + eddy_field(lagged, self.lat, self.lon, eddies, p.forecast_eddies, shift)
        )
        drift = (1.0 - np.exp(-s / e.bias_days))[:, None, None]
        state += systematic_bias(t3, lat3, lon3, p.bias) + drift * systematic_bias(t3, lat3, lon3, e.bias_drift)
        if self.ocean.storms is not None:
            state += run_wake_field(
                t, self.lat, self.lon, self.ocean.storms, p.forecast_wakes, a, self.storm_draws(a), e
            )
        return state


def _track_frame(storms: Storms, i: int, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Storm ``i``'s passage time (days) at each point of the grid and its distance to the right of the track
    (degrees), each (H, W)."""
    cos_lat = np.cos(np.deg2rad(lat))[:, None]
    x = (lon[None, :] - storms.lon0[i]) * cos_lat
    y = lat[:, None] - storms.lat0[i]
    along = x * np.cos(storms.heading[i]) + y * np.sin(storms.heading[i])
    right = x * np.sin(storms.heading[i]) - y * np.cos(storms.heading[i])
    return storms.passage[i] + along / storms.speed[i], right


def _outside(passage: np.ndarray, recovery: float, t: np.ndarray, margin: float) -> bool:
    """Whether a wake passing at ``passage`` (H, W) is zero at every time ``t``, ``margin`` days either side."""
    return passage.min() - margin > t.max() or passage.max() + RECOVERED_E_FOLDINGS * recovery + margin < t.min()


def run_wake_field(
    t: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    storms: Storms,
    view: WakeView,
    analysis: float,
    draws: StormDraws,
    errors: RunErrors,
) -> np.ndarray:
    """The cold wakes (T, H, W) degC of the run analysed at ``analysis`` (days), as
    :func:`sstbias.twin.storms.wake_field` with ``view``, each storm off track and mistimed in proportion to the
    time between the analysis and its passage at each point, and without the storms the run misses."""
    out = np.zeros((t.size, lat.size, lon.size))
    for i in np.flatnonzero(draws.present):
        recovery = storms.recovery[i] * view.recovery_factor
        passage, right = _track_frame(storms, i, lat, lon)
        ahead = np.clip(passage - analysis, 0.0, None)
        passage = passage + draws.timing[i] * errors.timing_error * ahead
        if _outside(passage, recovery, t, 0.0):
            continue
        centre = view.offset + draws.track[i] * errors.track_error * ahead
        band = np.exp(-((right - centre) ** 2) / (2 * storms.width[i] ** 2))
        age = np.clip(t[:, None, None] - passage[None], 0.0, None)
        envelope = (1.0 - np.exp(-age / ONSET_DAYS)) * np.exp(-age / recovery)
        envelope[age > RECOVERED_E_FOLDINGS * recovery] = 0.0
        out -= storms.depth[i] * view.depth_factor * envelope * band[None]
    return out


def _expected_envelope(age: np.ndarray, recovery: float, spread: np.ndarray) -> np.ndarray:
    """E[envelope(age - u)], u ~ N(0, spread^2): the wake's time envelope (1 - e^(-a/onset)) e^(-a/recovery), a > 0,
    smoothed by a timing error; exact (with the recovered cut-off) where ``spread`` is 0. Shapes broadcast."""
    exact_age = np.clip(age, 0.0, None)
    exact = (1.0 - np.exp(-exact_age / ONSET_DAYS)) * np.exp(-exact_age / recovery)
    exact = np.where(exact_age > RECOVERED_E_FOLDINGS * recovery, 0.0, exact)
    s = np.where(spread > 0, spread, 1.0)
    smooth = 0.0
    for sign, rate in ((1.0, 1.0 / recovery), (-1.0, 1.0 / ONSET_DAYS + 1.0 / recovery)):
        # E[exp(-k (a - u)) 1(a - u > 0)] = exp(-k a + k^2 s^2 / 2) Phi(a / s - k s)
        smooth = smooth + sign * np.exp(-rate * age + 0.5 * (rate * s) ** 2 + log_ndtr(age / s - rate * s))
    return np.where(spread > 0, smooth, exact)


def unknowable_wake(runs: ForecastRuns, t: np.ndarray, lead: int, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """True wake - its best estimate from the run of lead ``lead`` (days), at the day centres ``t`` (T,) on
    ``lat`` x ``lon``: (T, H, W) degC. The estimate, for a storm in the run, is the true wake (its depth, width and
    recovery are learnable) smoothed by the cross-track and timing error distributions around the run's track and
    passage; for a storm the run misses, zero (its climatological expectation, small, is neglected)."""
    storms = runs.ocean.storms
    out = np.zeros((t.size, lat.size, lon.size))
    if storms is None or lead == 0:
        return out
    view, e = runs.ocean.p.true_wakes, runs.errors
    for k, centre_time in enumerate(t):
        analysis = centre_time - lead
        draws = runs.storm_draws(analysis)
        for i in range(storms.passage.size):
            recovery = storms.recovery[i] * view.recovery_factor
            passage, right = _track_frame(storms, i, lat, lon)
            ahead = np.clip(passage - analysis, 0.0, None)
            if not ahead.any() or _outside(passage, recovery, t[k : k + 1], 1.0 + e.timing_error * ahead.max() * 4):
                continue
            depth = storms.depth[i] * view.depth_factor
            width2 = storms.width[i] ** 2
            true = _expected_envelope(centre_time - passage, recovery, np.zeros_like(passage))
            true = true * np.exp(-((right - view.offset) ** 2) / (2 * width2))
            estimate = 0.0
            if draws.present[i]:
                track_spread2 = (e.track_error * ahead) ** 2
                run_passage = passage + draws.timing[i] * e.timing_error * ahead
                run_centre = view.offset + draws.track[i] * e.track_error * ahead
                envelope = _expected_envelope(centre_time - run_passage, recovery, e.timing_error * ahead)
                band = np.sqrt(width2 / (width2 + track_spread2))
                band = band * np.exp(-((right - run_centre) ** 2) / (2 * (width2 + track_spread2)))
                estimate = envelope * band
            out[k] -= depth * (true - estimate)
    return out


def lead_unpredictable(
    config: dict,
    lead: int,
    days: pd.DatetimeIndex,
    parameters: TwinParameters | None = None,
    errors: RunErrors | None = None,
) -> np.ndarray:
    """The part of observation - lead ``lead``'s daily forecast that no corrector of that lead can know, on the
    valid ``days`` and the config's analysis grid: (T, lat, lon) float32 degC. Lead 0 is the diagnostics'
    ``unpredictable_error`` of :func:`sstbias.twin.synthesize_month` bit for bit; each lead adds the storms'
    unknowable part (:func:`unknowable_wake`), interpolated from the OISST grid as the observation is."""
    box = Box.from_config(config["box"])
    raw_box = box.expanded(config.get("raw_margin_deg", 0.5))
    years = range(days[0].year, days[-1].year + 1)
    oisst_lat = axis(raw_box.lat_min, raw_box.lat_max, OISST_STEP, 0.125)
    oisst_lon = axis(raw_box.lon_min, raw_box.lon_max, OISST_STEP, 0.125)
    runs = ForecastRuns(
        config["twin"]["seed"],
        box,
        years,
        oisst_lat,
        oisst_lon,
        parameters or scenario_parameters(config["twin"]),
        errors,
    )
    unpredictable = runs.ocean.unpredictable(days, oisst_lat, oisst_lon)
    if lead:
        t = days_since_epoch(days) + 0.5
        unpredictable = unpredictable + unknowable_wake(runs, t, lead, oisst_lat, oisst_lon)
    grid = AnalysisGrid.from_config(config)
    return to_analysis_grid(oisst_lat, oisst_lon, unpredictable, grid).astype("float32")


def forecast_grid(config: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The native HYCOM grid of the config's raw box, as :func:`sstbias.twin.synthesize_month` writes it:
    (lat (H,) degrees north, lon (W,) degrees east, land mask (H, W) bool)."""
    raw_box = Box.from_config(config["box"]).expanded(config.get("raw_margin_deg", 0.5))
    lat = axis(raw_box.lat_min, raw_box.lat_max, HYCOM_DLAT)
    lon = axis(raw_box.lon_min, raw_box.lon_max, HYCOM_DLON)
    return lat, lon, is_land(lat, lon, scenario_parameters(config["twin"]).island)
