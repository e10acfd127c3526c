"""HYCOM forecast runs (one file per run and step): which files a month and lead need, the daily forecast of each
lead from the right taus of the right run, lead 0 as the hindcast path, the leads one run can give, bad input."""

import logging
import shutil
from datetime import date, datetime
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import pytest

from sstbias.data.daily import read_daily_forecast
from sstbias.data.forecast_runs import read_lead_forecast, read_run, run_coverage
from sstbias.data.io import TimeWindow
from sstbias.data.leads import best_series_steps, lead_taus
from sstbias.data.local_files import RunFiles, expand_patterns, forecast_step, hycom_files_for_month
from sstbias.errors import ConfigError, InputDataError
from sstbias.grid import Box
from sstbias.twin.formats import write_hycom

BOX = Box(12.0, 12.2, 110.0, 110.4)
LAT = np.round(11.88 + 0.04 * np.arange(12), 2)  # the box and its 0.1 degree halo, on HYCOM's 0.04 x 0.08 grid
LON = np.round(109.84 + 0.08 * np.arange(10), 2)
SHORT_RUNS = pd.date_range("2021-01-29 12:00", "2021-02-03 12:00", freq="D")  # taus 0 .. 81: leads up to 3
FULL_RUN = pd.Timestamp("2021-02-04 12:00")  # taus 0 .. 180: leads up to 7
FEBRUARY = TimeWindow.days("2021-02-01", "2021-02-28")


def field(analysis: pd.Timestamp, tau: int) -> np.ndarray:
    """The synthetic SST (lat, lon) degC of run ``analysis`` at ``tau``: 0.3 degC apart between runs, 0.01 degC per
    forecast hour, a spatial pattern (never 20.0 along a row: HYCOM packs 20.0 degC as zero bytes)."""
    run = (analysis - SHORT_RUNS[0]) / pd.Timedelta(days=1)
    pattern = 0.2 * np.sin(LAT[:, None] * 7.0) + 0.05 * np.arange(LON.size)[None, :]
    return 24.0 + 0.3 * run + 0.01 * tau + pattern


def run_name(analysis: pd.Timestamp, tau: int) -> str:
    return f"hycom_glby_930_{analysis:%Y%m%d%H}_t{tau:03d}_ts3z.nc"


def write_step(
    folder: Path, analysis: pd.Timestamp, tau: int, values: np.ndarray | None = None, name=None, lon=LON
) -> Path:
    """One step file in the hindcast layout of the genuine file (netCDF-3, 3 depths, -180..180, a ``tau``)."""
    path = folder / (name or run_name(analysis, tau))
    values = field(analysis, tau) if values is None else values
    valid = pd.DatetimeIndex([analysis + pd.Timedelta(hours=tau)])
    write_hycom(path, valid, LAT, lon, values[None], "NETCDF3_64BIT_OFFSET", (0.0, 2.0, 4.0), analysis_time=analysis)
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> Path:
    """A folder of forecast runs: 6 runs with taus 0 .. 81 h, one with taus 0 .. 180 h."""
    folder = tmp_path_factory.mktemp("runs")
    for analysis in SHORT_RUNS:
        for tau in range(0, 82, 3):
            write_step(folder, analysis, tau)
    for tau in range(0, 181, 3):
        write_step(folder, FULL_RUN, tau)
    return folder


def copy_runs(runs: Path, folder: Path, leave_out: tuple[str, ...] = ()) -> list[Path]:
    folder.mkdir()
    for path in runs.glob("*.nc"):
        if path.name not in leave_out:
            shutil.copy(path, folder / path.name)
    return sorted(folder.glob("*.nc"))


def expected_mean(analysis: pd.Timestamp, taus: tuple[int, ...]) -> np.ndarray:
    """The mean of the steps ``taus`` of run ``analysis`` over the box and halo (the written values)."""
    return np.mean([field(analysis, tau) for tau in taus], axis=0)


def test_the_genuine_file_is_a_run_step(realdata):
    path = realdata / "hycom_glby_930_2019030712_t003_ts3z.nc"
    assert forecast_step(path) == (datetime(2019, 3, 7, 12), 3)
    files = RunFiles.index([path])
    assert files.runs == {datetime(2019, 3, 7, 12): {3: (path,)}} and files.others == ()
    assert not files.holds_runs() and files.best_series() == [path]
    with netCDF4.Dataset(path) as ds:  # the name agrees with the file's own tau
        assert float(ds["tau"][0]) == 3.0 and ds["tau"].time_origin == "2019-03-07 12:00:00"


def test_files_of_a_month_and_lead(runs):
    files = RunFiles.index(expand_patterns([str(runs)], "local.hycom"))
    assert files.holds_runs() and list(files.runs) == [*SHORT_RUNS.to_pydatetime(), FULL_RUN.to_pydatetime()]
    # lead 2 of February: the runs analysed 2021-01-30 .. 02-04 (their lead-2 days are February 1 .. 6)
    chosen = files.files_for_month("2021-02", 2)
    analyses = pd.date_range("2021-01-30 12:00", FULL_RUN)
    assert chosen == [str(runs / run_name(a, tau)) for a in analyses for tau in lead_taus(2)]
    assert files.files_for_month("2021-02", 2, "sample", 6) == [str(runs / run_name(a, 42)) for a in analyses]
    # lead 0: the best time series' files valid in February (taus 0 .. 21 of the runs), as the hindcast path takes
    best = [Path(p) for p in files.files_for_month("2021-02", 0)]
    assert {forecast_step(p)[1] for p in best} == set(range(0, 22, 3))
    assert best == [Path(p) for p in hycom_files_for_month(best, "2021-02")]
    assert len(best) == 8 * 4 + 4  # days 02-01 .. 02-04 and 02-05 00 .. 09 UTC (run 02-04's taus 12 .. 21)


@pytest.mark.parametrize("lead", [1, 2, 3])
def test_each_lead_is_the_mean_of_its_runs_taus(runs, lead):
    files = RunFiles.index(sorted(runs.glob("*.nc")))
    daily = read_lead_forecast(files.files_for_month("2021-02", lead), lead, BOX, window=FEBRUARY)
    days = pd.DatetimeIndex(daily["time"].values)
    first_run = max(SHORT_RUNS[0], pd.Timestamp("2021-02-01 12:00") - pd.Timedelta(days=lead))
    analyses = pd.date_range(first_run, FULL_RUN, freq="D")
    assert list(days) == list((analyses + pd.Timedelta(days=lead)).floor("D"))
    assert daily.dtype == np.float32 and daily.dims == ("time", "lat", "lon") and daily.attrs["units"] == "degC"
    np.testing.assert_allclose(daily["lat"].values, LAT[1:-1], atol=1e-6)
    np.testing.assert_allclose(daily["lon"].values, LON[1:-1], atol=1e-6)
    for i, analysis in enumerate(analyses):
        np.testing.assert_allclose(daily.values[i], expected_mean(analysis, lead_taus(lead))[1:-1, 1:-1], atol=1e-3)
    assert int(daily["lead"]) == lead
    assert daily["forecast_period"].values == np.timedelta64(lead, "D")
    assert daily["forecast_period"].attrs["standard_name"] == "forecast_period"
    assert list(pd.DatetimeIndex(daily["forecast_reference_time"].values)) == list(analyses)
    assert daily["forecast_reference_time"].attrs["standard_name"] == "forecast_reference_time"
    # the valid day's centre (12 UTC) is exactly `lead` days after each run's analysis
    assert all(days + pd.Timedelta(hours=12) - analyses == pd.Timedelta(days=lead))


def test_the_longest_lead_and_a_sampled_hour(runs):
    full = RunFiles.index(sorted(runs.glob(f"*_{FULL_RUN:%Y%m%d%H}_*.nc")))  # the short runs end before lead 7
    seventh = read_lead_forecast(full.files_for_month("2021-02", 7), 7, BOX, window=FEBRUARY)
    assert list(pd.DatetimeIndex(seventh["time"].values)) == [pd.Timestamp("2021-02-11")]
    np.testing.assert_allclose(seventh.values[0], expected_mean(FULL_RUN, range(156, 178, 3))[1:-1, 1:-1], atol=1e-3)
    files = RunFiles.index(sorted(runs.glob("*.nc")))
    sampled = read_lead_forecast(files.files_for_month("2021-02", 2, "sample", 6), 2, BOX, "sample", 6, window=FEBRUARY)
    np.testing.assert_allclose(sampled.values[0], field(pd.Timestamp("2021-01-30 12:00"), 42)[1:-1, 1:-1], atol=6e-4)
    assert sampled.attrs["cell_methods"] == "time: point (sampled at 06:00 UTC)"


def test_runs_overlapping_in_valid_time_are_kept_apart(runs):
    """2021-02-03 is lead 1 of run 02-02, lead 2 of run 02-01 and lead 3 of run 01-31: three forecasts of one day."""
    files = RunFiles.index(sorted(runs.glob("*.nc")))
    day = TimeWindow.days("2021-02-03", "2021-02-03")
    values = {
        lead: read_lead_forecast(files.files_for_month("2021-02", lead), lead, BOX, window=day) for lead in (1, 2, 3)
    }
    for lead, daily in values.items():
        analysis = pd.Timestamp("2021-02-03 12:00") - pd.Timedelta(days=lead)
        assert pd.Timestamp(daily["forecast_reference_time"].values[0]) == analysis
        np.testing.assert_allclose(daily.values[0], expected_mean(analysis, lead_taus(lead))[1:-1, 1:-1], atol=1e-3)
    # runs 0.3 degC apart, later taus warmer: the leads differ by 0.3 - 0.24 degC per day of lead
    np.testing.assert_allclose(values[2].values - values[1].values, -0.06, atol=2e-3)


def test_lead_zero_is_the_hindcast_path(runs, tmp_path):
    hindcast = tmp_path / "hindcast"
    hindcast.mkdir()
    for path in runs.glob("*.nc"):
        if forecast_step(path)[1] <= 21:
            shutil.copy(path, hindcast / path.name)
    month = TimeWindow.days("2021-02-01", "2021-02-04")
    hindcast_files = hycom_files_for_month(expand_patterns([str(hindcast)], "local.hycom"), "2021-02")
    from_hindcast = read_daily_forecast(hindcast_files, BOX, "mean", 12, window=month)
    # a folder of hindcast files: lead 0 takes exactly the files the hindcast path takes
    assert (
        RunFiles.index(expand_patterns([str(hindcast)], "local.hycom")).files_for_month("2021-02", 0) == hindcast_files
    )
    files = RunFiles.index(expand_patterns([str(runs)], "local.hycom"))
    lead0 = read_lead_forecast(files.files_for_month("2021-02", 0), 0, BOX, window=month)
    np.testing.assert_array_equal(lead0.values, from_hindcast.values)
    np.testing.assert_array_equal(lead0["time"].values, from_hindcast["time"].values)
    assert lead0.attrs["cell_methods"] == from_hindcast.attrs["cell_methods"] and int(lead0["lead"]) == 0
    # day D: 00 .. 09 UTC from run D-1 (taus 12 .. 21), 12 .. 21 UTC from run D (taus 0 .. 9)
    steps = best_series_steps(date(2021, 2, 2))
    expected = np.mean([field(pd.Timestamp(a), tau) for a, tau in steps], axis=0)
    np.testing.assert_allclose(lead0.sel(time="2021-02-02").values, expected[1:-1, 1:-1], atol=1e-3)
    assert pd.Timestamp(lead0["forecast_reference_time"].sel(time="2021-02-02").values) == pd.Timestamp(
        "2021-02-02 12:00"
    )


def test_a_run_can_give_the_leads_it_has(runs, tmp_path):
    """A partial run (tau 66 missing, taus up to 81): leads 0 .. 2 are read, 3 and 5 named with the reason."""
    run = pd.Timestamp("2021-02-02 12:00")
    folder = tmp_path / "run"
    folder.mkdir()
    paths = [shutil.copy(runs / run_name(run, tau), folder) for tau in range(0, 82, 3) if tau != 66]
    paths += [shutil.copy(runs / run_name(run - pd.Timedelta(days=1), tau), folder) for tau in (12, 15, 18, 21)]
    coverage = run_coverage(paths, [0, 1, 2, 3, 5])
    assert coverage.analysis == run.to_pydatetime() and sorted(coverage.files) == [0, 1, 2]
    assert coverage.missing == {
        3: "run 2021-02-02 12 UTC: lead 3 (day 2021-02-05) lacks the step file(s) of tau(s) 66 h",
        5: "run 2021-02-02 12 UTC: lead 5 (taus 108 .. 129 h, day 2021-02-07) is beyond the run's length "
        "(its last tau is 81 h)",
    }
    fields = read_run(coverage, BOX)
    assert fields.dims == ("lead", "lat", "lon") and list(fields["lead"].values) == [0, 1, 2]
    assert list(pd.DatetimeIndex(fields["time"].values)) == list(pd.date_range("2021-02-02", periods=3))
    assert pd.Timestamp(fields["forecast_reference_time"].values) == run
    assert list(fields["forecast_period"].values) == [np.timedelta64(n, "D") for n in (0, 1, 2)]
    for lead in (1, 2):
        np.testing.assert_allclose(
            fields.sel(lead=lead).values, expected_mean(run, lead_taus(lead))[1:-1, 1:-1], atol=1e-3
        )
    without_previous = run_coverage([p for p in paths if "20210201" not in str(p)], [0, 1])
    assert sorted(without_previous.files) == [1]
    assert without_previous.missing[0].startswith(
        "run 2021-02-02 12 UTC: lead 0 (the best time series of 2021-02-02) lacks tau 12 h of run 2021-02-01 12 UTC"
    )
    stray = shutil.copy(runs / run_name(run - pd.Timedelta(days=2), 30), folder)
    with pytest.raises(InputDataError, match=r"_2021013112_t030_ts3z\.nc: a step of run 2021-01-31 12 UTC, not of run"):
        run_coverage([*paths, stray], [1])


def test_bad_runs_are_named(runs, tmp_path):
    # a run whose analysis time is not 12 UTC: the file named, at parse time and when read
    off_hour = write_step(tmp_path, pd.Timestamp("2021-02-01 00:00"), 3)
    with pytest.raises(ConfigError, match=r"hycom_glby_930_2021020100_t003_ts3z\.nc: a forecast run analysed at "):
        RunFiles.index([off_hour])
    with pytest.raises(InputDataError, match=r"_2021020100_t003_ts3z\.nc: .* runs start from a 12 UTC analysis"):
        read_lead_forecast([off_hour], 0, BOX)
    # taus missing inside a lead day: run, lead and taus named
    gap = RunFiles.index(copy_runs(runs, tmp_path / "gap", (run_name(pd.Timestamp("2021-02-01 12:00"), 27),)))
    message = (
        r"^local\.hycom: run 2021-02-01 12 UTC: lead 1 \(day 2021-02-02\) lacks the step file\(s\) of tau\(s\) 27 h$"
    )
    with pytest.raises(ConfigError, match=message):
        gap.files_for_month("2021-02", 1)
    # a lead beyond the run's length
    files = RunFiles.index(sorted(runs.glob("*.nc")))
    with pytest.raises(
        ConfigError, match=r"run 2021-01-29 12 UTC: lead 4 .* is beyond the run's length \(its last tau is 81 h\)"
    ):
        files.files_for_month("2021-02", 4)
    # leads beyond 0 but only the best time series' steps
    hindcast = RunFiles.index([p for p in runs.glob("*.nc") if forecast_step(p)[1] <= 21])
    hindcast.check_leads([0])
    with pytest.raises(
        ConfigError, match=r"^local\.hycom: forecast\.leads \[1, 3\] need forecast runs .* \(taus 0 \.\. 21 h only\)$"
    ):
        hindcast.check_leads([0, 1, 3])
    # a file whose name does not say its run and tau, for a lead beyond 0
    unnamed = shutil.copy(runs / run_name(SHORT_RUNS[2], 12), tmp_path / "my_subset.nc")
    with pytest.raises(ConfigError, match=r"my_subset\.nc \(and 0 other file\(s\)\) not named .*: lead 1 needs"):
        RunFiles.index([unnamed]).files_for_month("2021-02", 1)
    # a file whose valid time is not the one its name gives (tau 12's file holds tau 36)
    liar = tmp_path / "liar"
    liar.mkdir()
    run = pd.Timestamp("2021-02-01 12:00")
    paths = [write_step(liar, run, 36 if tau == 12 else tau, name=run_name(run, tau)) for tau in lead_taus(1)]
    with pytest.raises(InputDataError, match=r"^run 2021-02-01 12 UTC, lead 1: its files .* hold the valid times "):
        read_lead_forecast(paths, 1, BOX)


def test_two_files_of_one_step(runs, tmp_path, caplog):
    """Identical copies of a step are kept once (logged); copies with other values are refused naming both."""
    run = pd.Timestamp("2021-02-01 12:00")
    lead1 = [runs / run_name(run, tau) for tau in lead_taus(1)]
    (tmp_path / "copy").mkdir()
    same = shutil.copy(lead1[2], tmp_path / "copy")
    with caplog.at_level(logging.INFO):
        daily = read_lead_forecast([*lead1, same], 1, BOX)
    np.testing.assert_array_equal(daily.values, read_lead_forecast(lead1, 1, BOX).values)
    assert "tau 18 h: 2 files" in caplog.text and "1 repeated time steps kept once" in caplog.text
    (tmp_path / "other").mkdir()
    other = write_step(tmp_path / "other", run, 18, field(run, 18) + 0.5)
    with pytest.raises(
        InputDataError, match=r"conflicting values for the repeated time step 2021-02-02 06:00:00 .* and .*other"
    ):
        read_lead_forecast([*lead1, other], 1, BOX)


def test_runs_on_other_grids_and_no_run_in_the_window(runs, tmp_path):
    run = pd.Timestamp("2021-02-01 12:00")
    lead1 = [runs / run_name(run - pd.Timedelta(days=1), tau) for tau in lead_taus(1)]
    shifted = [write_step(tmp_path, run, tau, lon=LON + 0.02) for tau in lead_taus(1)]
    with pytest.raises(
        InputDataError, match=r"_2021020112_t012_ts3z\.nc.*: on another lon grid than .*_2021013112_t012"
    ):
        read_lead_forecast([*lead1, *shifted], 1, BOX)
    with pytest.raises(
        InputDataError, match=r"^HYCOM: lead 1: none of the 8 files .* lies in 2021-03-01 00:00:00 \.\. "
    ):
        read_lead_forecast(lead1, 1, BOX, window=TimeWindow.days("2021-03-01", "2021-03-31"))


def test_a_lead_models_preparation_reads_its_lead_from_runs(runs):
    """A model trained on lead 2 records it (sstbias correct then reads lead 2 from run files); a model without
    a lead records nothing new, so its folder is as before."""
    from sstbias.data.forecast import ForecastPreparation

    paths = sorted(runs.glob("*.nc"))
    expected = read_lead_forecast(paths, 2, BOX)
    settings = {
        "box": {"lat_min": BOX.lat_min, "lat_max": BOX.lat_max, "lon_min": BOX.lon_min, "lon_max": BOX.lon_max},
        "daily_reduction": {"method": "mean", "hour": 12},
        "grid": {"resolution": 0.08, "regrid_engine": "xarray-regrid"},
    }
    plain = ForecastPreparation.from_workflow(settings, expected)
    assert "lead" not in plain.to_dict() and plain.lead == 0
    lead2 = ForecastPreparation.from_dict(ForecastPreparation.from_workflow(settings | {"lead": 2}, expected).to_dict())
    assert lead2.lead == 2
    daily = lead2.read_daily(paths)
    np.testing.assert_array_equal(daily.values, expected.values)
    assert int(daily["lead"]) == 2 and "forecast_reference_time" in daily.coords
