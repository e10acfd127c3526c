"""The results tables: metrics.csv (one row per model, means over seeds), per-seed rows, the paper's layouts;
the runs' records they are made from (:func:`read_records`)."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from sstbias.evaluation.metrics import gap_closed, improvement_pct, skill_score
from sstbias.experiments.catalog import DISPLAY_NAMES, FLOOR, ORACLES, ORDER, STATIC_ORACLE
from sstbias.netcdf import PathLike, atomic_write

SCORES = ["mse", "rmse", "mae", "mape"]
COLUMNS = ["model", *SCORES, "improvement_pct", "gap_closed"]


def read_records(paths: Sequence[PathLike]) -> list[dict]:
    """The runs' records (their metrics JSON files, written by the evaluation stage), in the order of ``paths``."""
    records = []
    for path in paths:
        with open(path) as handle:
            records.append(json.load(handle))
    return records


def _rank(model: str) -> tuple[int, str]:
    if model in ORACLES:
        return (len(ORDER) + 1 + ORACLES.index(model), model)
    return (ORDER.index(model), model) if model in ORDER else (len(ORDER), model)


def mean_over_seeds(records: list[dict]) -> list[dict]:
    """One record per model from one per run: scores averaged over its seeds, and their spread.

    ``records`` are metrics dicts with ``model``, optionally ``seed`` (absent or None for a deterministic model),
    the scores of :data:`SCORES` and extra keys (taken from the model's first run). Each result adds ``n_seeds``
    and the RMSE's sample standard deviation (``rmse_sd``, NaN for one run), minimum and maximum over the seeds.
    A (model, seed) pair listed twice is a ValueError.
    """
    frame = pd.DataFrame(records)
    runs = [(record["model"], record.get("seed")) for record in records]
    repeated = sorted({run for run in runs if runs.count(run) > 1}, key=str)
    if repeated:
        raise ValueError(f"mean_over_seeds: runs {repeated} appear more than once")
    merged = []
    for model in dict.fromkeys(frame["model"]):
        group = frame[frame["model"] == model]
        record = {key: value for key, value in group.iloc[0].items() if key != "seed"}
        record.update({score: float(group[score].mean()) for score in SCORES if score in group})
        rmse = group["rmse"] if "rmse" in group else pd.Series(dtype=float)
        record.update(
            n_seeds=len(group), rmse_sd=float(rmse.std(ddof=1)), rmse_min=float(rmse.min()), rmse_max=float(rmse.max())
        )
        merged.append(record)
    return merged


def seed_table(records: list[dict]) -> pd.DataFrame:
    """One row per run (model, seed, scores, improvement over raw in %), in the tables' model order then by seed."""
    table = pd.DataFrame(records)
    if "seed" not in table:
        table["seed"] = pd.NA
    table["seed"] = table["seed"].astype("Int64")
    rmse_raw = float(table.loc[table["model"] == "raw", "rmse"].iloc[0])
    table["improvement_pct"] = [
        float("nan") if model == "raw" else improvement_pct(rmse_raw, rmse)
        for model, rmse in zip(table["model"], table["rmse"], strict=True)
    ]
    order = sorted(range(len(table)), key=lambda i: (_rank(table["model"].iloc[i]), table["seed"].fillna(-1).iloc[i]))
    return table.iloc[order][["model", "seed", *SCORES, "improvement_pct"]].reset_index(drop=True)


def metrics_table(records: list[dict]) -> pd.DataFrame:
    """One row per model with the improvement over the ``raw`` row's RMSE, in a fixed order.

    ``records`` are dicts with ``model``, ``mse`` (degC^2), ``rmse``, ``mae`` (degC) and ``mape`` (%), e.g. the
    metrics JSON files. Rows: raw, climatology, quantile_mapping, random_forest, lightgbm, then the deep models in
    the paper's order (convgru, convlstm_at, convgru_sa), then any other model alphabetically, then the twin's
    hindsight references ``static_oracle`` and ``floor``.
    ``improvement_pct`` = 100 (RMSE_raw - RMSE) / RMSE_raw, NaN for raw. With a ``floor`` row (the twin),
    ``gap_closed`` is the share of the correctable error a model removes, (RMSE_raw - RMSE) / (RMSE_raw -
    RMSE_floor); NaN otherwise and for raw and floor. Extra keys (n, test period) are kept as further columns.
    A missing metric, a repeated model, no raw row or differing ``n`` (models scored on different cell-days) is a
    ValueError.
    """
    table = pd.DataFrame(records)
    missing = [c for c in COLUMNS[:5] if c not in table.columns or table[c].isna().any()]
    if missing:
        raise ValueError(f"metrics_table: records lack {missing}")
    repeated = sorted(set(table.loc[table["model"].duplicated(), "model"]))
    if repeated:
        raise ValueError(f"metrics_table: models {repeated} appear more than once")
    if "raw" not in set(table["model"]):
        raise ValueError("metrics_table needs a 'raw' row (the reference of the improvement)")
    if "n" in table.columns and table["n"].nunique() > 1:
        raise ValueError(f"metrics_table: models were scored on different numbers of cell-days {set(table['n'])}")
    rmse_raw = float(table.loc[table["model"] == "raw", "rmse"].iloc[0])
    table["improvement_pct"] = [
        float("nan") if model == "raw" else improvement_pct(rmse_raw, rmse)
        for model, rmse in zip(table["model"], table["rmse"], strict=True)
    ]
    floor = table.loc[table["model"] == FLOOR, "rmse"]
    rmse_floor = float(floor.iloc[0]) if len(floor) else float("nan")
    table["gap_closed"] = [
        float("nan") if model in ("raw", FLOOR) else gap_closed(rmse_raw, rmse, rmse_floor)
        for model, rmse in zip(table["model"], table["rmse"], strict=True)
    ]
    table = table.iloc[sorted(range(len(table)), key=lambda i: _rank(table["model"].iloc[i]))]
    extra = [c for c in table.columns if c not in COLUMNS]
    return table[COLUMNS + extra].reset_index(drop=True)


def to_paper_markdown(table: pd.DataFrame) -> str:
    """A :func:`metrics_table` in the paper's Table 1 layout, Markdown.

    Columns Model | MAPE (%) | MSE | RMSE (°C) | MAE (°C) | RMSE improvement (%), 2 decimals (improvement 1) as in
    the paper, models by display name; a "Gap closed" column only when the table has a ``floor`` row (the twin);
    "Seeds" and "RMSE sd (°C)" columns only when some model ran with more than one seed (``n_seeds``), the scores
    then being means over seeds. A note line follows with the number of ocean cell-days (``n``) and the test period
    (``test_start``, ``test_end``) when the table carries them, then one line per model whose ``note`` (what it did
    on the test days that changes what its row means, e.g. the climatology's fallback) is not empty.
    """
    with_floor = FLOOR in set(table["model"])
    with_seeds = "n_seeds" in table and (table["n_seeds"] > 1).any()
    header = "| Model | MAPE (%) | MSE | RMSE (°C) | MAE (°C) | RMSE improvement (%) |"
    rule = "|---|---:|---:|---:|---:|---:|"
    if with_floor:
        header, rule = header + " Gap closed |", rule + "---:|"
    if with_seeds:
        header, rule = header + " Seeds | RMSE sd (°C) |", rule + "---:|---:|"
    lines = [header, rule]
    for row in table.itertuples(index=False):
        improvement = "-" if pd.isna(row.improvement_pct) else f"{row.improvement_pct:.1f}"
        name = DISPLAY_NAMES.get(row.model, row.model)
        line = f"| {name} | {row.mape:.2f} | {row.mse:.2f} | {row.rmse:.2f} | {row.mae:.2f} | {improvement} |"
        if with_floor:
            line += " - |" if pd.isna(row.gap_closed) else f" {row.gap_closed:.2f} |"
        if with_seeds:
            spread = "-" if pd.isna(row.rmse_sd) else f"{row.rmse_sd:.3f}"
            line += f" {row.n_seeds} | {spread} |"
        lines.append(line)
    notes = [_note(table.iloc[0], with_floor, with_seeds, STATIC_ORACLE in set(table["model"]))]
    notes = [note for note in notes + _model_notes(table) if note]
    return "\n".join([*lines, "", *notes] if notes else lines) + "\n"


def _model_notes(table: pd.DataFrame) -> list[str]:
    """ "Note on <model>: <note>." for each row with a non-empty ``note``."""
    if "note" not in table:
        return []
    return [
        f"Note on {DISPLAY_NAMES.get(model, model)}: {note}."
        for model, note in zip(table["model"], table["note"], strict=True)
        if isinstance(note, str) and note
    ]


def _note(first: pd.Series, with_floor: bool, with_seeds: bool, with_oracle: bool = False) -> str:
    """The line under the table: test period and cell-days where known, and what the derived columns mean."""
    parts = []
    if {"test_start", "test_end"} <= set(first.index):
        parts.append(f"Test period {first['test_start']} .. {first['test_end']}")
    if "n" in first.index:
        parts.append(f"{int(first['n'])} ocean cell-days")
    if not parts:
        return ""
    meaning = "improvement = relative RMSE reduction against the uncorrected forecast"
    if with_floor:
        meaning += "; gap closed = share of the correctable error (raw - floor) removed"
    if with_oracle:
        meaning += (
            "; static oracle = forecast + per cell the least-squares line in time of the error fitted on the test "
            "days themselves (hindsight: the most a per-cell seasonal correction can do)"
        )
    if with_seeds:
        meaning += "; seeded models: means over their seeds, RMSE sd = standard deviation over seeds"
    return ", ".join(parts) + "; " + meaning + "."


def uncertainty_markdown(table: pd.DataFrame, confidence: float, block_length: int) -> str:
    """The intervals and tests of ``table`` (with the columns of
    :func:`sstbias.evaluation.uncertainty.score_uncertainty`) as
    a Markdown table, with notes naming the bootstrap, its block length against the optimal one, and the test."""
    lines = [
        f"| Model | RMSE (°C) | {confidence:.0%} CI | Improvement (%) | {confidence:.0%} CI | DM p-value vs raw | "
        "DM p-value vs best baseline |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for row in table.itertuples(index=False):
        name = DISPLAY_NAMES.get(row.model, row.model)
        improvement = "-" if pd.isna(row.improvement_pct) else f"{row.improvement_pct:.1f}"
        gain_ci = (
            "-" if pd.isna(row.improvement_ci_low) else f"{row.improvement_ci_low:.1f} – {row.improvement_ci_high:.1f}"
        )
        vs_raw = "-" if pd.isna(row.dm_vs_raw_p_value) else f"{row.dm_vs_raw_p_value:.3g}"
        vs_best = (
            "-"
            if pd.isna(row.dm_p_value)
            else f"{row.dm_p_value:.3g} ({DISPLAY_NAMES.get(row.compared_with, row.compared_with)})"
        )
        lines.append(
            f"| {name} | {row.rmse:.3f} | {row.rmse_ci_low:.3f} – {row.rmse_ci_high:.3f} | {improvement} | "
            f"{gain_ci} | {vs_raw} | {vs_best} |"
        )
    days = f"the {int(table['n_test_days'].iloc[0])} test days" if "n_test_days" in table else "the test days"
    optimal = table["optimal_block_length"]
    raw_optimal = float(optimal[table["model"] == "raw"].iloc[0])
    optimal_text = (
        "not estimable on so few days"
        if optimal.isna().all()
        else f"{raw_optimal:.1f} days for the uncorrected forecast, {optimal.min():.1f} – {optimal.max():.1f} over "
        "the models"
    )
    lines += [
        "",
        f"Intervals: percentile intervals of the circular block bootstrap over {days} (blocks of {block_length} "
        f"days; optimal circular block length of the daily MSE series (Politis-White): {optimal_text}). Tests: "
        "Diebold-Mariano on daily MSE with the Harvey-Leybourne-Newbold small-sample correction (autocovariances "
        f"up to lag {block_length - 1}, Student t with n - 1 degrees of freedom), two-sided; against the uncorrected "
        "forecast and against the best baseline (lowest RMSE among the baselines, the uncorrected forecast "
        "included).",
    ]
    return "\n".join(lines) + "\n"


def period_tables(daily: dict[str, Sequence[pd.DataFrame]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(RMSE per month and model, MSE skill scores against raw and climatology) from per-day error sums.

    ``daily`` maps model -> its runs' per-day sums (one frame per seed); a seeded model's monthly RMSE and total
    MSE are means over its seeds.
    """
    monthly = {}
    totals = {}
    for name, runs in daily.items():
        per_run = []
        for frame in runs:
            months = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m")
            sums = frame.groupby(months)[["sse", "n"]].sum()
            per_run.append((sums["sse"] / sums["n"]) ** 0.5)
        monthly[name] = pd.concat(per_run, axis=1).mean(axis=1)
        totals[name] = float(np.mean([frame["sse"].sum() / frame["n"].sum() for frame in runs]))
    order = sorted(daily, key=_rank)
    by_month = pd.DataFrame(monthly)[order]
    by_month.index.name = "month"
    skill = pd.DataFrame({"model": order})
    for reference in ("raw", "climatology"):
        if reference in totals:
            skill[f"skill_vs_{reference}"] = [skill_score(totals[name], totals[reference]) for name in order]
    return by_month.reset_index(), skill


def write_table(
    table: pd.DataFrame, csv_path: str | os.PathLike, md_path: str | os.PathLike, markdown: str | None = None
) -> None:
    """Write ``table`` as CSV and ``markdown`` (default: :func:`to_paper_markdown` of it) beside it, atomically."""
    text = to_paper_markdown(table) if markdown is None else markdown
    atomic_write(csv_path, lambda tmp: table.to_csv(tmp, index=False, float_format="%.8g"))
    atomic_write(md_path, lambda tmp: tmp.write_text(text))


def plain_markdown(table: pd.DataFrame, digits: int = 3) -> str:
    """A Markdown rendering of a small numeric table (model names shown as in the paper)."""
    shown = table.rename(columns={"model": "Model"}).copy()
    if "Model" in shown:
        shown["Model"] = [DISPLAY_NAMES.get(m, m) for m in shown["Model"]]
    else:
        shown = shown.rename(columns={c: DISPLAY_NAMES.get(c, c) for c in shown.columns})
    header = "| " + " | ".join(map(str, shown.columns)) + " |"
    rule = "|" + "|".join("---" if i == 0 else "---:" for i in range(len(shown.columns))) + "|"
    rows = [
        "| " + " | ".join(v if isinstance(v, str) else f"{v:.{digits}f}" for v in row) + " |"
        for row in shown.itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows]) + "\n"


GRID_LABELS = {"lr": "Learning rate", "iterations": "Iterations"}


def grid_table(records: list[list[dict]], values: list, key: str) -> pd.DataFrame:
    """The paper's Table 2 (``key='lr'``) or Table 3 (``'iterations'``): one row per grid value.

    ``records[i]`` holds the metrics of grid value ``values[i]``, one dict per seed; a row has the means over seeds
    of MAPE, MSE, RMSE and MAE, ``n_seeds`` and ``rmse_sd`` (standard deviation over seeds, NaN for one seed).
    """
    rows = []
    for value, runs in zip(values, records, strict=True):
        frame = pd.DataFrame(runs)
        rows.append(
            {key: value, **frame[["mape", "mse", "rmse", "mae"]].mean().to_dict(), "n_seeds": len(frame)}
            | {"rmse_sd": float(frame["rmse"].std(ddof=1))}
        )
    return pd.DataFrame(rows)


def grid_markdown(table: pd.DataFrame, key: str, model: str) -> str:
    """Markdown of a grid table in the paper's layout (MAPE %, MSE, RMSE, MAE with 2 decimals)."""
    with_seeds = bool((table["n_seeds"] > 1).any())
    seeds_note = f" (means over {table['n_seeds'].max()} seeds)" if with_seeds else ""
    lines = [
        f"{DISPLAY_NAMES.get(model, model)}: metrics on the test period by {GRID_LABELS[key].lower()}{seeds_note}",
        "",
        f"| {GRID_LABELS[key]} | MAPE (%) | MSE | RMSE (°C) | MAE (°C) |" + (" RMSE sd (°C) |" if with_seeds else ""),
        "|---:|---:|---:|---:|---:|" + ("---:|" if with_seeds else ""),
    ]
    for row in table.itertuples(index=False):
        line = f"| {getattr(row, key):g} | {row.mape:.2f} | {row.mse:.2f} | {row.rmse:.2f} | {row.mae:.2f} |"
        lines.append(line + (f" {row.rmse_sd:.3f} |" if with_seeds else ""))
    return "\n".join(lines) + "\n"


def grid_results(
    records: Sequence[dict], values: Sequence, n_seeds: int, key: str, model: str
) -> tuple[pd.DataFrame, str]:
    """(table, Markdown) of ``model`` over the grid ``key`` (lr or iterations): the paper's Table 2 or 3.

    ``records`` are point-major: the ``n_seeds`` runs' metrics of ``values[0]``, then those of ``values[1]``, ...
    """
    if len(records) != len(values) * n_seeds:
        raise ValueError(f"grid {key}: {len(records)} metric files for {len(values)} values x {n_seeds} seeds")
    by_value = [list(records[i : i + n_seeds]) for i in range(0, len(records), n_seeds)]
    table = grid_table(by_value, list(values), key)
    return table, grid_markdown(table, key, model)
