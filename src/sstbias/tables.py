"""The results table: metrics.csv (one row per model) and the paper's Table 1 layout in Markdown."""

from __future__ import annotations

import os

import pandas as pd

from sstbias.metrics import improvement_pct
from sstbias.netcdf import atomic_write

COLUMNS = ["model", "mse", "rmse", "mae", "mape", "improvement_pct", "gap_closed"]
ORDER = ["raw", "climatology", "quantile_mapping", "random_forest", "lightgbm", "convgru", "convlstm_at", "convgru_sa"]
DISPLAY_NAMES = {
    "raw": "Uncorrected forecast",
    "climatology": "Climatological bias",
    "quantile_mapping": "Quantile mapping",
    "random_forest": "Random Forest",
    "lightgbm": "LightGBM",
    "convgru": "ConvGRU",
    "convlstm_at": "3DCNN-CBAM-ConvLSTM-AT",
    "convgru_sa": "ConvGRU-SA",
    "floor": "Irreducible floor (twin)",
}


def _rank(model: str) -> tuple[int, str]:
    if model == "floor":
        return (len(ORDER) + 1, model)
    return (ORDER.index(model), model) if model in ORDER else (len(ORDER), model)


def metrics_table(records: list[dict]) -> pd.DataFrame:
    """One row per model (fixed order, ``floor`` last) with the improvement over the ``raw`` row's RMSE.

    With a ``floor`` row (the twin), ``gap_closed`` is the share of the correctable error a model removes,
    (RMSE_raw - RMSE_model) / (RMSE_raw - RMSE_floor); NaN otherwise. Extra keys of the records (n, test period)
    are kept as further columns.
    """
    table = pd.DataFrame(records)
    if "raw" not in set(table["model"]):
        raise ValueError("metrics_table needs a 'raw' row (the reference of the improvement)")
    rmse_raw = float(table.loc[table["model"] == "raw", "rmse"].iloc[0])
    table["improvement_pct"] = [
        float("nan") if model == "raw" else improvement_pct(rmse_raw, rmse)
        for model, rmse in zip(table["model"], table["rmse"], strict=True)
    ]
    floor = table.loc[table["model"] == "floor", "rmse"]
    correctable = rmse_raw - float(floor.iloc[0]) if len(floor) else float("nan")
    table["gap_closed"] = [
        float("nan") if model in ("raw", "floor") else (rmse_raw - rmse) / correctable
        for model, rmse in zip(table["model"], table["rmse"], strict=True)
    ]
    table = table.iloc[sorted(range(len(table)), key=lambda i: _rank(table["model"].iloc[i]))]
    extra = [c for c in table.columns if c not in COLUMNS]
    return table[COLUMNS + extra].reset_index(drop=True)


def to_paper_markdown(table: pd.DataFrame) -> str:
    """The table in the paper's Table 1 layout (2 decimals, improvement 1 decimal) with a note on the period."""
    lines = [
        "| Model | MAPE (%) | MSE | RMSE (°C) | MAE (°C) | RMSE improvement (%) | Gap closed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in table.itertuples(index=False):
        improvement = "-" if pd.isna(row.improvement_pct) else f"{row.improvement_pct:.1f}"
        name = DISPLAY_NAMES.get(row.model, row.model)
        gap = "-" if pd.isna(row.gap_closed) else f"{row.gap_closed:.2f}"
        lines.append(
            f"| {name} | {row.mape:.2f} | {row.mse:.2f} | {row.rmse:.2f} | {row.mae:.2f} | {improvement} | {gap} |"
        )
    if {"test_start", "test_end", "n"} <= set(table.columns):
        first = table.iloc[0]
        lines.append("")
        lines.append(
            f"Test period {first.test_start} .. {first.test_end}, {int(first.n)} ocean cell-days; "
            "improvement = relative RMSE reduction against the uncorrected forecast; gap closed = share of the "
            "correctable error (raw - floor) removed."
        )
    return "\n".join(lines) + "\n"


def write_table(table: pd.DataFrame, csv_path: str | os.PathLike, md_path: str | os.PathLike) -> None:
    """Write ``table`` as CSV and as the paper-layout Markdown, atomically."""
    atomic_write(csv_path, lambda tmp: table.to_csv(tmp, index=False, float_format="%.8g"))
    atomic_write(md_path, lambda tmp: tmp.write_text(to_paper_markdown(table)))
