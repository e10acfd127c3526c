"""Forecast runs downloaded from the loopback server's FMRC per-run NCSS datasets: the plan (which runs and taus
the leads need), the requests, the files in HYCOM's per-(run, tau) layout, resume after an interruption, and
failed or malformed answers refused with one line naming the run."""

import dataclasses
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import numpy as np
import pandas as pd
import pytest
from test_download import RAW_BOX, fast, ncss

from sstbias.data.download import hycom_runs
from sstbias.data.download.hycom_runs import RunSteps, download_run, plan_runs
from sstbias.data.io import read_hycom
from sstbias.data.leads import lead_taus
from sstbias.data.local_files import hindcast_valid_time
from sstbias.errors import DownloadError, InputDataError
from sstbias.testing.server import FORECAST_DRIFT_C_PER_DAY, Fault, LoopbackServer
from sstbias.twin.formats import write_hycom

FIRST, LAST = date(2021, 1, 10), date(2021, 1, 12)  # valid days
LEADS = [0, 1, 3]  # lead 0 stays the best time series: only leads 1 and 3 are forecast runs
RUNS = [datetime(2021, 1, day, 12) for day in (7, 8, 9, 10, 11)]


def runs_requests(server) -> list[tuple[datetime, datetime]]:
    """(run analysis, requested valid time) of every FMRC request, checking each asks for one step."""
    found = []
    for request in server.served("ncss"):
        parts = urlsplit(request["target"])
        path, query = unquote(parts.path), parse_qs(parts.query)
        assert "/GLBy0.08/expt_93.0/FMRC/runs/GLBy0.08_930_FMRC_RUN_" in path
        assert query["time_start"] == query["time_end"] and query["vertCoord"] == ["0"]
        assert query["var"] == ["water_temp"] and query["accept"] == ["netcdf4"]
        run = datetime.strptime(path.rsplit("_RUN_", 1)[1], "%Y-%m-%dT%H:%M:%SZ")
        found.append((run, datetime.strptime(query["time_start"][0], "%Y-%m-%dT%H:%M:%SZ")))
    return found


def test_plan_lists_each_run_once_with_the_taus_of_its_leads():
    plan = plan_runs(FIRST, LAST, LEADS)
    assert [run.analysis for run in plan] == RUNS
    one, three = set(lead_taus(1)), set(lead_taus(3))
    # run 01-07 gives lead 3 of 01-10; 01-09 lead 1 of 01-10 and lead 3 of 01-12; 01-11 lead 1 of 01-12
    assert [set(run.taus) for run in plan] == [three, three, one | three, one, one]
    assert plan[2].taus == tuple(sorted(one | three)) and min(plan[2].taus) == 12 and max(plan[2].taus) == 81
    assert plan[0].file_names()[0] == "hycom_glby_930_2021010712_t060_ts3z.nc"
    assert plan_runs(FIRST, LAST, [0]) == []
    with pytest.raises(ValueError, match=r"^forecast.leads: lead\(s\) \[8\] outside 0 .. 7"):
        plan_runs(FIRST, LAST, [1, 8])
    sampled = plan_runs(FIRST, FIRST, [2], method="sample", hour=12)
    assert sampled == [RunSteps(datetime(2021, 1, 8, 12), lead_taus(2, "sample", 12))]


def test_runs_download_one_file_per_step_with_the_run_values(loopback, tmp_path):
    plan = plan_runs(FIRST, LAST, LEADS)
    paths = [path for run in plan for path in download_run(run, tmp_path, ncss(loopback), RAW_BOX, fast())]
    expected = {(run.analysis, run.analysis + timedelta(hours=tau)) for run in plan for tau in run.taus}
    requests = runs_requests(loopback)
    assert len(requests) == len(expected) == 48 and set(requests) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(name for run in plan for name in run.file_names())
    best = loopback.archive.hycom
    for run in plan:
        for tau in (run.taus[0], run.taus[-1]):
            path = tmp_path / run.file_name(tau)
            valid = run.analysis + timedelta(hours=tau)
            assert hindcast_valid_time(path) == valid  # the name the local reader parses
            field = read_hycom([path])
            assert pd.DatetimeIndex(field["time"].values).to_pydatetime().tolist() == [valid]
            truth = best.sel(time=field["time"], lat=field["lat"], lon=field["lon"])
            drift = FORECAST_DRIFT_C_PER_DAY * tau / 24
            np.testing.assert_allclose(field.values, truth.values + drift, atol=1.5e-3)  # int16 packing, 0.001
    assert len(paths) == 48


def test_resume_fetches_only_the_missing_steps(loopback, tmp_path):
    plan = plan_runs(FIRST, LAST, LEADS)
    loopback.faults.append(Fault("FMRC_RUN_2021-01-09T12:00:00Z", "status", times=-1, status=502))
    finished = []
    for run in plan:
        try:
            finished += download_run(run, tmp_path, ncss(loopback), RAW_BOX, fast(retries=0))
        except DownloadError as err:
            assert str(err).startswith("HYCOM run 2021-01-09 12 UTC, tau 12 h: ") and "HTTP 502" in str(err)
            assert "\n" not in str(err)
    assert len(finished) == 32 and not list(tmp_path.glob("*2021010912*")) and not list(tmp_path.glob(".*"))
    # a killed job: half a run's files gone, a temporary left behind
    for path in finished[:4]:
        path.unlink()
    (tmp_path / f".{finished[0].name}.x1y2.part").write_bytes(b"\x89HDF half a file")
    loopback.faults.clear()
    loopback.requests.clear()
    again = [path for run in plan for path in download_run(run, tmp_path, ncss(loopback), RAW_BOX, fast())]
    fetched = {(run, valid) for run, valid in runs_requests(loopback)}
    assert len(fetched) == len(loopback.requests) == 16 + 4
    assert {run for run, _ in fetched} == {datetime(2021, 1, 7, 12), datetime(2021, 1, 9, 12)}
    assert all(path.exists() for path in again) and len(again) == 48 and not list(tmp_path.glob(".*"))


@pytest.mark.parametrize(
    ("kind", "message"),
    [("html", r"an HTML/text error page, not netCDF"), ("cut", r"truncated netCDF file")],
)
def test_a_malformed_answer_is_refused_naming_the_run(loopback, tmp_path, kind, message):
    run = RunSteps(datetime(2021, 1, 10, 12), lead_taus(1))
    loopback.faults.append(Fault("FMRC_RUN_2021-01-10", kind, times=-1, fraction=0.9))
    with pytest.raises(DownloadError, match=rf"^HYCOM run 2021-01-10 12 UTC, tau 12 h: .*{message}.*gave up after 3"):
        download_run(run, tmp_path, ncss(loopback), RAW_BOX, fast())
    assert len(loopback.requests) == 3 and not list(tmp_path.iterdir())


def test_a_step_of_another_time_is_refused(tmp_path):
    lat, lon = 11.48 + 0.04 * np.arange(52), 109.44 + 0.08 * np.arange(27)
    analysis = datetime(2021, 1, 10, 12)
    wrong = pd.DatetimeIndex([analysis + timedelta(hours=15)])
    write_hycom(tmp_path / "answer.nc", wrong, lat, lon, np.full((1, lat.size, lon.size), 27.0))
    with pytest.raises(InputDataError, match=r"holds 2021-01-11 03:00:00, not the one step 2021-01-11 00:00:00"):
        hycom_runs.check_step(tmp_path / "answer.nc", analysis, 12, RAW_BOX)
    assert hycom_runs.check_step(tmp_path / "answer.nc", analysis, 15, RAW_BOX) == wrong[0]


def test_a_run_the_fmrc_no_longer_keeps_and_a_step_beyond_the_archive(twin_archive, tmp_path, monkeypatch):
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    archive = dataclasses.replace(twin_archive, forecast_runs={datetime(2021, 2, 1, 12)})
    with LoopbackServer(archive) as server:
        gone = RunSteps(datetime(2021, 1, 10, 12), (12,))
        with pytest.raises(
            DownloadError, match=r"^HYCOM run 2021-01-10 12 UTC, tau 12 h: .*HTTP 404.*recent runs only"
        ):
            download_run(gone, tmp_path, ncss(server), RAW_BOX, fast())
        beyond = RunSteps(datetime(2021, 2, 1, 12), (156,))  # valid 2021-02-08, after the archive's last day
        with pytest.raises(DownloadError, match=r"^HYCOM run 2021-02-01 12 UTC, tau 156 h: .*HTTP 400.*No data"):
            download_run(beyond, tmp_path, ncss(server), RAW_BOX, fast())
        assert len(server.requests) == 2 and not list(tmp_path.iterdir())


def test_a_run_not_analysed_at_12_utc_is_refused_before_any_request(tmp_path):
    server = {"base_url": "http://127.0.0.1:9/thredds/ncss", "dataset": "GLBy0.08", "experiment": "expt_93.0"}
    with pytest.raises(InputDataError, match=r"^run 2021-01-10 00 UTC: GOFS 3.1 runs start from a 12 UTC analysis"):
        download_run(RunSteps(datetime(2021, 1, 10), (12,)), tmp_path, server, RAW_BOX, fast())


def test_run_url_follows_the_fmrc_runs_template():
    server = {"base_url": "https://ncss.hycom.org/thredds/ncss/", "dataset": "GLBy0.08", "experiment": "expt_93.0"}
    url = hycom_runs.run_url(server, datetime(2021, 1, 10, 12), 36, RAW_BOX)
    assert url.startswith(
        "https://ncss.hycom.org/thredds/ncss/GLBy0.08/expt_93.0/FMRC/runs/GLBy0.08_930_FMRC_RUN_2021-01-10T12:00:00Z?"
    )
    query = parse_qs(urlsplit(url).query)
    assert query["time_start"] == query["time_end"] == ["2021-01-12T00:00:00Z"]
    assert (query["west"], query["east"], query["south"], query["north"]) == (
        ["109.5"],
        ["111.46"],
        ["11.5"],
        ["13.46"],
    )


def test_the_stage_downloads_the_taus_of_a_run_into_a_folder(loopback, tmp_path):
    from sstbias.stages.download import download_hycom_run

    remote = {"retries": 0, "backoff_s": 0.0, "backoff_max_s": 0.0, "contact": "tests@example.org"}
    remote["hycom"] = {"base_url": f"{loopback.url}/thredds/ncss", "timeout_s": 5.0}
    request = {"box": {"lat_min": 11.5, "lat_max": 13.46, "lon_min": 109.5, "lon_max": 111.46}}
    request |= {"dataset": "GLBy0.08", "experiment": "expt_93.0"}
    paths = download_hycom_run("2021011012", lead_taus(2), tmp_path / "2021011012", request, remote)
    assert [p.name for p in paths] == [f"hycom_glby_930_2021011012_t{tau:03d}_ts3z.nc" for tau in lead_taus(2)]
    assert all(p.exists() for p in paths) and len(loopback.requests) == 8
