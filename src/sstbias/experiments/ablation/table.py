"""The ablation table: one row per (step, model) from the runs' metrics and training logs
(:func:`ablation_table`), rendered as Markdown (:func:`ablation_markdown`) and written as CSV and Markdown
(:func:`write_ablation`, the rule ``ablation_table``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sstbias.atomic import atomic_write
from sstbias.experiments.ablation.steps import STEPS, step_fit_days, training_step
from sstbias.experiments.catalog import DEEP_MODELS


def best_validation_rmse(training_log: str | os.PathLike, up_to: int | None = None) -> float:
    """The best (lowest) validation RMSE (degC) of a run's training_log.csv, over the rows up to iteration ``up_to``
    (default all): what selects its weights."""
    log = pd.read_csv(training_log)
    return float(log.loc[log["iteration"] <= (up_to or log["iteration"].max()), "val_rmse"].min())


def ablation_table(runs: Sequence[dict], climatology_metrics: dict[str, str | os.PathLike]) -> pd.DataFrame:
    """One row per (step, model): test RMSE mean and sd over seeds, validation RMSE mean, seeds, and the
    climatology's test RMSE under the step's protocol.

    ``runs``: for each deep model and training step, ``{"model", "step", "metrics": [...], "logs": [...]}`` (the
    metrics JSON and training logs of its seeds); ``climatology_metrics[step]``: the metrics JSON of the
    climatology fitted under each of :func:`~sstbias.experiments.ablation.steps.protocol_steps`.
    """
    climatology = {
        step_fit_days(step): json.loads(Path(path).read_text())["rmse"] for step, path in climatology_metrics.items()
    }
    by_key = {(run["model"], run["step"]): run for run in runs}
    rows = []
    for step in STEPS:
        for model in sorted({model for model, _ in by_key}, key=_model_order):
            key = (model, training_step(step.name))
            rmse = pd.Series([json.loads(Path(path).read_text())["rmse"] for path in by_key[key]["metrics"]])
            validation = pd.Series([best_validation_rmse(path) for path in by_key[key]["logs"]])
            rows.append(
                {
                    "step": step.name,
                    "adds": step.adds,
                    "model": model,
                    "trained_as": key[1],
                    "n_seeds": len(rmse),
                    "val_rmse_mean": validation.mean(),
                    "rmse_mean": rmse.mean(),
                    "rmse_sd": rmse.std(ddof=1) if len(rmse) > 1 else float("nan"),
                    "climatology_rmse": climatology[step_fit_days(step.name)],
                }
            )
    return pd.DataFrame(rows)


def _model_order(model: str) -> int:
    return DEEP_MODELS.index(model)


def ablation_markdown(table: pd.DataFrame, title: str) -> str:
    """The ablation table as Markdown: one row per step, per model test RMSE mean ± sd (validation RMSE)."""
    models = list(dict.fromkeys(table["model"]))
    header = ["step", *[f"{model} test RMSE (val)" for model in models], "climatology test RMSE"]
    lines = [f"**{title}** (°C; mean ± sd over seeds, validation RMSE of the selected weights in brackets)", ""]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for step in dict.fromkeys(table["step"]):
        rows = table[table["step"] == step].set_index("model")
        cells = []
        for model in models:
            row = rows.loc[model]
            spread = f" ± {row['rmse_sd']:.3f}" if pd.notna(row["rmse_sd"]) else ""
            cells.append(f"{row['rmse_mean']:.3f}{spread} ({row['val_rmse_mean']:.3f})")
        first = rows.iloc[0]
        lines.append(f"| {step}: {first['adds']} | " + " | ".join(cells) + f" | {first['climatology_rmse']:.3f} |")
    seeds = sorted(set(table["n_seeds"]))
    lines += ["", f"Seeds per cell: {', '.join(map(str, seeds))}."]
    return "\n".join(lines) + "\n"


def write_ablation(table: pd.DataFrame, csv_path: str | os.PathLike, md_path: str | os.PathLike, title: str) -> None:
    """Write the table as CSV and Markdown, atomically."""
    atomic_write(csv_path, lambda tmp: table.to_csv(tmp, index=False, float_format="%.6g"))
    text = ablation_markdown(table, title)
    atomic_write(md_path, lambda tmp: tmp.write_text(text))
