"""The `sstbias` command line without a trained model: help, version, argument errors, days and file lookup."""

import pandas as pd
import pytest

import sstbias
from sstbias.cli import main
from sstbias.correct import find_forecast_files, parse_days
from sstbias.errors import InputDataError


@pytest.mark.parametrize("arguments", [["--help"], ["correct", "--help"], ["describe", "--help"]])
def test_help(arguments, capsys):
    with pytest.raises(SystemExit) as stop:
        main(arguments)
    assert stop.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: sstbias")
    if arguments[0] == "correct":
        for option in ("--model", "--forecast", "--out", "--days", "--device", "--threads"):
            assert option in text
        assert "input window" in text


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"sstbias {sstbias.__version__}"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["correct", "--model", "m"], "the following arguments are required: --forecast, --out"),
        (["correct", "--model", "m", "--forecast", "f.nc", "--out", "o.nc", "--days", "2021-13-01"], "--days"),
        (["correct", "--model", "m", "--forecast", "f.nc", "--out", "o.nc", "--threads", "0"], "--threads"),
    ],
)
def test_argument_errors_exit_2_naming_the_option(arguments, expected, capsys):
    with pytest.raises(SystemExit) as stop:
        main(arguments)
    assert stop.value.code == 2
    assert expected in capsys.readouterr().err


def test_parse_days():
    assert list(parse_days("2021-12-30..2022-01-01")) == list(pd.date_range("2021-12-30", "2022-01-01"))
    assert list(parse_days("2021-12-05, 2021-12-01..2021-12-02,2021-12-05")) == list(
        pd.DatetimeIndex(["2021-12-01", "2021-12-02", "2021-12-05"])
    )
    with pytest.raises(ValueError, match="ends before it starts"):
        parse_days("2021-12-05..2021-12-01")
    with pytest.raises(ValueError, match="not a day"):
        parse_days("yesterday")


def test_find_forecast_files(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    files = [folder / name for name in ("b.nc", "a.nc")]
    for path in files:
        path.write_bytes(b"")
    (folder / "notes.txt").write_text("")
    assert find_forecast_files([folder]) == sorted(files)
    assert find_forecast_files([str(folder / "b.*"), folder]) == [files[0], files[1]]
    with pytest.raises(InputDataError, match="holds no"):
        find_forecast_files([tmp_path])
    with pytest.raises(InputDataError, match="no file matches"):
        find_forecast_files([str(tmp_path / "*.grib")])
