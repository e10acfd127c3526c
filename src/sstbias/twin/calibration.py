"""Statistics of the twin through the workflow's own chain, for calibrating and checking the generator.

    python -m sstbias.twin.calibration [config.yaml] [--mechanisms] [--leads]

generates the test-period months into a temporary folder, reads, reduces, regrids and aligns them with the
library functions the workflow uses, and prints the error budget of the test days (sstbias.twin.budget: raw,
static oracle, floor, shares; the same numbers as the workflow's tables/error_budget.md) and the targets of the
realistic scenario. ``--mechanisms`` adds, for each switchable mechanism of the realistic scenario, the raw MSE it
adds (the budget with it, minus the budget without it), as a share of raw - floor MSE. ``--leads`` adds the raw
and floor RMSE of the forecast runs' leads 0 .. 7 on the test days (:func:`lead_statistics`) against the growth
taken from published validation (:data:`LEAD_GROWTH_TARGETS`, docs/twin.md).
"""

from __future__ import annotations

import dataclasses
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from sstbias.data.align import align_products
from sstbias.data.daily import reduce_daily
from sstbias.data.io import read_hycom, read_oisst
from sstbias.data.leads import lead_taus
from sstbias.data.regrid import regrid_bilinear
from sstbias.data.split import chronological_split
from sstbias.grid import AnalysisGrid
from sstbias.period import period_days
from sstbias.twin.budget import budget_markdown, error_budget
from sstbias.twin.forecast_error import BiasShape
from sstbias.twin.generate import synthesize_month
from sstbias.twin.run_files import forecast_runs, run_analyses
from sstbias.twin.runs import RunErrors, forecast_grid, lead_unpredictable
from sstbias.twin.scenarios import StateError, TwinParameters, scenario_parameters


def aligned_test_period(
    config: dict, workdir: Path, parameters: TwinParameters | None = None
) -> tuple[xr.Dataset, np.ndarray]:
    """The config's test days generated in ``workdir``, read, reduced, regridded and aligned as the workflow does:
    (aligned dataset: forecast, observation, ocean_mask; the unpredictable error (T, H, W) degC on those days).
    ``parameters`` replaces the scenario's."""
    days = period_days(config["period"])
    split = config.get("split", {"train_fraction": 0.8, "validation_fraction": 0.1})
    test = chronological_split(days, split["train_fraction"], split["validation_fraction"])["test"]
    months = sorted({d.strftime("%Y-%m") for d in test})
    grid = AnalysisGrid.from_config(config)
    daily = config.get("daily_reduction", {"method": "mean", "hour": 12})
    sub = {**config, "period": {"start": str(test[0].date()), "end": str(test[-1].date())}}
    forecasts, observations, diagnostics = [], [], []
    for month in months:
        paths = [workdir / f"{kind}_{month}.nc" for kind in ("hycom", "oisst", "diag")]
        synthesize_month(month, sub, *paths, parameters=parameters)
        hourly = read_hycom([paths[0]], box=grid.box)
        forecasts.append(regrid_bilinear(reduce_daily(hourly, daily["method"], daily["hour"]), grid))
        observations.append(regrid_bilinear(read_oisst([paths[1]], box=grid.box), grid))
        diagnostics.append(xr.load_dataset(paths[2])["unpredictable_error"])
    data = align_products(xr.concat(forecasts, "time"), xr.concat(observations, "time"), test)
    return data, xr.concat(diagnostics, "time").sel(time=test).values


def test_period_statistics(config: dict, workdir: Path, parameters: TwinParameters | None = None) -> dict[str, float]:
    """The error budget (:func:`sstbias.twin.budget.error_budget`) of the config's test days, with the raw bias
    (forecast - observation, degC) and the numbers of land cells; ``parameters`` replaces the scenario's."""
    data, unpredictable = aligned_test_period(config, workdir, parameters)
    ocean = data["ocean_mask"].values == 1
    forecast = data["forecast"].values[:, ocean]
    observation = data["observation"].values[:, ocean]
    return {
        **error_budget(forecast, observation, unpredictable[:, ocean]),
        "raw_bias": float(np.mean(forecast - observation)),
        "land_cells": int((~ocean).sum()),
    }


def ablations(parameters: TwinParameters) -> dict[str, TwinParameters]:
    """The scenario's parameters with one error mechanism removed at a time (those it has)."""
    perfect_eddies = dataclasses.replace(parameters.observed_eddies)
    variants = {
        "systematic bias": dataclasses.replace(parameters, bias=BiasShape(0.0, 0.0, 0.0, 0.0, 0.0)),
        "eddy position/amplitude errors": dataclasses.replace(parameters, forecast_eddies=perfect_eddies),
        "one-day lag": dataclasses.replace(parameters, lag_days=0.0),
        "cold tongue errors": dataclasses.replace(parameters, forecast_upwelling=parameters.true_upwelling),
    }
    if parameters.storms:
        variants["typhoon cold wakes (no storms)"] = dataclasses.replace(parameters, storms=False)
    if parameters.state_error.gain:
        variants["state-dependent over-response"] = dataclasses.replace(parameters, state_error=StateError())
    return variants


def mechanism_shares(config: dict, workdir: Path) -> pd.DataFrame:
    """For each error mechanism of the config's scenario: how much raw MSE and how much flow-dependent MSE (static
    oracle - floor) the budget loses when the forecast gets that mechanism right, as shares of raw - floor MSE.

    The mechanisms interact (the over-response acts on the wakes, for one), so the shares need not add up to 1.
    """
    full = test_period_statistics(config, workdir)
    correctable = full["raw_mse"] - full["floor_mse"]
    rows = []
    for name, parameters in ablations(scenario_parameters(config["twin"])).items():
        without = test_period_statistics(config, workdir, parameters)
        rows.append(
            {
                "mechanism": name,
                "raw_mse_share": (full["raw_mse"] - without["raw_mse"]) / correctable,
                "flow_dependent_share": (full["static_oracle_mse"] - without["static_oracle_mse"]) / correctable,
            }
        )
    return pd.DataFrame(rows)


# Raw RMSE of lead L over lead 1's, from published SST validation against forecast length (docs/twin.md): LICOM
# Forecast System, IV-TT class 4 (Zheng et al. 2023): 0.53 -> 0.63 degC over leads 1-6 d; in China seas against
# satellite SST (Xu et al. 2026): 0.61 -> 0.72 degC from 1 to 7 d. About +3.4 % of lead 1 per day (3.0-3.8 %).
# name -> (low, high): the ratio at lead 7 and lead 1's over lead 0 (the best time series, half a day earlier).
LEAD_GROWTH_TARGETS = {"rmse_7_over_1": (1.15, 1.25), "rmse_1_over_0": (1.00, 1.08)}


def lead_statistics(
    config: dict,
    workdir: Path,
    leads: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6, 7),
    parameters: TwinParameters | None = None,
    errors: RunErrors | None = None,
) -> pd.DataFrame:
    """Per lead (rows, index ``lead``): raw_rmse and raw_bias (lead L's daily forecast - observation over the
    ocean cells of the config's test days, degC), floor_rmse (of :func:`sstbias.twin.runs.lead_unpredictable`) and
    raw_rmse over lead 1's (when lead 1 is listed). Lead 0 is today's chain (:func:`aligned_test_period`); the
    runs' lead days are reduced and regridded in memory with the same library functions (their files only add
    the 0.001 degC packing)."""
    data, unpredictable = aligned_test_period(config, workdir, parameters)
    test = pd.DatetimeIndex(data["time"].values)
    ocean = data["ocean_mask"].values == 1
    observation = data["observation"].values[:, ocean]
    grid = AnalysisGrid.from_config(config)
    daily = config.get("daily_reduction", {"method": "mean", "hour": 12})
    forecasts = {0: data["forecast"].values[:, ocean]}
    floors = {0: unpredictable[:, ocean]}
    run_leads = [lead for lead in leads if lead]
    if run_leads:
        analyses = run_analyses(test, run_leads)
        runs = forecast_runs(config, analyses, parameters, errors)
        lat, lon, land = forecast_grid(config)
        days_by_lead: dict[int, list] = {lead: [] for lead in run_leads}
        for analysis in analyses:
            wanted = [lead for lead in run_leads if analysis.normalize() + pd.Timedelta(days=lead) in test]
            if not wanted:
                continue
            taus = sorted({tau for lead in wanted for tau in lead_taus(lead, daily["method"], daily["hour"])})
            sst = runs.steps(analysis, taus)
            sst[:, land] = np.nan
            steps = xr.DataArray(
                sst.astype("float32"),
                dims=("time", "lat", "lon"),
                coords={"time": analysis + pd.to_timedelta(taus, unit="h"), "lat": lat, "lon": lon},
            )
            for lead in wanted:
                chosen = steps.sel(time=steps["time"].dt.floor("D") == analysis.normalize() + pd.Timedelta(days=lead))
                days_by_lead[lead].append(reduce_daily(chosen, daily["method"], daily["hour"]))
        for lead in run_leads:
            field = regrid_bilinear(xr.concat(days_by_lead[lead], "time"), grid).sel(time=test)
            forecasts[lead] = field.values[:, ocean]
            floors[lead] = lead_unpredictable(config, lead, test, parameters, errors)[:, ocean]
    rows = {
        lead: {
            "raw_rmse": float(np.sqrt(np.mean((forecasts[lead] - observation) ** 2))),
            "raw_bias": float(np.mean(forecasts[lead] - observation)),
            "floor_rmse": float(np.sqrt(np.mean(floors[lead] ** 2))),
        }
        for lead in leads
    }
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis("lead")
    if 1 in rows:
        table["rmse_over_lead_1"] = table["raw_rmse"] / rows[1]["raw_rmse"]
    return table


def main() -> None:
    args = [arg for arg in sys.argv[1:] if arg not in ("--mechanisms", "--leads")]
    config = yaml.safe_load(Path(args[0] if args else "config/config.yaml").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        stats = test_period_statistics(config, Path(tmp))
        print(budget_markdown(stats, config["twin"]["scenario"]))
        print(pd.Series(stats).to_string())
        if "--mechanisms" in sys.argv[1:]:
            shares = mechanism_shares(config, Path(tmp))
            print("\nMSE each mechanism adds (raw, and flow-dependent: static oracle), / (raw - floor MSE):")
            print(shares.to_string(index=False, float_format="%.3f"))
        if "--leads" in sys.argv[1:]:
            print("\nForecast runs on the test days, by lead (degC); targets", LEAD_GROWTH_TARGETS)
            print(lead_statistics(config, Path(tmp)).to_string(float_format="%.3f"))


if __name__ == "__main__":
    main()
