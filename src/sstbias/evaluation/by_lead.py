"""Scores against forecast lead: each lead's Table 1 (``tables/metrics.csv`` below ``lead_<L>/``) side by side.

Each lead is scored on its own (its raw forecast, its models, its floor); this module only gathers the rows:
``tables/by_lead.csv`` and ``.md`` (RMSE with its bootstrap interval, the improvement over that lead's raw forecast
with its interval, and the gap closed to that lead's floor, per model and lead) and ``figures/rmse_by_lead.png``.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sstbias.experiments.catalog import display_name
from sstbias.netcdf import PathLike

COLUMNS = [
    "model",
    "lead",
    "rmse",
    "rmse_ci_low",
    "rmse_ci_high",
    "improvement_pct",
    "improvement_ci_low",
    "improvement_ci_high",
    "gap_closed",
]


def by_lead_table(tables: Mapping[int, pd.DataFrame]) -> pd.DataFrame:
    """One row per model and lead from each lead's metrics table (``tables``: lead in days -> the table of
    :func:`sstbias.evaluation.scoring.paper_tables`), models in that table's order, leads ascending; ValueError
    naming the lead whose table lacks a column."""
    rows = []
    for lead in sorted(tables):
        table = tables[lead]
        missing = [c for c in COLUMNS if c not in table.columns and c != "lead"]
        if missing:
            raise ValueError(f"lead {lead}: its metrics table lacks {missing}")
        rows.append(table.assign(lead=lead)[COLUMNS])
    combined = pd.concat(rows, ignore_index=True)
    order = {model: i for i, model in enumerate(dict.fromkeys(combined["model"]))}
    return combined.sort_values(["model", "lead"], key=lambda c: c.map(order) if c.name == "model" else c).reset_index(
        drop=True
    )


def read_lead_tables(paths: Mapping[int, PathLike]) -> dict[int, pd.DataFrame]:
    """Each lead's ``metrics.csv`` (lead in days -> path)."""
    return {int(lead): pd.read_csv(path) for lead, path in paths.items()}


def by_lead_markdown(table: pd.DataFrame, confidence: float) -> str:
    """The table as Markdown: a row per model, for each lead its RMSE (°C) with the interval, then the gap closed."""
    level = f"{100 * confidence:g} %"
    leads = sorted(table["lead"].unique())
    header = "| Model | " + " | ".join(f"lead {lead}: RMSE (°C) [{level}] | gap" for lead in leads) + " |"
    rule = "|---|" + "---:|---:|" * len(leads)
    lines = [header, rule]
    for model, group in table.groupby("model", sort=False):
        cells = []
        by = group.set_index("lead")
        for lead in leads:
            if lead not in by.index:
                cells += ["-", "-"]
                continue
            row = by.loc[lead]
            cells.append(f"{row.rmse:.3f} [{row.rmse_ci_low:.3f} – {row.rmse_ci_high:.3f}]")
            cells.append("-" if pd.isna(row.gap_closed) else f"{row.gap_closed:.2f}")
        lines.append(f"| {display_name(model)} | " + " | ".join(cells) + " |")
    note = (
        "Each lead scored on its own valid test days against its own raw forecast and floor; lead L = the UTC day L "
        "days after the run's 12 UTC analysis (lead 0: the best time series). RMSE with its bootstrap interval "
        "(blocks of test days); gap = (raw - model) / (raw - floor) of that lead."
    )
    return "\n".join(lines) + "\n\n" + note + "\n"
