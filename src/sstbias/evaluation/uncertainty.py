"""Uncertainty of the verification scores from per-day error sums.

Test days are serially correlated (SST errors persist for days), so resampling single days would understate the
uncertainty. The circular block bootstrap (Politis and Romano 1992; ``arch.bootstrap.CircularBlockBootstrap``)
resamples blocks of ``block_length`` consecutive test days, a block running past the last test day continuing at
the first, and gives percentile confidence intervals for a model's RMSE and, paired on the same resampled days,
for its improvement over ``raw``. The optimal circular block length of each model's daily MSE series (Politis and
White 2004, corrected by Patton, Politis and White 2009; ``arch.bootstrap.optimal_block_length``) is reported
beside it, to check the configured block length against.

The Diebold-Mariano test compares two models' daily mean squared errors with the small-sample correction of
Harvey, Leybourne and Newbold (1997) (``scores.stats.statistical_tests.diebold_mariano``, method HLN): the
long-run variance sums the autocovariances of the loss difference up to lag ``horizon - 1`` with equal weights,
the statistic is multiplied by sqrt((n + 1 - 2h + h(h - 1)/n) / n) and referred to Student's t with n - 1 degrees
of freedom; its p-value is two-sided. The tables use ``horizon = block_length``.

Per-day sums (one row per test day): ``n`` ocean cells, ``sse`` sum of squared errors (degC^2). A seeded model
has one frame per seed; its scores are means over seeds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from arch.bootstrap import CircularBlockBootstrap, optimal_block_length
from scipy import stats
from scores.stats.statistical_tests import diebold_mariano as scores_diebold_mariano

from sstbias.experiments.catalog import BASELINES, ORACLES

log = logging.getLogger("sstbias.evaluation.uncertainty")


def circular_block_bootstrap_indices(n_days: int, block_length: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n_days) day indices of circular block bootstrap samples, drawn by ``arch``.

    Each sample is ceil(n_days / block_length) blocks of consecutive days with uniformly drawn starts, taken
    modulo ``n_days`` and cut to ``n_days`` days.
    """
    if n_days < 1 or block_length < 1:
        raise ValueError("need at least one day and a block length of at least 1")
    bootstrap = CircularBlockBootstrap(block_length, np.arange(n_days), seed=np.random.default_rng(seed))
    return np.stack([positional[0] for positional, _ in bootstrap.bootstrap(resamples)])


def resampled_rmse(daily: pd.DataFrame, indices: np.ndarray) -> np.ndarray:
    """RMSE (degC) of each bootstrap sample from per-day ``n`` and ``sse``: shape (resamples,)."""
    sse = daily["sse"].to_numpy()[indices].sum(axis=1)
    n = daily["n"].to_numpy()[indices].sum(axis=1)
    return np.sqrt(sse / n)


def percentile_interval(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    """The central ``confidence`` percentile interval of ``samples``."""
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(samples, [tail, 100 - tail])
    return float(low), float(high)


def daily_mse(daily: pd.DataFrame) -> np.ndarray:
    """The mean squared error (degC^2) of each day: ``sse / n``."""
    return daily["sse"].to_numpy() / daily["n"].to_numpy()


def diebold_mariano(daily_a: pd.DataFrame, daily_b: pd.DataFrame, horizon: int) -> tuple[float, float]:
    """(statistic, two-sided p-value) of the Harvey-Leybourne-Newbold corrected Diebold-Mariano test for equal
    daily MSE of models a and b (negative: a is better).

    Autocovariances of the daily loss difference enter up to lag ``horizon - 1`` (at most n - 2); NaN for fewer
    than 3 days, a difference that is zero every day or a long-run variance estimate that is not positive.
    """
    loss = daily_mse(daily_a) - daily_mse(daily_b)
    n = loss.size
    if n < 3 or not np.any(loss):
        return float("nan"), float("nan")
    series = xr.DataArray(loss[None, :], dims=("pair", "day"), coords={"h": ("pair", [min(horizon, n - 1)])})
    statistic = float(
        scores_diebold_mariano(series, "pair", "h", method="HLN", statistic_distribution="t")["dm_test_stat"][0]
    )
    if not np.isfinite(statistic):
        return float("nan"), float("nan")
    return statistic, float(2 * stats.t.sf(abs(statistic), n - 1))


def circular_block_length(series: np.ndarray) -> float:
    """The optimal block length (days) of the circular block bootstrap for ``series`` (Politis-White / Patton);
    NaN for fewer than 3 days or a constant series."""
    if series.size < 3:
        return float("nan")
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(optimal_block_length(series)["circular"].iloc[0])


def seed_mean_rmse(runs: Sequence[pd.DataFrame], indices: np.ndarray | None = None) -> np.ndarray | float:
    """Mean over a model's seeds of each seed's RMSE (degC), on all days or on each bootstrap sample of ``indices``."""
    if indices is None:
        return float(np.mean([np.sqrt(frame["sse"].sum() / frame["n"].sum()) for frame in runs]))
    return np.mean([resampled_rmse(frame, indices) for frame in runs], axis=0)


def seed_mean_daily(runs: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Per-day sums whose ``sse`` is the mean over a model's seeds (the daily loss of a run with a random seed)."""
    mean = runs[0][["date", "n"]].copy()
    mean["sse"] = np.mean([frame["sse"].to_numpy() for frame in runs], axis=0)
    return mean


def score_uncertainty(
    daily: dict[str, Sequence[pd.DataFrame]], block_length: int, resamples: int, confidence: float, seed: int
) -> pd.DataFrame:
    """Per model: RMSE interval, improvement-over-raw interval, DM tests against raw and against the best baseline.

    ``daily`` maps model name -> its runs' per-day sums (columns date, n, sse; one frame per seed) on the same test
    days, ``raw`` included. The scored statistic is the mean over seeds of the RMSE (the tables' point value); the
    bootstrap resamples the same days for every run, so seed spread and day sampling are kept apart (the seed
    spread is the tables' ``rmse_sd``). The DM tests compare the seed-mean daily MSE: ``dm_vs_raw_*`` with the raw
    forecast, ``dm_*`` with ``compared_with``, the best baseline: the model of
    ``sstbias.experiments.catalog.BASELINES`` (raw
    included) with the lowest RMSE. Raw gets no test against itself, the best baseline none against itself, the
    twin's hindsight references (``static_oracle``, ``floor``) none. ``optimal_block_length`` is the circular
    bootstrap's optimal block length (days) of the model's seed-mean daily MSE.
    """
    reference_days = daily["raw"][0]["date"].tolist()
    for name, runs in daily.items():
        if not runs or any(frame["date"].tolist() != reference_days for frame in runs):
            raise ValueError(f"{name}: per-day errors are not on the raw forecast's test days")
    indices = circular_block_bootstrap_indices(len(reference_days), block_length, resamples, seed)
    samples = {name: seed_mean_rmse(runs, indices) for name, runs in daily.items()}
    point = {name: seed_mean_rmse(runs) for name, runs in daily.items()}
    losses = {name: seed_mean_daily(runs) for name, runs in daily.items()}
    best = min((name for name in daily if name in BASELINES), key=point.get)
    rows = []
    for name in daily:
        rmse_low, rmse_high = percentile_interval(samples[name], confidence)
        improvement = 100 * (samples["raw"] - samples[name]) / samples["raw"]
        gain_low, gain_high = (np.nan, np.nan) if name == "raw" else percentile_interval(improvement, confidence)
        tested = name not in ORACLES
        vs_raw = (
            diebold_mariano(losses[name], losses["raw"], block_length) if tested and name != "raw" else (np.nan,) * 2
        )
        vs_best = (
            diebold_mariano(losses[name], losses[best], block_length) if tested and name != best else (np.nan,) * 2
        )
        rows.append(
            {
                "model": name,
                "rmse_ci_low": rmse_low,
                "rmse_ci_high": rmse_high,
                "improvement_ci_low": gain_low,
                "improvement_ci_high": gain_high,
                "optimal_block_length": circular_block_length(daily_mse(losses[name])),
                "dm_vs_raw_statistic": vs_raw[0],
                "dm_vs_raw_p_value": vs_raw[1],
                "compared_with": best if tested and name != best else "",
                "dm_statistic": vs_best[0],
                "dm_p_value": vs_best[1],
            }
        )
    table = pd.DataFrame(rows)
    log.info(
        "circular block bootstrap, blocks of %d test days; optimal block length of the daily MSE (days): %s",
        block_length,
        ", ".join(f"{row.model} {row.optimal_block_length:.1f}" for row in table.itertuples()),
    )
    return table
