"""The workflow's files below ``{results_root}/{dataset}/``, by name (common.smk's PATHS), with their wildcards.

A run (``{run}``, :mod:`sstbias.experiments.runs`) is one fit of a model: its model folder (a deep model's files:
:class:`sstbias.deep.folder.ModelFolder`), prediction and metrics.

With forecast leads (``forecast.leads`` other than ``[0]``, :mod:`sstbias.data.leads`) every file made from the
forecast lies below ``lead_{lead}/`` (wildcard ``lead``: the lead in days), from its daily forecast to its tables:
each lead is an experiment of its own on the same valid days. The raw files, the settings files, the tables
across leads, the deep models that take the lead as an input (``lead_input/models/{run}/``: one model for every
lead, ``forecast.lead_models: lead_input``) and the correction of forecast runs by every lead's model
(``corrected_by_lead/``) stay at the top.
"""

from __future__ import annotations

import os
from pathlib import Path

from sstbias.deep.folder import ModelFolder

# names (or their starts) of the files of every lead
SHARED = ("raw_", "twin_diagnostics", "settings", "by_lead_", "lead_input_")
LEAD_FOLDER = "lead_{lead}"


def result_paths(root: str | os.PathLike, by_lead: bool = False) -> dict[str, str]:
    """Every file the workflow's rules read or write below ``root``, by name; wildcards in braces. ``by_lead``:
    the files made from the forecast below ``root/lead_{lead}/``."""
    root = Path(root)
    paths = _paths(root)
    if by_lead:
        lead_paths = _paths(root / LEAD_FOLDER)
        paths.update({name: lead_paths[name] for name in paths if not name.startswith(SHARED)})
    return paths


def _paths(root: Path) -> dict[str, str]:
    def out(*parts: str) -> str:
        return str(root.joinpath(*parts))

    deep = ModelFolder(root / "models" / "{run}")
    lead_input = ModelFolder(root / "lead_input" / "models" / "{run}")
    return {
        "raw_hycom": out("raw", "hycom", "{month}.nc"),
        "raw_oisst": out("raw", "oisst", "{month}.nc"),
        "raw_hycom_day": out("raw", "hycom", "days", "{day}.nc"),
        "raw_hycom_runs": out("raw", "hycom", "runs", "{month}"),
        "raw_hycom_run_lead": out("raw", "hycom", "runs", "{run}", "lead_{lead}"),
        "raw_oisst_erddap": out("raw", "oisst", "erddap", "{month}.nc"),
        "raw_oisst_ncei": out("raw", "oisst", "ncei", "{day}.nc"),
        "twin_diagnostics": out("raw", "twin_diagnostics", "{month}.nc"),
        "twin_lead_diagnostics": out("raw", "twin_diagnostics", "lead_{lead}", "{month}.nc"),
        "settings": out("interim", "settings", "{stage}.json"),
        "forecast_daily": out("interim", "forecast_daily", "{month}.nc"),
        "regridded": out("interim", "regridded", "{product}.nc"),
        "regrid_weights": out("interim", "regrid_weights", "{product}.nc"),
        "aligned": out("interim", "aligned.nc"),
        "split_json": out("interim", "split.json"),
        "split_csv": out("interim", "split.csv"),
        "normalisation": out("interim", "normalisation.json"),
        "model": out("models", "{run}", "model.nc"),
        "deep_best": str(deep.best),
        "deep_log": str(deep.training_log),
        "deep_config": str(deep.description),
        "deep_weights": str(deep.exported_weights("{it}")),
        "deep_selected_weights": str(deep.selected_weights("{it}")),
        "lead_input_best": str(lead_input.best),
        "lead_input_log": str(lead_input.training_log),
        "lead_input_config": str(lead_input.description),
        "lead_input_by_lead": str(lead_input.validation_by_lead),
        "prediction": out("predictions", "{run}.nc"),
        "metrics": out("metrics", "{run}.json"),
        "daily_errors": out("metrics", "{run}_daily.csv"),
        "metrics_csv": out("tables", "metrics.csv"),
        "metrics_md": out("tables", "metrics.md"),
        "seed_metrics_csv": out("tables", "metrics_by_seed.csv"),
        "monthly_csv": out("tables", "monthly_rmse.csv"),
        "monthly_md": out("tables", "monthly_rmse.md"),
        "skill_csv": out("tables", "skill.csv"),
        "skill_md": out("tables", "skill.md"),
        "error_budget_csv": out("tables", "error_budget.csv"),
        "error_budget_md": out("tables", "error_budget.md"),
        "grid_table_csv": out("tables", "grid_{grid}_{model}.csv"),
        "grid_table_md": out("tables", "grid_{grid}_{model}.md"),
        "grid_figure": out("figures", "grid_{grid}_{model}.png"),
        "fig_error_maps": out("figures", "error_maps.png"),
        "fig_scatter": out("figures", "scatter.png"),
        "fig_error_series": out("figures", "error_series.png"),
        "fig_training": out("figures", "training_curves.png"),
        "corrected": out("corrected", "{run}", "{name}.nc"),
        "by_lead_corrected": out("corrected_by_lead", "{run}", "{name}.nc"),
        "ablation_csv": out("tables", "ablation.csv"),
        "ablation_md": out("tables", "ablation.md"),
        "budget_csv": out("tables", "budget_{model}.csv"),
        "budget_md": out("tables", "budget_{model}.md"),
        "budget_figure": out("figures", "budget.png"),
        "by_lead_csv": out("tables", "by_lead.csv"),
        "by_lead_md": out("tables", "by_lead.md"),
        "by_lead_figure": out("figures", "rmse_by_lead.png"),
    }
