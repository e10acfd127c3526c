"""Figures of the evaluation (matplotlib, PNG): error maps (the paper's Fig. 6), corrected-vs-observed scatter,
the domain-mean error through the test period, and the deep models' training curves.

Panels of one figure share their colour scale and axes; land (cells off the ocean mask) is shaded grey.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

from sstbias.evaluation.budget_curve import reference_rmse  # noqa: E402
from sstbias.evaluation.metrics import gap_closed  # noqa: E402
from sstbias.experiments.catalog import display_name  # noqa: E402
from sstbias.netcdf import atomic_write  # noqa: E402

DPI = 120
LAND_COLOUR = "0.6"


def _grid(n: int, columns: int = 3) -> tuple[int, int]:
    return math.ceil(n / columns), min(n, columns)


def _save(fig: plt.Figure, path: str | os.PathLike) -> None:
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=DPI, bbox_inches="tight"))
    plt.close(fig)


def _title(name: str) -> str:
    return display_name(name)


def error_maps(
    predictions: dict[str, xr.DataArray], observation: xr.DataArray, mask: xr.DataArray, path: str | os.PathLike
) -> None:
    """Maps of the test-period mean absolute error (degC) per cell, one panel per model, one colour scale."""
    errors = {name: np.abs(p - observation).mean("time") for name, p in predictions.items()}
    vmax = float(max(np.nanpercentile(e.values, 99) for e in errors.values()))
    rows, cols = _grid(len(errors))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.8 * rows), squeeze=False, sharex=True, sharey=True)
    land = np.where(mask.values == 1, np.nan, 1.0)
    lon, lat = observation["lon"].values, observation["lat"].values
    for ax, (name, error) in zip(axes.flat, errors.items(), strict=False):
        image = ax.pcolormesh(lon, lat, error.values, cmap="viridis", vmin=0, vmax=vmax, shading="nearest")
        ax.pcolormesh(lon, lat, land, cmap=matplotlib.colors.ListedColormap([LAND_COLOUR]), shading="nearest")
        ax.set_title(f"{_title(name)}\nmean {float(error.mean()):.2f} °C, max {float(error.max()):.2f} °C", fontsize=9)
        ax.set_aspect("equal")
    for ax in axes.flat[len(errors) :]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("longitude (°E)")
    for ax in axes[:, 0]:
        ax.set_ylabel("latitude (°N)")
    fig.colorbar(image, ax=axes, shrink=0.8, label="mean absolute error over the test period (°C)")
    _save(fig, path)


def scatter(
    predictions: dict[str, xr.DataArray], observation: xr.DataArray, mask: xr.DataArray, path: str | os.PathLike
) -> None:
    """Corrected against observed SST (degC) on ocean cell-days, a density panel per model with the 1:1 line."""
    ocean = mask.values == 1
    observed = observation.values[:, ocean].ravel()
    low, high = np.percentile(observed, [0.5, 99.5])
    span = (low - 0.5, high + 0.5)
    rows, cols = _grid(len(predictions))
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.6 * rows), squeeze=False, sharex=True, sharey=True)
    for ax, (name, prediction) in zip(axes.flat, predictions.items(), strict=False):
        predicted = prediction.values[:, ocean].ravel()
        ax.hexbin(observed, predicted, gridsize=60, extent=(*span, *span), bins="log", mincnt=1, cmap="magma_r")
        ax.plot(span, span, color="tab:blue", linewidth=1)
        rmse = float(np.sqrt(np.mean((predicted - observed) ** 2)))
        ax.set_title(f"{_title(name)} (RMSE {rmse:.2f} °C)", fontsize=9)
    for ax in axes.flat[len(predictions) :]:
        ax.axis("off")
    for ax in axes[-1]:
        ax.set_xlabel("observed SST (°C)")
    for ax in axes[:, 0]:
        ax.set_ylabel("corrected SST (°C)")
    _save(fig, path)


def error_time_series(daily: dict[str, pd.DataFrame], path: str | os.PathLike) -> None:
    """Domain-mean error (corrected - observed, degC) per test day and model, from per-day error sums."""
    fig, ax = plt.subplots(figsize=(9, 4))
    for name, frame in daily.items():
        style = {"color": "black", "linewidth": 2} if name == "raw" else {"linewidth": 1}
        ax.plot(pd.to_datetime(frame["date"]), frame["sum_error"] / frame["n"], label=_title(name), **style)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set_ylabel("domain-mean error (°C)")
    ax.set_xlabel("test day")
    ax.legend(fontsize=8, ncol=3)
    fig.autofmt_xdate()
    _save(fig, path)


def training_curves(logs: dict[str, pd.DataFrame], path: str | os.PathLike) -> None:
    """Training loss (normalised units) and validation RMSE (degC) against iterations, per deep model."""
    fig, (loss_ax, val_ax) = plt.subplots(1, 2, figsize=(10, 3.8))
    for name, log in logs.items():
        loss_ax.plot(log["iteration"], log["train_loss"], label=_title(name))
        val_ax.plot(log["iteration"], log["val_rmse"], marker="o", markersize=3, label=_title(name))
    loss_ax.set_yscale("log")
    loss_ax.set_ylabel("training loss (masked MSE, normalised)")
    val_ax.set_ylabel("validation RMSE (°C)")
    for ax in (loss_ax, val_ax):
        ax.set_xlabel("iteration")
        ax.legend(fontsize=8)
    _save(fig, path)


def metric_curves(table: pd.DataFrame, key: str, label: str, path: str | os.PathLike, log_x: bool) -> None:
    """MAPE, MSE, RMSE and MAE against a hyper-parameter (the paper's Figs. 7 and 8), one panel each.

    With a ``rmse_sd`` column (several seeds) the RMSE panel shows the means with +-1 standard deviation bars.
    """
    fig, axes = plt.subplots(1, 4, figsize=(14, 3.2))
    spread = table["rmse_sd"] if "rmse_sd" in table and table["rmse_sd"].notna().any() else None
    for ax, (column, name) in zip(
        axes, (("mape", "MAPE (%)"), ("mse", "MSE (°C²)"), ("rmse", "RMSE (°C)"), ("mae", "MAE (°C)")), strict=True
    ):
        errors = spread if column == "rmse" else None
        ax.errorbar(table[key], table[column], yerr=errors, marker="o", capsize=3)
        ax.set_xlabel(label)
        ax.set_ylabel(name)
        if log_x:
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(NullFormatter())
    fig.tight_layout()
    _save(fig, path)


def budget_curves(tables: Sequence[pd.DataFrame], references: Mapping[str, float], path: str | os.PathLike) -> None:
    """Test RMSE (degC) and, when the tables have it (the twin), gap closed against the samples seen, and test RMSE
    against the seconds of training (log axes): one line per model
    (:func:`sstbias.evaluation.budget_curve.budget_table` rows)
    with a +-1 sd band over seeds, and the ``references``' test RMSE (raw, lightgbm, floor) as horizontal lines."""
    with_gap = any(table["gap_closed_mean"].notna().any() for table in tables)
    samples = "training samples seen (iterations x batch size)"
    panels = [("samples", samples, "rmse", "test RMSE (°C)")]
    panels += [("samples", samples, "gap_closed", "gap closed (raw 0, floor 1)")] if with_gap else []
    panels += [("seconds_mean", "seconds of training (wall clock)", "rmse", "test RMSE (°C)")]
    fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4), squeeze=False)
    raw, floor = references.get("raw"), references.get("floor")
    for ax, (x, x_label, column, label) in zip(axes[0], panels, strict=True):
        for table in tables:
            mean, sd = table[f"{column}_mean"], table[f"{column}_sd"].fillna(0.0)
            ax.plot(table[x], mean, marker="o", markersize=3, label=_title(table["model"].iloc[0]))
            ax.fill_between(table[x], mean - sd, mean + sd, alpha=0.2)
        for name, rmse in references.items():
            level = rmse if column == "rmse" else gap_closed(raw, rmse, floor)
            ax.axhline(level, color="0.4", linestyle={"raw": ":", "lightgbm": "--"}.get(name, "-."), linewidth=1)
            ax.annotate(_title(name), (1.0, level), xycoords=("axes fraction", "data"), fontsize=7, ha="right",
                        va="bottom", color="0.3")  # fmt: skip
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())  # decade labels only: the minor ones overlap
        ax.set_xlabel(x_label)
        ax.set_ylabel(label)
    axes[0][0].legend(fontsize=8)
    fig.tight_layout()
    _save(fig, path)


def rmse_by_lead(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Test RMSE (degC) against lead (days) with its bootstrap interval: one line per model of ``table`` (the rows
    of :func:`sstbias.evaluation.by_lead.by_lead_table`), the raw forecast dotted and the floor dash-dotted."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for model, group in table.groupby("model", sort=False):
        group = group.sort_values("lead")
        errors = [group["rmse"] - group["rmse_ci_low"], group["rmse_ci_high"] - group["rmse"]]
        style = {"raw": ":", "floor": "-."}.get(model, "-")
        ax.errorbar(group["lead"], group["rmse"], yerr=errors, marker="o", markersize=3, capsize=3, linestyle=style,
                    label=_title(model))  # fmt: skip
    ax.set_xlabel("lead (days after the run's analysis day)")
    ax.set_ylabel("test RMSE (°C)")
    ax.set_xticks(sorted(table["lead"].unique()))
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    _save(fig, path)


def budget_figure(
    tables: Sequence[str | os.PathLike],
    references: Mapping[str, Sequence[str | os.PathLike]],
    png: str | os.PathLike,
) -> None:
    """figures/budget.png from the models' budget tables (CSV) and the references' metrics files (as
    :func:`sstbias.evaluation.budget_curve.write_budget_table`)."""
    budget_curves([pd.read_csv(table) for table in tables], reference_rmse(references), png)
