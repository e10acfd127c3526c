"""Readers decode the genuine HYCOM and OISST files exactly and reject bad input naming the file."""

import logging
import shutil

import netCDF4
import numpy as np
import pandas as pd
import pytest

from sstbias.data.io import TimeWindow, read_hycom, read_oisst
from sstbias.data.io.longitude import to_pm180, wrap_longitude
from sstbias.errors import InputDataError
from sstbias.grid import Box

PAPER_BOX = Box(12.0, 16.0, 110.0, 114.0)
OISST = "oisst-avhrr-v02r01.20211025.nc"
HYCOM = "hycom_glby_930_2019030712_t003_ts3z.nc"


def test_genuine_oisst_over_the_paper_box(realdata):
    sst = read_oisst([realdata / OISST], box=PAPER_BOX, halo=0.0)
    assert sst.shape == (1, 16, 16)
    assert np.isfinite(sst).all()
    assert float(sst.min()) >= 27.4 and float(sst.max()) <= 29.2
    assert pd.Timestamp(sst["time"].values[0]) == pd.Timestamp("2021-10-25 12:00")
    np.testing.assert_allclose(sst["lat"].values[[0, -1]], [12.125, 15.875])
    np.testing.assert_allclose(sst["lon"].values[[0, -1]], [110.125, 113.875])
    assert sst.dtype == np.float32 and sst.attrs["units"] == "degC"
    assert sst.attrs["standard_name"] == "sea_surface_temperature"


def test_genuine_oisst_decoding_matches_raw_integers(realdata):
    sst = read_oisst([realdata / OISST], box=PAPER_BOX, halo=0.0)
    with netCDF4.Dataset(realdata / OISST) as ds:
        ds.set_auto_maskandscale(False)
        lat, lon = ds["lat"][:], ds["lon"][:]
        i = int(np.argmin(np.abs(lat - 12.125)))
        j = int(np.argmin(np.abs(lon - 110.125)))
        raw = int(ds["sst"][0, 0, i, j])
    assert float(sst[0, 0, 0]) == pytest.approx(raw * 0.01, abs=1e-5)


@pytest.mark.parametrize(
    ("name", "variable", "reader"), [(OISST, "sst", read_oisst), (HYCOM, "water_temp", read_hycom)]
)
def test_genuine_files_decode_bit_exactly(realdata, name, variable, reader):
    """Every decoded cell is the nearest float32 of packed * scale_factor + add_offset (CF), fill values NaN."""
    with netCDF4.Dataset(realdata / name) as ds:
        packed = ds[variable]
        packed.set_auto_maskandscale(False)
        raw = packed[0, 0].astype(np.float64)
        exact = raw * np.float64(packed.scale_factor) + np.float64(getattr(packed, "add_offset", 0.0))
        exact[raw == packed._FillValue] = np.nan
        lat, lon = ds["lat"][:], ds["lon"][:]
    decoded = reader([realdata / name], box=None)
    expected = exact.astype(np.float32)[np.argsort(lat)][:, np.argsort(wrap_longitude(np.asarray(lon)))]
    np.testing.assert_array_equal(decoded.values[0], expected)


def test_genuine_hycom_surface(realdata):
    temp = read_hycom([realdata / HYCOM])
    assert temp.shape == (1, 33, 18)
    assert float(temp.min()) >= 7.6 and float(temp.max()) <= 25.1
    assert pd.Timestamp(temp["time"].values[0]) == pd.Timestamp("2019-03-07 15:00")
    assert (np.diff(temp["lon"].values) > 0).all() and temp["lon"].values.max() < 0  # -180..180 kept west
    np.testing.assert_allclose(np.diff(temp["lat"].values), 0.04, atol=1e-5)


def test_genuine_hycom_box_selection_and_coverage(realdata):
    temp = read_hycom([realdata / HYCOM], box=Box(34.8, 35.2, -75.2, -74.8), halo=0.0)
    assert temp["lat"].min() >= 34.8 - 1e-5 and temp["lon"].max() <= -74.8 + 1e-5
    with pytest.raises(InputDataError, match=rf"{HYCOM}.*east"):
        read_hycom([realdata / HYCOM], box=Box(34.8, 35.2, -75.0, -70.0))


def test_longitude_wrapping():
    np.testing.assert_allclose(wrap_longitude([0.0, 110.0, 180.0, 250.0, 359.9]), [0, 110, -180, -110, -0.1])


def test_to_pm180_sorts():
    import xarray as xr

    da = xr.DataArray(np.arange(4.0), dims="lon", coords={"lon": [10.0, 170.0, 190.0, 350.0]})
    out = to_pm180(da)
    np.testing.assert_allclose(out["lon"], [-170, -10, 10, 170])
    np.testing.assert_allclose(out.values, [2, 3, 0, 1])


def test_html_error_page(tmp_path):
    page = tmp_path / "oisst.nc"
    page.write_text("<!DOCTYPE html><html><body>503 Service Unavailable</body></html>")
    with pytest.raises(InputDataError, match=r"oisst\.nc: an HTML/text error page, not netCDF"):
        read_oisst([page])


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "empty.nc").write_bytes(b"")
    with pytest.raises(InputDataError, match=r"empty\.nc: empty file"):
        read_oisst([tmp_path / "empty.nc"])
    with pytest.raises(InputDataError, match=r"absent\.nc: file not found"):
        read_oisst([tmp_path / "absent.nc"])


def test_truncated_genuine_file(realdata, tmp_path):
    data = (realdata / OISST).read_bytes()
    cut = tmp_path / "truncated.nc"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputDataError, match=r"truncated\.nc: (unreadable or )?truncated netCDF"):
        read_oisst([cut], box=PAPER_BOX)


def test_wrong_variable(realdata, tmp_path):
    renamed = tmp_path / "renamed.nc"
    shutil.copy(realdata / HYCOM, renamed)
    with netCDF4.Dataset(renamed, "a") as ds:
        ds.renameVariable("water_temp", "temperature")
    with pytest.raises(InputDataError, match=r"renamed\.nc: no variable 'water_temp'"):
        read_hycom([renamed])


def _write_small_oisst(path, values, units="Celsius"):
    import xarray as xr

    ds = xr.Dataset(
        {"sst": (("time", "zlev", "lat", "lon"), values[:, None].astype("float32"), {"units": units})},
        coords={
            "time": pd.date_range("2021-01-01 12:00", periods=values.shape[0], freq="D"),
            "zlev": [0.0],
            "lat": 12.125 + 0.25 * np.arange(values.shape[1]),
            "lon": 110.125 + 0.25 * np.arange(values.shape[2]),
        },
    )
    ds.to_netcdf(path, format="NETCDF4")


def test_kelvin_is_converted_with_a_warning(tmp_path, caplog):
    path = tmp_path / "kelvin.nc"
    _write_small_oisst(path, np.full((2, 3, 3), 301.15), units="K")
    with caplog.at_level(logging.WARNING, logger="sstbias.data.io"):
        sst = read_oisst([path])
    np.testing.assert_allclose(sst.values, 28.0, atol=1e-4)
    assert "kelvin.nc" in caplog.text and "Kelvin" in caplog.text


def test_read_logs_the_longitude_convention_and_level_it_recognised(tmp_path, caplog):
    import xarray as xr

    for name, depths in (("shallow.nc", [0.0]), ("deep.nc", [5.0, 0.0, 10.0])):
        values = np.full((1, len(depths), 2, 2), 20.0 + len(depths), dtype="float32")
        xr.Dataset(
            {"water_temp": (("time", "depth", "lat", "lon"), values, {"units": "degC"})},
            coords={
                "time": [pd.Timestamp(f"2021-01-01 0{len(depths)}:00")],
                "depth": ("depth", depths, {"units": "m"}),
                "lat": [30.0, 30.04],
                "lon": [285.0, 285.08],
            },
        ).to_netcdf(tmp_path / name)
    with caplog.at_level(logging.INFO, logger="sstbias.data.io"):
        temp = read_hycom([tmp_path / "shallow.nc", tmp_path / "deep.nc"])
    np.testing.assert_allclose(temp["lon"].values, [-75.0, -74.92])
    assert "level depth 0 m (the shallowest of 1) (1 files); depth 0 m (the shallowest of 3) (1 files)" in caplog.text
    assert "longitudes 0..360 (made -180..180), 2 time steps" in caplog.text


def test_kelvin_values_labelled_celsius_are_converted(tmp_path):
    path = tmp_path / "mislabelled.nc"
    _write_small_oisst(path, np.full((1, 2, 2), 300.0))
    np.testing.assert_allclose(read_oisst([path]).values, 26.85, atol=1e-4)


def test_unknown_units(tmp_path):
    path = tmp_path / "fahrenheit.nc"
    _write_small_oisst(path, np.full((1, 2, 2), 82.0), units="degF")
    with pytest.raises(InputDataError, match=r"fahrenheit\.nc: unknown temperature units 'degF'"):
        read_oisst([path])


def test_all_nan_day_is_named(tmp_path):
    values = np.full((3, 2, 2), 28.0)
    values[1] = np.nan
    path = tmp_path / "gap.nc"
    _write_small_oisst(path, values)
    with pytest.raises(InputDataError, match=r"gap\.nc: no valid sst value at 2021-01-02 12:00:00"):
        read_oisst([path])


def test_repeated_identical_steps_are_kept_once_conflicting_ones_fail(tmp_path, caplog):
    values = np.full((2, 2, 2), 28.0)
    _write_small_oisst(tmp_path / "a.nc", values)
    _write_small_oisst(tmp_path / "b.nc", values)
    assert read_oisst([tmp_path / "a.nc", tmp_path / "b.nc"]).sizes["time"] == 2
    assert "repeated time steps kept once" in caplog.text
    _write_small_oisst(tmp_path / "c.nc", values + 1.0)
    with pytest.raises(InputDataError, match="conflicting values"):
        read_oisst([tmp_path / "a.nc", tmp_path / "c.nc"])


def test_truncated_netcdf3_is_caught_by_its_header_length(realdata, tmp_path):
    """netCDF-C reads a cut classic file without error (zeros for the lost bytes): the header length catches it."""
    data = (realdata / HYCOM).read_bytes()
    cut = tmp_path / "cut_hycom.nc"
    cut.write_bytes(data[:-4000])
    with netCDF4.Dataset(cut) as ds:  # the silent failure that the check exists for
        ds.set_auto_maskandscale(False)
        assert (ds["salinity_bottom"][0] == 0).any()
    with pytest.raises(InputDataError, match=r"cut_hycom\.nc: truncated netCDF file \(97160 bytes.*101160"):
        read_hycom([cut])


def test_cut_inside_the_header_and_small_hdf5_cut(realdata, tmp_path):
    head = tmp_path / "head.nc"
    head.write_bytes((realdata / HYCOM).read_bytes()[:300])
    with pytest.raises(InputDataError, match=r"head\.nc: truncated or malformed netCDF header"):
        read_hycom([head])
    tail = tmp_path / "tail.nc"
    tail.write_bytes((realdata / OISST).read_bytes()[:-100])
    with pytest.raises(InputDataError, match=r"tail\.nc: truncated netCDF file"):
        read_oisst([tail])


def test_plain_text_error_body(tmp_path):
    body = tmp_path / "ncss.nc"
    body.write_text("Error: NetCDF Subset Service: requested time range has no data\n" + "x" * 900)
    with pytest.raises(InputDataError, match=r"ncss\.nc: an HTML/text error page, not netCDF"):
        read_hycom([body])


def test_erddap_dimension_names_and_time_window(tmp_path, caplog):
    """ERDDAP spells latitude/longitude; a window keeps its days and skips files without any."""
    import xarray as xr

    def write(name, first_day, periods):
        days = pd.date_range(f"{first_day} 12:00", periods=periods, freq="D")
        values = 28.0 + np.arange(periods)[:, None, None, None] * np.ones((periods, 1, 3, 3))
        ds = xr.Dataset(
            {"sst": (("time", "zlev", "latitude", "longitude"), values.astype("float32"), {"units": "degree_C"})},
            coords={
                "time": days,
                "zlev": [0.0],
                "latitude": 12.125 + 0.25 * np.arange(3),
                "longitude": 110.125 + 0.25 * np.arange(3),
            },
        )
        ds.to_netcdf(tmp_path / name, format="NETCDF3_64BIT")
        return tmp_path / name

    files = [write("january.nc", "2021-01-01", 4), write("june.nc", "2021-06-01", 2)]
    with caplog.at_level(logging.INFO, logger="sstbias.data.io"):
        sst = read_oisst(files, window=TimeWindow.days("2021-01-02", "2021-01-03"))
    assert (
        "OISST: 1 of 2 files read (1 without a wanted time), layout sst(time, zlev, latitude, longitude), level zlev 0 "
        "(the shallowest of 1), longitudes -180..180, 2 time steps 2021-01-02 12:00 .. 2021-01-03 12:00 UTC"
    ) in caplog.text
    assert list(sst["time"].dt.day.values) == [2, 3] and sst.dims == ("time", "lat", "lon")
    np.testing.assert_allclose(sst.values[:, 0, 0], [29.0, 30.0])
    with pytest.raises(InputDataError, match=r"OISST: no time step in 2021-02-01.*january\.nc"):
        read_oisst(files, window=TimeWindow.days("2021-02-01", "2021-02-03"))
