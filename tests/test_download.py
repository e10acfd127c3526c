"""Downloads against a real HTTP server on 127.0.0.1 answering in the genuine formats: retries, timeouts, error
bodies, truncation, client errors, the ERDDAP gap filled from NCEI, and raw files that a failure never touches."""

import logging
from datetime import date, timedelta

import numpy as np
import pytest
from loopback_archive import ERDDAP_GAP, PRELIMINARY_DAY

from sstbias.box import Box
from sstbias.data.download import hycom, oisst
from sstbias.data.download.http import HttpSettings, user_agent
from sstbias.data.io import read_hycom, read_oisst
from sstbias.errors import DownloadError
from sstbias.grid import Box as GridBox
from sstbias.testing.server import Fault

RAW_BOX = Box(11.5, 13.46, 109.5, 111.46)  # the small config's box grown by raw_margin_deg 0.5
DAY = date(2021, 1, 5)
JANUARY = [date(2021, 1, 1) + timedelta(days=k) for k in range(31)]


def fast(timeout_s: float = 5.0, retries: int = 2) -> HttpSettings:
    return HttpSettings(timeout_s, retries, 0.01, 0.05, user_agent("tests@example.org"), progress=False)


def ncss(server) -> dict:
    return {"base_url": f"{server.url}/thredds/ncss", "dataset": "GLBy0.08", "experiment": "expt_93.0"} | {
        "collection": "ts3z"
    }


def oisst_server(server) -> dict:
    return {"erddap_url": f"{server.url}/erddap", "erddap_dataset": "ncdcOisst21Agg", "ncei_url": f"{server.url}/ncei"}


def no_leftovers(folder) -> bool:
    return not list(folder.glob(".*.part"))


def test_ncss_day_is_the_archive_subset_with_a_polite_user_agent(loopback, tmp_path):
    path = hycom.download_day(DAY, tmp_path / "day.nc", ncss(loopback), RAW_BOX, fast())
    field = read_hycom([path])
    assert field.sizes["time"] == 8 and str(field["time"].values[0])[:19] == "2021-01-05T00:00:00"
    expected = loopback.archive.hycom.sel(time=field["time"], lat=field["lat"], lon=field["lon"])
    np.testing.assert_allclose(field.values, expected.values, atol=1e-6)
    (request,) = loopback.requests
    assert request["user_agent"].startswith("sstbias/") and "tests@example.org" in request["user_agent"]
    for part in ("var=water_temp", "vertCoord=0", "accept=netcdf4", "west=109.5", "east=111.46", "north=13.46"):
        assert part in request["target"]
    assert "time_start=2021-01-05T00%3A00%3A00Z" in request["target"]
    assert "time_end=2021-01-05T21%3A00%3A00Z" in request["target"]


def test_503_then_success(loopback, tmp_path, caplog):
    loopback.faults.append(Fault("/ncss/", "status", times=1, status=503, retry_after=0))
    with caplog.at_level(logging.WARNING, logger="sstbias.data.download"):
        hycom.download_day(DAY, tmp_path / "day.nc", ncss(loopback), RAW_BOX, fast())
    assert [r["status"] for r in loopback.requests] == [503, 200]
    assert "HTTP 503" in caplog.text and "retry 1 of 2" in caplog.text
    assert read_hycom([tmp_path / "day.nc"]).sizes["time"] == 8


def test_timeout_is_retried_then_given_up_without_a_file(loopback, tmp_path):
    loopback.faults.append(Fault("/ncss/", "delay", times=1, seconds=1.0))
    hycom.download_day(DAY, tmp_path / "day.nc", ncss(loopback), RAW_BOX, fast(timeout_s=0.3))
    assert (tmp_path / "day.nc").exists() and len(loopback.requests) == 2
    loopback.faults.append(Fault("/ncss/", "delay", times=-1, seconds=1.0))
    with pytest.raises(DownloadError, match=r"no answer within the 0.3 s timeout; gave up after 3 attempts"):
        hycom.download_day(DAY, tmp_path / "other.nc", ncss(loopback), RAW_BOX, fast(timeout_s=0.3))
    assert not (tmp_path / "other.nc").exists() and no_leftovers(tmp_path)


def test_html_error_body_is_retried_and_never_written(loopback, tmp_path):
    loopback.faults.append(Fault("/ncss/", "html", times=-1))
    with pytest.raises(DownloadError, match=r"the answer: an HTML/text error page, not netCDF") as failure:
        hycom.download_day(DAY, tmp_path / "day.nc", ncss(loopback), RAW_BOX, fast())
    assert "gave up after 3 attempts" in str(failure.value) and len(loopback.requests) == 3
    assert not (tmp_path / "day.nc").exists() and no_leftovers(tmp_path)


@pytest.mark.parametrize(
    ("service", "kind", "message"),
    [
        ("ncss", "short", r"truncated body: \d+ of \d+ bytes announced by Content-Length"),
        ("ncss", "cut", r"truncated netCDF file"),  # netCDF-4: the HDF5 superblock's end-of-file address
        ("griddap", "cut", r"truncated netCDF file"),  # netCDF-3: the classic header's variable sizes
    ],
)
def test_truncated_bodies_are_caught(loopback, tmp_path, service, kind, message):
    loopback.faults.append(Fault(f"/{service}/", kind, times=-1, fraction=0.9))
    with pytest.raises(DownloadError, match=message):
        if service == "ncss":
            hycom.download_day(DAY, tmp_path / "raw.nc", ncss(loopback), RAW_BOX, fast())
        else:
            oisst.download_month(JANUARY, tmp_path / "raw.nc", oisst_server(loopback), RAW_BOX, fast())
    assert len(loopback.requests) == 3 and not (tmp_path / "raw.nc").exists() and no_leftovers(tmp_path)
    loopback.faults.clear()
    loopback.faults.append(Fault(f"/{service}/", kind, times=1, fraction=0.9))  # a transient cut: retried
    if service == "ncss":
        hycom.download_day(DAY, tmp_path / "raw.nc", ncss(loopback), RAW_BOX, fast())
    else:
        oisst.download_month(JANUARY, tmp_path / "raw.nc", oisst_server(loopback), RAW_BOX, fast())
    assert (tmp_path / "raw.nc").exists()


def test_client_error_is_not_retried(loopback, tmp_path):
    with pytest.raises(DownloadError, match=r"HTTP 400 .*No data available.*not retried") as failure:
        hycom.download_day(date(2021, 3, 1), tmp_path / "day.nc", ncss(loopback), RAW_BOX, fast())
    assert failure.value.status == 400 and len(loopback.requests) == 1


def test_wrong_content_is_not_retried(loopback, tmp_path):
    too_big = Box(10.0, 13.46, 109.5, 111.46)  # south of what the archive (and so the server) holds
    with pytest.raises(
        DownloadError, match=r"unexpected content: the answer: does not reach the requested box's south"
    ):
        hycom.download_day(DAY, tmp_path / "day.nc", ncss(loopback), too_big, fast())
    assert len(loopback.requests) == 1


def test_unreachable_server(tmp_path):
    server = {"base_url": "http://127.0.0.1:9/thredds/ncss", "dataset": "d", "experiment": "e", "collection": "c"}
    with pytest.raises(DownloadError, match=r"connection failed .*gave up after 2 attempts"):
        hycom.download_day(DAY, tmp_path / "day.nc", server, RAW_BOX, fast(retries=1))


def test_a_failed_download_never_replaces_a_raw_file(loopback, tmp_path):
    path = hycom.download_day(DAY, tmp_path / "day.nc", ncss(loopback), RAW_BOX, fast())
    before = path.read_bytes()
    loopback.faults.append(Fault("/ncss/", "status", times=-1, status=502))
    with pytest.raises(DownloadError, match="HTTP 502"):
        hycom.download_day(DAY, path, ncss(loopback), RAW_BOX, fast())
    assert path.read_bytes() == before and no_leftovers(tmp_path)


def test_leftovers_of_an_interrupted_download_are_removed(loopback, tmp_path):
    (tmp_path / ".day.nc.x1y2.part").write_bytes(b"CDF\x01 half a file")
    hycom.download_day(DAY, tmp_path / "day.nc", ncss(loopback), RAW_BOX, fast())
    assert no_leftovers(tmp_path)


def test_erddap_gap_is_served_by_ncei_and_preliminary_names(loopback, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="sstbias.data.download"):
        month = oisst.download_month(JANUARY, tmp_path / "month.nc", oisst_server(loopback), RAW_BOX, fast())
    assert oisst.chunk_days(month) == [day for day in JANUARY if day != ERDDAP_GAP]
    assert f"ERDDAP lacks {ERDDAP_GAP}" in caplog.text
    gap = oisst.download_day(ERDDAP_GAP, tmp_path / "gap.nc", oisst_server(loopback), RAW_BOX, fast())
    last = oisst.download_day(PRELIMINARY_DAY, tmp_path / "last.nc", oisst_server(loopback), RAW_BOX, fast())
    assert [r["target"].rsplit("/", 1)[1] for r in loopback.served("ncei")] == [
        "oisst-avhrr-v02r01.20210113.nc",
        "oisst-avhrr-v02r01.20210131.nc",
        "oisst-avhrr-v02r01.20210131_preliminary.nc",
    ]
    box = GridBox(12.0, 12.96, 110.0, 110.96)
    decoded = read_oisst([month, gap], box=box)
    assert decoded.sizes["time"] == 31
    np.testing.assert_allclose(read_oisst([last], box=box).values, decoded.values[-1:], atol=1e-5)
    expected = loopback.archive.oisst.sel(time=decoded["time"], lat=decoded["lat"], lon=decoded["lon"])
    np.testing.assert_allclose(decoded.values, expected.values, atol=1e-5)


def test_a_step_without_any_valid_value_is_named(tmp_path):
    import pandas as pd

    from sstbias.errors import InputDataError
    from sstbias.testing.formats import write_erddap_oisst

    sst = np.full((3, 8, 8), 28.0)
    sst[1] = np.nan
    lat, lon = 11.625 + 0.25 * np.arange(8), 109.625 + 0.25 * np.arange(8)
    write_erddap_oisst(tmp_path / "gap.nc", pd.date_range("2021-01-01", periods=3), lat, lon, sst)
    with pytest.raises(InputDataError, match=r"gap\.nc: no valid sst value inside the box at 2021-01-02 12:00:00"):
        oisst.check_days(tmp_path / "gap.nc", JANUARY[:3], RAW_BOX)
