"""User-supplied files (source: local): folders and globs, and which files a month or the period needs."""

from datetime import date, datetime
from pathlib import Path

import pytest

from sstbias.data.local_files import expand_patterns, hindcast_valid_time, hycom_files_for_month, oisst_files_for_days
from sstbias.errors import ConfigError


def touch(folder: Path, *names: str) -> list[Path]:
    paths = [folder / name for name in names]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    return paths


def test_folders_and_globs_and_a_pattern_matching_nothing(tmp_path):
    files = touch(tmp_path, "a/202101/x.nc", "a/y.nc", "b/z.nc", "b/notes.txt")
    assert expand_patterns([str(tmp_path / "a"), str(tmp_path / "b" / "*.nc")], "local.oisst") == sorted(files[:3])
    with pytest.raises(ConfigError, match=r"local.hycom: '.*nothing\*.nc' matches no file"):
        expand_patterns([str(tmp_path / "nothing*.nc")], "local.hycom")
    with pytest.raises(ConfigError, match="local.hycom: empty"):
        expand_patterns([], "local.hycom")


def test_hindcast_names_give_valid_times_and_months():
    assert hindcast_valid_time(Path("hycom_glby_930_2019030712_t003_ts3z.nc")) == datetime(2019, 3, 7, 15)
    assert hindcast_valid_time(Path("hycom_glby_930_2021013112_t015_ts3z.nc")) == datetime(2021, 2, 1, 3)
    assert hindcast_valid_time(Path("my_subset.nc")) is None
    paths = [Path(n) for n in ("hycom_glby_930_2021013112_t009_ts3z.nc", "hycom_glby_930_2021013112_t015_ts3z.nc")]
    paths.append(Path("my_subset.nc"))
    assert hycom_files_for_month(paths, "2021-01") == ["hycom_glby_930_2021013112_t009_ts3z.nc", "my_subset.nc"]
    assert hycom_files_for_month(paths, "2021-02") == ["hycom_glby_930_2021013112_t015_ts3z.nc", "my_subset.nc"]


def test_oisst_files_of_the_period():
    names = [
        "oisst-avhrr-v02r01.20210101.nc",
        "oisst-avhrr-v02r01.20210102_preliminary.nc",
        "oisst-avhrr-v02r01.20210103.nc",
        "oisst-avhrr-v02r01.20210103_preliminary.nc",  # its final file is there: left out
        "oisst-avhrr-v02r01.20210301.nc",  # outside the period
        "sst.day.mean.2020.nc",  # another year
        "sst.day.mean.2021.nc",
        "erddap_subset.nc",
    ]
    kept = oisst_files_for_days([Path(n) for n in names], date(2021, 1, 1), date(2021, 1, 31))
    assert kept == sorted(
        [
            "oisst-avhrr-v02r01.20210101.nc",
            "oisst-avhrr-v02r01.20210102_preliminary.nc",
            "oisst-avhrr-v02r01.20210103.nc",
            "sst.day.mean.2021.nc",
            "erddap_subset.nc",
        ]
    )
