"""A small deterministic aligned dataset with learnable forecast errors, for the model tests."""

import numpy as np
import pandas as pd
import xarray as xr


def aligned_dataset(n_days: int = 120, shape: tuple[int, int] = (12, 10), seed: int = 0) -> xr.Dataset:
    """forecast/observation (time, lat, lon) degC with a spatial bias, a lag dependence and noise; 3 land cells."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("2021-01-01", periods=n_days, freq="D")
    lat = 12.0 + 0.2 * np.arange(shape[0])
    lon = 110.0 + 0.2 * np.arange(shape[1])
    season = 28.0 + 1.5 * np.sin(2 * np.pi * np.arange(n_days) / 365.0)
    pattern = np.sin(lat[:, None]) * np.cos(lon[None, :])
    signal = season[:, None, None] + 0.8 * pattern + 0.4 * rng.standard_normal((n_days, *shape)).cumsum(0) * 0.1
    forecast = signal + 0.3 * rng.standard_normal((n_days, *shape))
    bias = 0.4 + 0.3 * pattern
    previous = np.concatenate([forecast[:1], forecast[:-1]])
    observation = forecast - bias + 0.3 * (previous - forecast) + 0.05 * rng.standard_normal((n_days, *shape))
    mask = np.ones(shape, dtype="int8")
    mask[0, :3] = 0
    forecast[:, mask == 0] = np.nan
    observation[:, mask == 0] = np.nan
    coords = {"time": days, "lat": lat, "lon": lon}
    dims = ("time", "lat", "lon")
    degc = {"units": "degC"}
    return xr.Dataset(
        {
            "forecast": xr.DataArray(forecast.astype("float32"), dims=dims, coords=coords, attrs=degc),
            "observation": xr.DataArray(observation.astype("float32"), dims=dims, coords=coords, attrs=degc),
            "ocean_mask": xr.DataArray(mask, dims=("lat", "lon"), coords={"lat": lat, "lon": lon}),
        }
    )
