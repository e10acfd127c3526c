"""Statistics of the twin through the workflow's own chain, for calibrating and checking the generator.

    python -m sstbias.twin.calibration [config.yaml]

generates the test-period months into a temporary folder, reads, reduces, regrids and aligns them with the
library functions the workflow uses, and prints the uncorrected forecast's RMSE, MAE and mean SST on the test
days together with the irreducible floor.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr
import yaml

from sstbias.align import align_products
from sstbias.config import period_days
from sstbias.daily import reduce_daily
from sstbias.grid import AnalysisGrid
from sstbias.io import read_hycom, read_oisst
from sstbias.regrid import regrid_bilinear
from sstbias.split import chronological_split
from sstbias.twin.generate import synthesize_month


def test_period_statistics(config: dict, workdir: Path) -> dict[str, float]:
    """Raw forecast RMSE/MAE/bias (degC), mean observed SST and floor RMSE over the config's test days."""
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
        synthesize_month(month, sub, *paths)
        hourly = read_hycom([paths[0]], box=grid.box)
        forecasts.append(regrid_bilinear(reduce_daily(hourly, daily["method"], daily["hour"]), grid))
        observations.append(regrid_bilinear(read_oisst([paths[1]], box=grid.box), grid))
        diagnostics.append(xr.load_dataset(paths[2])["unpredictable_error"])
    data = align_products(xr.concat(forecasts, "time"), xr.concat(observations, "time"), test)
    ocean = data["ocean_mask"].values == 1
    error = (data["forecast"] - data["observation"]).values[:, ocean]
    floor = xr.concat(diagnostics, "time").values[:, ocean]
    return {
        "raw_rmse": float(np.sqrt(np.mean(error**2))),
        "raw_mae": float(np.mean(np.abs(error))),
        "raw_bias": float(np.mean(error)),
        "mean_observed_sst": float(np.mean(data["observation"].values[:, ocean])),
        "floor_rmse": float(np.sqrt(np.mean(floor**2))),
        "test_days": len(test),
        "ocean_cells": int(ocean.sum()),
        "land_cells": int((~ocean).sum()),
    }


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else "config/config.yaml"
    config = yaml.safe_load(Path(path).read_text())
    with tempfile.TemporaryDirectory() as tmp:
        stats = test_period_statistics(config, Path(tmp))
    print(pd.Series(stats).to_string())


if __name__ == "__main__":
    main()
