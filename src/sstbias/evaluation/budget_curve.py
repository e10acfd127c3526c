"""The budget curve: the deep models' test RMSE and gap closed against the training samples they have seen.

A report, like the paper's Table 3: defaults are chosen on validation, never on this curve. The workflow target
``budget`` (workflow/rules/budget_curve.smk) trains each configured network once per seed to the largest of
``budget.iterations`` (run ``budget/<model>/training/seed_<n>``, :mod:`sstbias.experiments.runs`), validating every
``budget.eval_every`` iterations and keeping at each point the weights selected on validation up to it
(``weights/best_NNNNNN.pt``: at a constant learning rate what ``best.pt`` of a run of that length holds). Each point
(``budget/<model>/it_NNNNNN/seed_<n>``) is predicted and scored like any run; :func:`budget_table` gathers them into
``tables/budget_<model>.csv`` / ``.md`` and :func:`sstbias.evaluation.figures.budget_figure` draws
``figures/budget.png``. The
trainer resumes, so appending larger points to ``budget.iterations`` continues the same trainings.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sstbias.errors import ConfigError
from sstbias.evaluation.metrics import gap_closed
from sstbias.experiments.ablation.table import best_validation_rmse
from sstbias.experiments.catalog import DEEP_MODELS, FLOOR, display_name
from sstbias.netcdf import atomic_write

# From the default budget (ConvGRU-SA 400, ConvGRU and ConvLSTM-AT 600 iterations of batch 4) to 30x its samples.
DEFAULT_ITERATIONS = (400, 600, 1200, 2400, 4800, 9600, 18000)
REFERENCES = ("raw", "lightgbm", FLOOR)  # horizontal lines of the figure, when the run has them


@dataclass(frozen=True)
class BudgetSettings:
    """Config ``budget``: the seeds, the points (iterations; samples seen = iterations x the model's batch size),
    the validation interval of the budget trainings and the networks (None: every configured deep model)."""

    seeds: list[int] = field(default_factory=lambda: [0, 1])
    iterations: list[int] = field(default_factory=lambda: list(DEFAULT_ITERATIONS))
    eval_every: int = 50  # iterations between validations; every point is one, so its selection is a run's
    models: list[str] | None = None


def budget_settings(config: Mapping) -> BudgetSettings:
    """The config's ``budget`` section with the library's defaults, its models resolved (every configured deep
    model by default, in the paper's order); ConfigError naming the key if it does not fit the config."""
    settings = BudgetSettings(**config.get("budget", {}))
    configured = [name for name in DEEP_MODELS if name in config["models"]]
    for model in settings.models or []:
        if model not in configured:
            raise ConfigError(f"budget.models: {model!r} is not a deep model configured under models")
    off = [it for it in settings.iterations if it % settings.eval_every]
    if off:
        raise ConfigError(
            f"budget.iterations: {off[0]} is not a multiple of budget.eval_every ({settings.eval_every}), so the "
            "point would not be validated and its selected weights would not be those of a run of that length"
        )
    models = configured if settings.models is None else [m for m in DEEP_MODELS if m in settings.models]
    return dataclasses.replace(settings, iterations=sorted(settings.iterations), models=models)


def _rmse(path: str | os.PathLike) -> float:
    return float(json.loads(Path(path).read_text())["rmse"])


def _seconds_at(training_log: str | os.PathLike, iteration: int) -> float:
    """Seconds (wall clock, training and its validations) from the start of a run to ``iteration``: its log row."""
    log = pd.read_csv(training_log).set_index("iteration")
    return float(log.loc[iteration, "seconds"])


def reference_rmse(files: Mapping[str, Sequence[str | os.PathLike]]) -> dict[str, float]:
    """Test RMSE (degC, the mean over its seeds' metrics JSON files) of each reference that has files: of
    :data:`REFERENCES`, raw, LightGBM and the twin's irreducible floor."""
    return {name: sum(map(_rmse, files[name])) / len(files[name]) for name in REFERENCES if files.get(name)}


def budget_table(
    *,
    model: str,
    iterations: Sequence[int],
    batch_size: int,
    metrics: Sequence[Sequence[str | os.PathLike]],
    logs: Sequence[str | os.PathLike],
    references: Mapping[str, float],
) -> pd.DataFrame:
    """One row per point: iterations, samples seen, training seconds to the point, test RMSE and gap closed (mean
    and sd over seeds), the best validation RMSE up to the point (mean over seeds), seeds.

    ``metrics[i]`` are the metrics JSON files of point ``iterations[i]``, one per seed in the order of ``logs``
    (each seed's training_log.csv). ``references``: :func:`reference_rmse` (gap closed needs raw and the floor,
    else NaN). RMSE in degC; seconds are the log's (wall clock of the training process, validations included).
    """
    rmse_raw = references.get("raw", float("nan"))
    rmse_floor = references.get(FLOOR, float("nan"))
    rows = []
    for iteration, files in zip(iterations, metrics, strict=True):
        if len(files) != len(logs):
            raise ValueError(f"budget {model} at {iteration}: {len(files)} metrics files for {len(logs)} seeds")
        rmse = pd.Series([_rmse(path) for path in files])
        gap = pd.Series([gap_closed(rmse_raw, value, rmse_floor) for value in rmse])
        rows.append(
            {
                "model": model,
                "iterations": iteration,
                "samples": iteration * batch_size,
                "seconds_mean": pd.Series([_seconds_at(log, iteration) for log in logs]).mean(),
                "rmse_mean": rmse.mean(),
                "rmse_sd": rmse.std(ddof=1) if len(rmse) > 1 else float("nan"),
                "gap_closed_mean": gap.mean(),
                "gap_closed_sd": gap.std(ddof=1) if len(gap) > 1 else float("nan"),
                "val_rmse_mean": pd.Series([best_validation_rmse(log, iteration) for log in logs]).mean(),
                "n_seeds": len(rmse),
            }
        )
    return pd.DataFrame(rows)


def budget_markdown(table: pd.DataFrame, title: str) -> str:
    """The budget table of one model as Markdown (RMSE degC with 3 decimals, gap closed with 2)."""
    model = table["model"].iloc[0]
    lines = [
        f"**{display_name(model)}: {title}** (test RMSE °C, mean ± sd over {table['n_seeds'].max()} seed(s); "
        "gap closed = (raw - model) / (raw - floor); validation RMSE of the weights selected up to each point; "
        "seconds of training to the point, wall clock)",
        "",
        "| iterations | samples | training seconds | test RMSE (°C) | gap closed | best validation RMSE (°C) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for row in table.itertuples(index=False):
        rmse = f"{row.rmse_mean:.3f}" + (f" ± {row.rmse_sd:.3f}" if pd.notna(row.rmse_sd) else "")
        gap = "-" if pd.isna(row.gap_closed_mean) else f"{row.gap_closed_mean:.2f}"
        cells = [row.iterations, row.samples, f"{row.seconds_mean:.0f}", rmse, gap, f"{row.val_rmse_mean:.3f}"]
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    return "\n".join(lines) + "\n"


def write_budget_table(
    *,
    model: str,
    iterations: Sequence[int],
    batch_size: int,
    metrics: Sequence[str | os.PathLike],
    logs: Sequence[str | os.PathLike],
    references: Mapping[str, Sequence[str | os.PathLike]],
    csv: str | os.PathLike,
    md: str | os.PathLike,
    title: str,
) -> None:
    """tables/budget_<model>.csv and .md from the point-major ``metrics`` (every seed of the first point, then of
    the next, ...), the seeds' ``logs`` and the references' metrics files (:func:`reference_rmse`), atomically."""
    n_seeds = len(logs)
    if len(metrics) != len(iterations) * n_seeds:
        raise ValueError(f"budget {model}: {len(metrics)} metrics files for {len(iterations)} points x {n_seeds} seeds")
    by_point = [metrics[i : i + n_seeds] for i in range(0, len(metrics), n_seeds)]
    table = budget_table(
        model=model,
        iterations=iterations,
        batch_size=batch_size,
        metrics=by_point,
        logs=logs,
        references=reference_rmse(references),
    )
    atomic_write(csv, lambda tmp: table.to_csv(tmp, index=False, float_format="%.6g"))
    text = budget_markdown(table, title)
    atomic_write(md, lambda tmp: tmp.write_text(text))
