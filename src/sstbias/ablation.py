"""The deep models' ablation: each change of issue 14 added in turn, from the settings before it.

Steps (cumulative; :data:`STEPS`): ``before`` (the paper's inputs: forecast + ocean mask, residual over the
forecast, land 0, full attention, constant learning rate; baselines fitted on the training days) ->
``position`` (lat, lon channels) -> ``day_of_year`` (sin, cos channels) -> ``fair_protocol`` (baselines fitted
on train + validation; the deep models are unchanged, so this step reuses the previous step's trainings) ->
``residual_over_climatology`` -> ``land_masked`` -> ``attention_pool_recipe`` (ConvGRU-SA's attention_pool
auto, at most 32x32 keys: 2x2 pooling on the default 51x51 grid; for every model a linear warm-up over the first
10 % of the iterations, cosine decay and gradient clipping at norm 1). Every other setting (sizes, iterations,
learning rate) is the model's own config entry.

The workflow target ``ablation`` (workflow/rules/ablation.smk) trains each step's runs (cached like any run),
and :func:`ablation_table` turns their metrics into ``tables/ablation.csv`` / ``.md``; :func:`render_into`
copies such tables verbatim into a document between markers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sstbias.netcdf import atomic_write


@dataclass(frozen=True)
class Step:
    """One step: what it adds, its deep-setting overrides and the days the baselines fit on (None: as before)."""

    name: str
    adds: str
    overrides: dict = field(default_factory=dict)
    baseline_fit_days: str | None = None


# The ablated settings before issue 14 (attention_pool only exists for ConvGRU-SA).
BEFORE = {
    "static_channels": ["ocean_mask"],
    "daily_channels": [],
    "target": "residual",
    "residual_over": "forecast",
    "land": "zero",
    "warmup_iterations": 0,
    "lr_schedule": "constant",
    "grad_clip": 0.0,
}
RECIPE = {"lr_schedule": "cosine", "grad_clip": 1.0}  # plus a warm-up of 10 % of the iterations
WARMUP_SHARE = 0.1

STEPS = (
    Step(
        "before",
        "paper inputs (forecast, ocean mask), residual over the forecast, land 0; baselines on train days",
        baseline_fit_days="train",
    ),
    Step("position", "+ lat, lon channels", {"static_channels": ["ocean_mask", "lat", "lon"]}),
    Step("day_of_year", "+ day-of-year sin, cos channels", {"daily_channels": ["doy_sin", "doy_cos"]}),
    Step("fair_protocol", "+ baselines fitted on train + validation", {}, "train_and_validation"),
    Step("residual_over_climatology", "+ residual over the climatology", {"residual_over": "climatology"}),
    Step("land_masked", "+ neutral land fill, ocean-only BatchNorm and attention keys", {"land": "masked"}),
    Step(
        "attention_pool_recipe",
        "+ attention_pool auto (<= 32x32 keys), lr warm-up + cosine decay, gradient clipping",
        {"recipe": True},
    ),
)
STEP_NAMES = tuple(step.name for step in STEPS)


def _index(step: str) -> int:
    if step not in STEP_NAMES:
        raise ValueError(f"unknown ablation step {step!r}; known: {list(STEP_NAMES)}")
    return STEP_NAMES.index(step)


def training_step(step: str) -> str:
    """The step whose trainings ``step`` uses: the latest at or before it that changes a deep setting."""
    index = _index(step)
    while index > 0 and not STEPS[index].overrides:
        index -= 1
    return STEPS[index].name


def training_steps() -> list[str]:
    """The steps that train (each deep model once per seed)."""
    return [step.name for step in STEPS if training_step(step.name) == step.name]


def step_settings(model: str, step: str, settings: dict) -> dict:
    """The settings of ``model`` at ``step``: its config entry ``settings`` with the ablated keys as before the
    issue, then every step's overrides up to ``step``."""
    out = {**settings, **BEFORE}
    if model == "convgru_sa":
        out["attention_pool"] = 1
    for current in STEPS[: _index(step) + 1]:
        overrides = dict(current.overrides)
        if overrides.pop("recipe", False):
            overrides |= RECIPE | {"warmup_iterations": int(WARMUP_SHARE * out.get("iterations", 1000))}
            if model == "convgru_sa":
                overrides["attention_pool"] = "auto"
        out |= overrides
    return out


def protocol_steps() -> list[str]:
    """The steps that set the days the baselines fit on (one climatology run each: ``ablation/climatology/<step>``)."""
    return [step.name for step in STEPS if step.baseline_fit_days is not None]


def step_fit_days(step: str) -> str:
    """The days the baselines fit on at ``step`` (the protocol holds from its step on)."""
    return [s.baseline_fit_days for s in STEPS[: _index(step) + 1] if s.baseline_fit_days is not None][-1]


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
    climatology fitted under each of :func:`protocol_steps`.
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
    from sstbias.catalog import DEEP_MODELS

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


START, END = "<!-- ablation table: start (generated, do not edit) -->", "<!-- ablation table: end -->"


def render_into(document: str | os.PathLike, tables: Sequence[str | os.PathLike], provenance: str) -> None:
    """Replace the text between :data:`START` and :data:`END` in ``document`` with the Markdown ``tables``
    (verbatim, in order) and a ``provenance`` line; ValueError if the markers are absent."""
    text = Path(document).read_text()
    if START not in text or END not in text:
        raise ValueError(f"{document}: no ablation markers ({START} ... {END})")
    body = "\n".join(Path(table).read_text() for table in tables)
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    new = f"{before}{START}\n{provenance}\n\n{body}{END}{after}"
    atomic_write(document, lambda tmp: tmp.write_text(new))


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m sstbias.ablation DOCUMENT TABLE.md [TABLE.md ...] --provenance TEXT``."""
    import argparse

    parser = argparse.ArgumentParser(description="Copy ablation tables (workflow outputs) into a document.")
    parser.add_argument("document")
    parser.add_argument("tables", nargs="+")
    parser.add_argument("--provenance", required=True, help="which commit and command produced the tables")
    args = parser.parse_args(argv)
    render_into(args.document, args.tables, args.provenance)


if __name__ == "__main__":
    main()
