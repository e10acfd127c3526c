"""The evaluation of the runs: one run's record of the paper's metrics over the test days (:func:`score_run`) and
the paper's tables from every run's records and per-day sums (:func:`paper_tables`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import xarray as xr

from sstbias.errors import InputDataError
from sstbias.evaluation.metrics import compute_metrics, daily_error_sums
from sstbias.evaluation.tables import (
    mean_over_seeds,
    metrics_table,
    period_tables,
    plain_markdown,
    seed_table,
    to_paper_markdown,
    uncertainty_markdown,
)


def score_run(
    model: str, seed: int | None, predicted: xr.DataArray, data: xr.Dataset, test_days: pd.DatetimeIndex, what: str
) -> tuple[dict, pd.DataFrame]:
    """(the run's record, its per-day error sums) over ``test_days`` and the ocean cells of ``data`` (aligned).

    The run is ``model`` fitted with ``seed`` (None for a deterministic model); ``predicted`` is its corrected SST
    (the prediction file ``what``, named when it lacks a test day). The record holds the paper's metrics, the
    test period and the ``note``: the prediction's ``comment`` (what the model did on the test days that its row
    must say, "" for most).
    """
    missing = test_days.difference(pd.DatetimeIndex(predicted["time"].values))
    if len(missing):
        raise InputDataError(f"{what}: prediction lacks test days {[str(d.date()) for d in missing[:5]]}")
    data = data.sel(time=test_days)
    predicted = predicted.sel(time=test_days)
    scores = compute_metrics(predicted, data["observation"], data["ocean_mask"])
    daily = daily_error_sums(predicted, data["observation"], data["ocean_mask"])
    record = {
        "model": model,
        "seed": seed,
        **scores,
        "test_start": str(test_days[0].date()),
        "test_end": str(test_days[-1].date()),
        "n_test_days": len(test_days),
        "note": predicted.attrs.get("comment", ""),
    }
    return record, daily


@dataclass(frozen=True)
class PaperTables:
    """The tables of the results and their Markdown: Table 1 (``metrics``, with the seed spread, bootstrap
    intervals and tests), its per-seed rows (``by_seed``, CSV only), RMSE per month and the skill scores."""

    metrics: pd.DataFrame
    metrics_markdown: str
    by_seed: pd.DataFrame
    monthly: pd.DataFrame
    monthly_markdown: str
    skill: pd.DataFrame
    skill_markdown: str


def paper_tables(records: Sequence[dict], daily: Sequence[pd.DataFrame], uncertainty: dict) -> PaperTables:
    """The tables from every run's record (:func:`score_run`) and per-day sums (the same order).

    ``uncertainty`` is the config section (block_length, resamples, confidence, seed).
    """
    # Imported here, not at the top: arch (and numba, scipy.stats) cost about a second to import, which every
    # per-run evaluate job would pay without using them.
    from sstbias.evaluation.uncertainty import score_uncertainty

    by_model: dict[str, list[pd.DataFrame]] = {}
    for record, frame in zip(records, daily, strict=True):
        by_model.setdefault(record["model"], []).append(frame)
    intervals = score_uncertainty(
        by_model, uncertainty["block_length"], uncertainty["resamples"], uncertainty["confidence"], uncertainty["seed"]
    )
    by_seed = seed_table(list(records))
    table = metrics_table(mean_over_seeds(list(records))).merge(intervals, on="model", how="left")
    markdown = (
        to_paper_markdown(table)
        + "\n"
        + uncertainty_markdown(table, uncertainty["confidence"], uncertainty["block_length"])
    )
    monthly, skill = period_tables(by_model)
    return PaperTables(
        metrics=table,
        metrics_markdown=markdown,
        by_seed=by_seed,
        monthly=monthly,
        monthly_markdown=plain_markdown(monthly),
        skill=skill,
        skill_markdown=plain_markdown(skill),
    )
