"""The input channels of the deep correctors besides the forecast, by name.

Static channels (``static_channels``), the same on every day, each (H, W):

- ``ocean_mask``: 1 on ocean cells, 0 on land;
- ``lat``, ``lon``: the cell's latitude / longitude scaled to [0, 1] over the grid (where the cell is).

Daily channels (``daily_channels``), one value or field per day of the window:

- ``doy_sin``, ``doy_cos``: sin and cos of 2 pi (day of year - 1) / 365.25, uniform over the grid (when it is);
- ``climatology``: the per-cell climatological correction of the day (the climatology baseline's mean
  observation - forecast, fitted on the network's training days), in normalised units (degC / scale).

The lead channel, last, of a model that takes the forecast lead as an input (``forecast.lead_models:
lead_input``): the lead of the window's forecasts in days / :data:`LEAD_SCALE_DAYS`, uniform over the grid.

The names allowed are those of :mod:`sstbias.deep.settings`, which checks them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch
import xarray as xr

CALENDAR_CHANNELS = ("doy_sin", "doy_cos")
DAYS_PER_YEAR = 365.25
# Days that make the lead channel 1: the last whole day of a HYCOM run (its 180 h hold leads 0 .. 7 of the daily
# mean); a fixed scale, so a lead means the same to every lead-input model whatever leads it was trained on.
LEAD_SCALE_DAYS = 7.0


def static_layers(data: xr.Dataset, names: list[str]) -> torch.Tensor:
    """The static channels ``names`` of ``data``'s grid: (S, H, W) float32."""
    height, width = data.sizes["lat"], data.sizes["lon"]
    layers = []
    for name in names:
        if name == "ocean_mask":
            layers.append(data["ocean_mask"].values.astype("float32"))
        else:
            axis = data[name].values
            scaled = (axis - axis.min()) / max(axis.max() - axis.min(), 1e-12)
            grid = scaled[:, None] if name == "lat" else scaled[None, :]
            layers.append(np.broadcast_to(grid, (height, width)).astype("float32"))
    return torch.from_numpy(np.stack(layers)) if layers else torch.zeros(0, height, width)


def calendar_values(days: pd.DatetimeIndex, names: list[str]) -> torch.Tensor:
    """The calendar channels among ``names`` of each day: (T, K) float32 (K = how many of them are listed)."""
    angle = 2 * np.pi * (np.asarray(pd.DatetimeIndex(days).day_of_year) - 1) / DAYS_PER_YEAR
    columns = [np.sin(angle) if name == "doy_sin" else np.cos(angle) for name in names if name in CALENDAR_CHANNELS]
    return torch.from_numpy(np.stack(columns, axis=1).astype("float32")) if columns else torch.zeros(len(days), 0)


def lead_value(lead: int) -> float:
    """The lead channel's value for forecasts of lead ``lead`` (days)."""
    return lead / LEAD_SCALE_DAYS
