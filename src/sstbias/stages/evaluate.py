"""File-to-file steps of the workflow's evaluation stage (rules evaluate and tables); each writes its outputs
atomically. The library side is :mod:`sstbias.evaluation.scoring`.

The Snakemake scripts in ``workflow/scripts/`` only pass paths and parameters to these functions.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence

import pandas as pd
import xarray as xr

from sstbias.data.split import load_split
from sstbias.evaluation.by_lead import by_lead_markdown, by_lead_table, read_lead_tables
from sstbias.evaluation.scoring import paper_tables, score_run
from sstbias.evaluation.tables import read_records, write_table
from sstbias.netcdf import PREDICTION, PathLike, atomic_write, open_field

log = logging.getLogger("sstbias.stages")


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
    """Write the paper's metrics of one run over the test days and ocean cells as JSON, and per-day sums as CSV
    (:func:`sstbias.evaluation.scoring.score_run`)."""
    test_days = load_split(split_path)["test"]
    predicted = open_field(prediction, PREDICTION)
    record, daily = score_run(model, seed, predicted, xr.load_dataset(aligned), test_days, str(prediction))
    log.info("%s (seed %s): %s", model, seed, record)
    atomic_write(out, lambda tmp: tmp.write_text(json.dumps(record, indent=1) + "\n"))
    atomic_write(daily_out, lambda tmp: daily.to_csv(tmp, index=False, float_format="%.8g"))


def tables(
    metric_files: Sequence[PathLike], daily_files: Sequence[PathLike], outputs: dict[str, PathLike], uncertainty: dict
) -> None:
    """metrics.csv/.md (Table 1 with seed spread, bootstrap intervals and tests), metrics_by_seed.csv,
    monthly_rmse.csv/.md and skill.csv/.md, from the metrics JSON and per-day CSV of every run (same order;
    :func:`sstbias.evaluation.scoring.paper_tables`).

    ``outputs`` maps metrics_csv, metrics_md, seed_metrics_csv, monthly_csv, monthly_md, skill_csv, skill_md to
    paths; ``uncertainty`` is the config section (block_length, resamples, confidence, seed).
    """
    result = paper_tables(read_records(metric_files), [pd.read_csv(path) for path in daily_files], uncertainty)
    atomic_write(outputs["seed_metrics_csv"], lambda tmp: result.by_seed.to_csv(tmp, index=False, float_format="%.8g"))
    write_table(result.metrics, outputs["metrics_csv"], outputs["metrics_md"], result.metrics_markdown)
    write_table(result.monthly, outputs["monthly_csv"], outputs["monthly_md"], result.monthly_markdown)
    write_table(result.skill, outputs["skill_csv"], outputs["skill_md"], result.skill_markdown)
    log.info("\n%s", result.metrics_markdown)


def by_lead(metric_tables: Mapping[int, PathLike], csv: PathLike, md: PathLike, confidence: float) -> None:
    """tables/by_lead.csv and .md from each lead's tables/metrics.csv (lead in days -> path)."""
    table = by_lead_table(read_lead_tables(metric_tables))
    write_table(table, csv, md, by_lead_markdown(table, confidence))
    log.info("%d models x %d leads", table["model"].nunique(), table["lead"].nunique())
