"""File-to-file steps of the workflow's evaluation stage; each writes its outputs atomically.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

import pandas as pd
import xarray as xr

from sstbias.catalog import FLOOR
from sstbias.errors import InputDataError
from sstbias.metrics import compute_metrics, daily_error_sums
from sstbias.netcdf import PREDICTION, PathLike, atomic_write, open_field, write_prediction
from sstbias.split import load_split
from sstbias.tables import (
    mean_over_seeds,
    metrics_table,
    period_tables,
    plain_markdown,
    seed_table,
    to_paper_markdown,
    uncertainty_markdown,
    write_table,
)
from sstbias.uncertainty import score_uncertainty

log = logging.getLogger("sstbias.stages")


def test_data_and_unpredictable(
    aligned: PathLike, split_path: PathLike, diagnostics: Sequence[PathLike]
) -> tuple[xr.Dataset, xr.DataArray]:
    """(aligned data on the test days, the twin diagnostics' unpredictable error on them (time, lat, lon) degC)."""
    test_days = load_split(split_path)["test"]
    data = xr.load_dataset(aligned).sel(time=test_days)
    unpredictable = xr.concat([open_field(path, "unpredictable_error") for path in diagnostics], dim="time")
    unpredictable = unpredictable.assign_coords(time=pd.DatetimeIndex(unpredictable["time"].values).floor("D"))
    missing = test_days.difference(pd.DatetimeIndex(unpredictable["time"].values))
    if len(missing):
        raise InputDataError(f"twin diagnostics lack test days {[str(d.date()) for d in missing[:5]]}")
    unpredictable = unpredictable.sel(time=test_days)
    if unpredictable.shape != data["observation"].shape:
        raise InputDataError(f"twin diagnostics are not on the analysis grid: {dict(unpredictable.sizes)}")
    return data, unpredictable


def floor_prediction(aligned: PathLike, split_path: PathLike, diagnostics: Sequence[PathLike], out: PathLike) -> None:
    """Write the twin's best possible correction of the test days: observation - unpredictable error."""
    data, unpredictable = test_data_and_unpredictable(aligned, split_path, diagnostics)
    best = data["observation"] - unpredictable.values
    write_prediction(best.where(data["ocean_mask"] == 1), out, FLOOR)


def evaluate(
    *,
    model: str,
    seed: int | None,
    prediction: PathLike,
    aligned: PathLike,
    split_path: PathLike,
    out: PathLike,
    daily_out: PathLike,
) -> None:
    """Write the paper's metrics of one run over the test days and ocean cells as JSON, and per-day sums as CSV.

    The run is ``model`` fitted with ``seed`` (None for a deterministic model). The metrics' ``note`` is the
    prediction's ``comment`` (what the model did on the test days that its row must say, "" for most).
    """
    test_days = load_split(split_path)["test"]
    predicted = open_field(prediction, PREDICTION)
    missing = test_days.difference(pd.DatetimeIndex(predicted["time"].values))
    if len(missing):
        raise InputDataError(f"{prediction}: prediction lacks test days {[str(d.date()) for d in missing[:5]]}")
    data = xr.load_dataset(aligned).sel(time=test_days)
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
    log.info("%s (seed %s): %s", model, seed, record)
    atomic_write(out, lambda tmp: tmp.write_text(json.dumps(record, indent=1) + "\n"))
    atomic_write(daily_out, lambda tmp: daily.to_csv(tmp, index=False, float_format="%.8g"))


def tables(
    metric_files: Sequence[PathLike], daily_files: Sequence[PathLike], outputs: dict[str, PathLike], uncertainty: dict
) -> None:
    """metrics.csv/.md (Table 1 with seed spread, bootstrap intervals and tests), metrics_by_seed.csv,
    monthly_rmse.csv/.md and skill.csv/.md, from the metrics JSON and per-day CSV of every run (same order).

    ``outputs`` maps metrics_csv, metrics_md, seed_metrics_csv, monthly_csv, monthly_md, skill_csv, skill_md to
    paths; ``uncertainty`` is the config section (block_length, resamples, confidence, seed).
    """
    records = []
    for path in metric_files:
        with open(path) as handle:
            records.append(json.load(handle))
    daily: dict[str, list[pd.DataFrame]] = {}
    for record, path in zip(records, daily_files, strict=True):
        daily.setdefault(record["model"], []).append(pd.read_csv(path))
    intervals = score_uncertainty(
        daily, uncertainty["block_length"], uncertainty["resamples"], uncertainty["confidence"], uncertainty["seed"]
    )
    by_seed = seed_table(records)
    atomic_write(outputs["seed_metrics_csv"], lambda tmp: by_seed.to_csv(tmp, index=False, float_format="%.8g"))
    table = metrics_table(mean_over_seeds(records)).merge(intervals, on="model", how="left")
    markdown = (
        to_paper_markdown(table)
        + "\n"
        + uncertainty_markdown(table, uncertainty["confidence"], uncertainty["block_length"])
    )
    write_table(table, outputs["metrics_csv"], outputs["metrics_md"], markdown)
    monthly, skill = period_tables(daily)
    write_table(monthly, outputs["monthly_csv"], outputs["monthly_md"], plain_markdown(monthly))
    write_table(skill, outputs["skill_csv"], outputs["skill_md"], plain_markdown(skill))
    log.info("\n%s", markdown)
