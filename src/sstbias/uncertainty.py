"""Uncertainty of the verification scores from per-day error sums.

Test days are serially correlated (SST errors persist for days), so resampling single days would understate the
uncertainty. The moving-block bootstrap resamples blocks of ``block_length`` consecutive test days (circularly)
and gives percentile confidence intervals for a model's RMSE and, paired on the same resampled days, for its
improvement over ``raw``. The Diebold-Mariano test compares two models' daily mean squared errors with a
Newey-West (Bartlett) long-run variance of lag ``block_length - 1``; its p-value is two-sided.

Per-day sums (one row per test day): ``n`` ocean cells, ``sse`` sum of squared errors (degC^2). A seeded model
has one frame per seed; its scores are means over seeds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sstbias.catalog import BASELINES, ORACLES


def block_bootstrap_indices(n_days: int, block_length: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n_days) day indices of circular moving-block bootstrap samples."""
    if n_days < 1 or block_length < 1:
        raise ValueError("need at least one day and a block length of at least 1")
    rng = np.random.default_rng(seed)
    n_blocks = math.ceil(n_days / block_length)
    starts = rng.integers(0, n_days, size=(resamples, n_blocks))
    offsets = np.arange(block_length)
    indices = (starts[:, :, None] + offsets[None, None, :]) % n_days
    return indices.reshape(resamples, -1)[:, :n_days]


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


def diebold_mariano(daily_a: pd.DataFrame, daily_b: pd.DataFrame, lag: int) -> tuple[float, float]:
    """(statistic, two-sided p-value) for equal daily MSE of models a and b (negative: a is better)."""
    loss = daily_a["sse"].to_numpy() / daily_a["n"].to_numpy() - daily_b["sse"].to_numpy() / daily_b["n"].to_numpy()
    n = loss.size
    centred = loss - loss.mean()
    variance = centred @ centred / n
    for k in range(1, min(lag, n - 1) + 1):
        variance += 2 * (1 - k / (lag + 1)) * (centred[k:] @ centred[:-k]) / n
    if variance <= 0:
        return float("nan"), float("nan")
    statistic = loss.mean() / math.sqrt(variance / n)
    return float(statistic), float(math.erfc(abs(statistic) / math.sqrt(2)))


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
    """Per model: RMSE interval, improvement-over-raw interval, and a DM test against the best baseline.

    ``daily`` maps model name -> its runs' per-day sums (columns date, n, sse; one frame per seed) on the same test
    days, ``raw`` included. The scored statistic is the mean over seeds of the RMSE (the tables' point value); the
    bootstrap resamples the same days for every run, so seed spread and day sampling are kept apart (the seed
    spread is the tables' ``rmse_sd``). The DM test compares the seed-mean daily MSE. The best baseline is the
    baseline (``sstbias.catalog.BASELINES`` other than raw) with the lowest RMSE; it and the twin's hindsight
    references (``static_oracle``, ``floor``) get no test.
    """
    reference_days = daily["raw"][0]["date"].tolist()
    for name, runs in daily.items():
        if not runs or any(frame["date"].tolist() != reference_days for frame in runs):
            raise ValueError(f"{name}: per-day errors are not on the raw forecast's test days")
    indices = block_bootstrap_indices(len(reference_days), block_length, resamples, seed)
    samples = {name: seed_mean_rmse(runs, indices) for name, runs in daily.items()}
    point = {name: seed_mean_rmse(runs) for name, runs in daily.items()}
    losses = {name: seed_mean_daily(runs) for name, runs in daily.items()}
    baselines = [name for name in daily if name in BASELINES and name != "raw"]
    best = min(baselines, key=point.get) if baselines else "raw"
    rows = []
    for name in daily:
        rmse_low, rmse_high = percentile_interval(samples[name], confidence)
        improvement = 100 * (samples["raw"] - samples[name]) / samples["raw"]
        gain_low, gain_high = (np.nan, np.nan) if name == "raw" else percentile_interval(improvement, confidence)
        tested = name != best and name not in ORACLES
        statistic, p_value = diebold_mariano(losses[name], losses[best], block_length - 1) if tested else (np.nan,) * 2
        rows.append(
            {
                "model": name,
                "rmse_ci_low": rmse_low,
                "rmse_ci_high": rmse_high,
                "improvement_ci_low": gain_low,
                "improvement_ci_high": gain_high,
                "compared_with": best if tested else "",
                "dm_statistic": statistic,
                "dm_p_value": p_value,
            }
        )
    return pd.DataFrame(rows)
