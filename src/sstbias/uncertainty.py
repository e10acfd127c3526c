"""Uncertainty of the verification scores from per-day error sums.

Test days are serially correlated (SST errors persist for days), so resampling single days would understate the
uncertainty. The moving-block bootstrap resamples blocks of ``block_length`` consecutive test days (circularly)
and gives percentile confidence intervals for a model's RMSE and, paired on the same resampled days, for its
improvement over ``raw``. The Diebold-Mariano test compares two models' daily mean squared errors with a
Newey-West (Bartlett) long-run variance of lag ``block_length - 1``; its p-value is two-sided.

Per-day sums (one row per test day): ``n`` ocean cells, ``sse`` sum of squared errors (degC^2).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sstbias.catalog import BASELINES


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


def score_uncertainty(
    daily: dict[str, pd.DataFrame], block_length: int, resamples: int, confidence: float, seed: int
) -> pd.DataFrame:
    """Per model: RMSE interval, improvement-over-raw interval, and a DM test against the best baseline.

    ``daily`` maps model name -> per-day sums (columns date, n, sse) on the same test days, ``raw`` included. The
    best baseline is the baseline (``sstbias.catalog.BASELINES`` other than raw) with the lowest RMSE; it and the
    twin's ``floor`` get no test.
    """
    days = {name: frame["date"].tolist() for name, frame in daily.items()}
    reference_days = days["raw"]
    for name, listed in days.items():
        if listed != reference_days:
            raise ValueError(f"{name}: per-day errors are not on the raw forecast's test days")
    indices = block_bootstrap_indices(len(reference_days), block_length, resamples, seed)
    samples = {name: resampled_rmse(frame, indices) for name, frame in daily.items()}
    point = {name: float(np.sqrt(frame["sse"].sum() / frame["n"].sum())) for name, frame in daily.items()}
    baselines = [name for name in daily if name in BASELINES and name != "raw"]
    best = min(baselines, key=point.get) if baselines else "raw"
    rows = []
    for name in daily:
        rmse_low, rmse_high = percentile_interval(samples[name], confidence)
        improvement = 100 * (samples["raw"] - samples[name]) / samples["raw"]
        gain_low, gain_high = (np.nan, np.nan) if name == "raw" else percentile_interval(improvement, confidence)
        tested = name not in (best, "floor")
        statistic, p_value = diebold_mariano(daily[name], daily[best], block_length - 1) if tested else (np.nan,) * 2
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
