"""The check that no impossible corrected field passes as a result: every prediction and every `sstbias correct`
output goes through :func:`check_corrected` before it is written."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sstbias.errors import InputDataError

# Sea water freezes near -1.9 degC and no sea surface reaches 40 degC (the readers refuse raw values outside too).
PHYSICAL_RANGE_C = (-5.0, 45.0)


def check_corrected(corrected: xr.DataArray, what: str, ocean: np.ndarray | None = None) -> None:
    """InputDataError naming ``what`` and the first bad day unless ``corrected`` (time, lat, lon) degC is finite
    and within :data:`PHYSICAL_RANGE_C` at every ocean cell of every day.

    ``ocean`` (lat, lon) bool: the model's ocean cells; None takes the cells finite on at least one day (a day
    with a hole at such a cell is refused), and a field without any finite value is refused.
    """
    values = np.asarray(corrected.transpose("time", "lat", "lon").values, dtype="float64")
    days = pd.DatetimeIndex(corrected["time"].values)
    if ocean is None:
        ocean = np.isfinite(values).any(axis=0)
    if not ocean.any() or values.shape[0] == 0:
        raise InputDataError(f"{what}: no finite corrected value at any cell (a diverged or broken model)")
    cells = values[:, ocean]
    low, high = PHYSICAL_RANGE_C
    finite = np.isfinite(cells)
    bad = ~finite | (np.where(finite, cells, 0.0) < low) | (np.where(finite, cells, 0.0) > high)
    if not bad.any():
        return
    day = int(np.flatnonzero(bad.any(axis=1))[0])
    row = cells[day][bad[day]]
    finite_bad = row[np.isfinite(row)]
    example = f"{finite_bad[0]:.4g} degC" if finite_bad.size else "NaN"
    raise InputDataError(
        f"{what}: impossible corrected SST on {days[day].date()}: {int(bad[day].sum())} of {int(ocean.sum())} ocean "
        f"cells non-finite or outside the physical range [{low:g}, {high:g}] degC (e.g. {example}; "
        f"{int(bad.any(axis=1).sum())} day(s) affected); nothing written"
    )
