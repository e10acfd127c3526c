"""Circular block bootstrap intervals, the Diebold-Mariano test, and the per-month and skill tables."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sstbias.evaluation.tables import period_tables
from sstbias.evaluation.uncertainty import (
    circular_block_bootstrap_indices,
    circular_block_length,
    diebold_mariano,
    resampled_rmse,
    score_uncertainty,
)


def daily_errors(n_days: int, scale: float, seed: int, persistence: float = 0.7, cells: int = 100) -> pd.DataFrame:
    """Per-day sums of an AR(1)-in-time error field (degC) with the given scale."""
    rng = np.random.default_rng(seed)
    level = np.zeros(n_days)
    for t in range(1, n_days):
        level[t] = persistence * level[t - 1] + rng.normal()
    errors = scale * (0.6 * level[:, None] + rng.normal(size=(n_days, cells)))
    return pd.DataFrame(
        {
            "date": pd.date_range("2021-01-01", periods=n_days).strftime("%Y-%m-%d"),
            "n": cells,
            "sse": (errors**2).sum(axis=1),
            "sae": np.abs(errors).sum(axis=1),
            "sum_error": errors.sum(axis=1),
        }
    )


def test_block_indices_are_consecutive_within_blocks():
    indices = circular_block_bootstrap_indices(10, 3, resamples=4, seed=0)
    assert indices.shape == (4, 10) and indices.min() >= 0 and indices.max() < 10
    steps = np.diff(indices[:, :3], axis=1) % 10
    assert (steps == 1).all()


def test_arch_draws_are_the_former_moving_blocks_of_the_same_seed():
    """For a seed, arch draws the very resamples the former own code drew (block starts from numpy's Generator,
    one resample after the other giving the same stream as all at once), so the intervals are today's."""
    for n_days, block_length in ((73, 5), (10, 3), (12, 12)):
        indices = circular_block_bootstrap_indices(n_days, block_length, resamples=300, seed=2)
        n_blocks = -(-n_days // block_length)
        starts = np.random.default_rng(2).integers(0, n_days, size=(300, n_blocks))
        former = ((starts[:, :, None] + np.arange(block_length)) % n_days).reshape(300, -1)[:, :n_days]
        np.testing.assert_array_equal(indices, former)


def interval_width(n_days: int) -> tuple[float, float, float]:
    frame = daily_errors(n_days, 0.5, seed=3)
    samples = resampled_rmse(frame, circular_block_bootstrap_indices(n_days, 5, 2000, seed=1))
    point = float(np.sqrt(frame["sse"].sum() / frame["n"].sum()))
    low, high = np.percentile(samples, [2.5, 97.5])
    return point, low, high


def test_interval_contains_the_point_estimate_and_shrinks_with_more_days():
    point, low, high = interval_width(60)
    assert low < point < high
    point_long, low_long, high_long = interval_width(960)
    assert low_long < point_long < high_long
    assert (high_long - low_long) < 0.5 * (high - low)


def test_diebold_mariano_separates_different_models_and_not_equal_ones():
    a, b = daily_errors(200, 0.3, seed=4), daily_errors(200, 0.5, seed=5)
    statistic, p_value = diebold_mariano(a, b, horizon=5)
    assert statistic < 0 and p_value < 1e-3
    _, same = diebold_mariano(a, daily_errors(200, 0.3, seed=6), horizon=5)
    assert same > 0.01


def hln_by_formula(loss: np.ndarray, h: int) -> tuple[float, float]:
    """Harvey, Leybourne and Newbold (1997), eq. (5) and (9): DM * sqrt((n + 1 - 2h + h(h-1)/n) / n), t(n - 1)."""
    n = loss.size
    centred = loss - loss.mean()
    gamma = [centred[k:] @ centred[: n - k] / n for k in range(h)]
    dm = loss.mean() / np.sqrt((gamma[0] + 2 * sum(gamma[1:])) / n)
    hln = dm * np.sqrt((n + 1 - 2 * h + h * (h - 1) / n) / n)
    return hln, 2 * stats.t.sf(abs(hln), n - 1)


@pytest.mark.parametrize("horizon", [1, 2, 5])
def test_diebold_mariano_is_the_published_hln_statistic(horizon):
    a, b = daily_errors(73, 0.4, seed=11), daily_errors(73, 0.45, seed=12)
    loss = a["sse"].to_numpy() / a["n"].to_numpy() - b["sse"].to_numpy() / b["n"].to_numpy()
    statistic, p_value = diebold_mariano(a, b, horizon)
    assert (statistic, p_value) == pytest.approx(hln_by_formula(loss, horizon), rel=1e-10)
    if horizon == 1:  # no autocovariance: the one-sample t test of the loss difference
        test = stats.ttest_1samp(loss, 0.0)
        assert (statistic, p_value) == pytest.approx((test.statistic, test.pvalue), rel=1e-10)


def test_optimal_block_length_of_persistent_errors_is_longer():
    persistent = daily_errors(365, 0.4, seed=14, persistence=0.9)
    white = daily_errors(365, 0.4, seed=14, persistence=0.0)
    mse = {name: frame["sse"].to_numpy() / frame["n"].to_numpy() for name, frame in (("ar", persistent), ("w", white))}
    assert circular_block_length(mse["ar"]) > 2 * circular_block_length(mse["w"])
    assert np.isnan(circular_block_length(mse["ar"][:2])) and np.isnan(circular_block_length(np.ones(20)))


def test_diebold_mariano_of_identical_models_is_undefined():
    a = daily_errors(30, 0.4, seed=13)
    assert np.isnan(diebold_mariano(a, a.copy(), 5)).all()


def test_score_uncertainty_table():
    daily = {
        "raw": [daily_errors(90, 0.5, 1)],
        "climatology": [daily_errors(90, 0.35, 2)],
        "convgru": [daily_errors(90, 0.3, 3)],
    }
    table = score_uncertainty(daily, block_length=5, resamples=500, confidence=0.95, seed=0).set_index("model")
    assert table.loc["convgru", "compared_with"] == "climatology"
    assert np.isnan(table.loc["climatology", "dm_p_value"])
    assert table.loc["climatology", "dm_vs_raw_p_value"] < 0.05 and table.loc["convgru", "dm_vs_raw_statistic"] < 0
    assert np.isnan(table.loc["raw", "dm_vs_raw_p_value"])
    assert table.loc["raw", "dm_p_value"] == pytest.approx(table.loc["climatology", "dm_vs_raw_p_value"])
    assert np.isnan(table.loc["raw", "improvement_ci_low"])
    assert (table["optimal_block_length"] > 0).all()
    assert 0 < table.loc["convgru", "improvement_ci_low"] < table.loc["convgru", "improvement_ci_high"]
    with pytest.raises(ValueError, match="test days"):
        score_uncertainty({**daily, "lightgbm": [daily_errors(80, 0.4, 4)]}, 5, 100, 0.95, 0)


def test_best_baseline_may_be_raw():
    """A baseline worse than raw is no reference: the models are then tested against raw."""
    daily = {
        "raw": [daily_errors(90, 0.4, 1)],
        "quantile_mapping": [daily_errors(90, 0.5, 2)],
        "convgru": [daily_errors(90, 0.3, 3)],
    }
    table = score_uncertainty(daily, block_length=5, resamples=200, confidence=0.95, seed=0).set_index("model")
    assert table.loc["convgru", "compared_with"] == "raw"
    assert table.loc["quantile_mapping", "compared_with"] == "raw"
    assert table.loc["convgru", "dm_p_value"] == table.loc["convgru", "dm_vs_raw_p_value"]
    assert table.loc["raw", "compared_with"] == ""


def test_seeded_model_interval_is_about_its_seed_mean_rmse():
    seeds = [daily_errors(90, scale, seed) for seed, scale in ((7, 0.28), (8, 0.32), (9, 0.36))]
    daily = {"raw": [daily_errors(90, 0.5, 1)], "convgru": seeds}
    table = score_uncertainty(daily, block_length=5, resamples=500, confidence=0.95, seed=0).set_index("model")
    seed_rmse = [np.sqrt(frame["sse"].sum() / frame["n"].sum()) for frame in seeds]
    assert table.loc["convgru", "rmse_ci_low"] < np.mean(seed_rmse) < table.loc["convgru", "rmse_ci_high"]
    # the interval is about the seed mean, narrower than the range spanned by the single seeds' intervals
    singles = [score_uncertainty({"raw": daily["raw"], "convgru": [f]}, 5, 500, 0.95, 0) for f in seeds]
    assert singles[0]["rmse_ci_low"].iloc[1] < table.loc["convgru", "rmse_ci_low"]
    assert table.loc["convgru", "rmse_ci_high"] < singles[2]["rmse_ci_high"].iloc[1]


def test_monthly_and_skill_tables_are_consistent_with_totals():
    daily = {
        "raw": [daily_errors(59, 0.5, 1)],
        "climatology": [daily_errors(59, 0.35, 2)],
        "lightgbm": [daily_errors(59, 0.3, 3), daily_errors(59, 0.4, 4)],
    }
    monthly, skill = period_tables(daily)
    assert list(monthly["month"]) == ["2021-01", "2021-02"]

    def rmse(frame):
        return np.sqrt(frame["sse"].sum() / frame["n"].sum())

    assert monthly.loc[0, "raw"] == pytest.approx(rmse(daily["raw"][0].iloc[:31]))
    assert monthly.loc[1, "lightgbm"] == pytest.approx(np.mean([rmse(f.iloc[31:]) for f in daily["lightgbm"]]))
    rows = skill.set_index("model")
    mse = {name: np.mean([rmse(frame) ** 2 for frame in runs]) for name, runs in daily.items()}
    assert rows.loc["climatology", "skill_vs_raw"] == pytest.approx(1 - mse["climatology"] / mse["raw"])
    assert rows.loc["lightgbm", "skill_vs_climatology"] == pytest.approx(1 - mse["lightgbm"] / mse["climatology"])
    assert rows.loc["raw", "skill_vs_raw"] == 0.0
