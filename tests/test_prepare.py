"""Daily reduction, alignment with the ocean mask, and normalisation from training days only."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sstbias.data.align import align_products
from sstbias.data.daily import reduce_daily
from sstbias.data.normalise import Normaliser, fit_normaliser
from sstbias.errors import InputDataError


def field(times, values=None, shape=(3, 4)) -> xr.DataArray:
    times = pd.DatetimeIndex(times)
    if values is None:
        values = np.arange(len(times) * shape[0] * shape[1], dtype="float32").reshape(len(times), *shape)
    return xr.DataArray(
        values,
        dims=("time", "lat", "lon"),
        coords={"time": times, "lat": np.arange(shape[0]) * 0.1, "lon": 110 + np.arange(shape[1]) * 0.1},
        attrs={"units": "degC", "source_files": "f.nc"},
    )


def test_daily_mean_and_sample():
    times = pd.date_range("2021-01-01", periods=16, freq="3h")
    hourly = field(times, np.repeat(np.arange(16.0), 12).reshape(16, 3, 4).astype("float32"))
    mean = reduce_daily(hourly, "mean")
    assert list(mean["time"].values) == list(pd.date_range("2021-01-01", periods=2).values)
    np.testing.assert_allclose(mean.values[:, 0, 0], [3.5, 11.5])
    sample = reduce_daily(hourly, "sample", hour=12)
    np.testing.assert_allclose(sample.values[:, 0, 0], [4.0, 12.0])
    assert sample.attrs["units"] == "degC" and "cell_methods" in sample.attrs


def test_daily_mean_rejects_incomplete_day_naming_it():
    times = pd.date_range("2021-01-01", periods=16, freq="3h").delete(10)
    with pytest.raises(InputDataError, match=r"f\.nc.*2021-01-02 \(7 steps\)"):
        reduce_daily(field(times), "mean")


def daily(n=6, start="2021-01-01"):
    return pd.date_range(start, periods=n, freq="D")


def test_align_masks_land_and_intermittent_cells(caplog):
    days = daily()
    fc, ob = field(days), field(days + pd.Timedelta("12h")) + 0.5
    fc[:, 0, 0] = np.nan  # land in the forecast
    ob[2, 1, 1] = np.nan  # one missing value in the observation
    ds = align_products(fc, ob, days)
    assert ds["ocean_mask"].sum() == 12 - 2
    assert ds["ocean_mask"][0, 0] == 0 and ds["ocean_mask"][1, 1] == 0
    assert np.isnan(ds["observation"][:, 0, 0]).all() and np.isnan(ds["forecast"][:, 1, 1]).all()
    assert pd.DatetimeIndex(ds["time"].values).equals(days)
    assert "valid on some days only" in caplog.text


def test_align_missing_day_error_names_product_and_day():
    days = daily()
    with pytest.raises(InputDataError, match="observation.*2021-01-04"):
        align_products(field(days), field(days.delete(3)), days)


def test_align_missing_day_drop_is_logged(caplog):
    days = daily()
    ds = align_products(field(days), field(days.delete(3)), days, missing_days="drop")
    assert ds.sizes["time"] == 5 and "dropping 1 days" in caplog.text


def test_align_all_nan_day_is_error():
    days = daily()
    ob = field(days)
    ob[1] = np.nan
    with pytest.raises(InputDataError, match="no valid value on 2021-01-02"):
        align_products(field(days), ob, days)


def aligned(n=10):
    days = daily(n)
    fc = field(days)
    ds = align_products(fc, fc + 1.0, days)
    return ds, days


def test_normaliser_uses_training_days_only():
    ds, days = aligned()
    train = days[:5]
    norm = fit_normaliser(ds, train, "minmax", "per_variable")
    f_train = ds["forecast"].sel(time=train).values
    assert norm.stats["forecast"] == {"offset": float(f_train.min()), "scale": float(f_train.max() - f_train.min())}
    scaled = norm.transform(ds["forecast"].sel(time=train), "forecast")
    assert float(scaled.min()) == 0.0 and float(scaled.max()) == 1.0
    assert float(norm.transform(ds["forecast"], "forecast").max()) > 1.0  # later days were not seen
    assert norm.days == [d.strftime("%Y-%m-%d") for d in train]


@pytest.mark.parametrize(("method", "scope"), [("minmax", "shared"), ("zscore", "per_variable")])
def test_normaliser_exact_inverse_and_round_trip(tmp_path, method, scope):
    ds, days = aligned()
    norm = fit_normaliser(ds, days[:6], method, scope)
    for name in ("forecast", "observation"):
        back = norm.inverse(norm.transform(ds[name], name), name)
        np.testing.assert_allclose(back.values, ds[name].values, rtol=0, atol=1e-4)
    if scope == "shared":
        assert norm.stats["forecast"] == norm.stats["observation"]
    norm.save(tmp_path / "n.json")
    assert Normaliser.load(tmp_path / "n.json") == norm


def test_atomic_write_leaves_no_partial_file_and_respects_the_umask(tmp_path):
    import os

    from sstbias.netcdf import atomic_write

    def failing(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "out.txt", failing)
    assert list(tmp_path.iterdir()) == []
    atomic_write(tmp_path / "out.txt", lambda tmp: tmp.write_text("whole"))
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o666 & ~mask
