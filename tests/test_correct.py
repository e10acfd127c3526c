"""`sstbias correct` and the workflow's rule correct: same numbers as the workflow's own predictions, clear errors.

One tiny workflow run (one month, coarse grid, the raw baseline and a small ConvGRU-SA) gives a trained model
folder, the twin's raw HYCOM file and the workflow's test-period prediction; the bad inputs are copies of that raw
file, rewritten in the genuine HYCOM layout with one thing wrong.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from workflow_runs import REPO, copy_workflow, snakemake

import sstbias
from sstbias.cli import main
from sstbias.correct import correct_files, find_forecast_files, parse_days
from sstbias.data.io import read_hycom
from sstbias.deep.model_dir import FORMAT_VERSION
from sstbias.twin.formats import write_hycom

pytestmark = pytest.mark.integration

MODEL = "convgru_sa"
MONTH = "2021-01"


def correction_config() -> dict:
    """One month on a 0.16 deg grid; only the raw baseline and a small ConvGRU-SA; no grids."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["period"] = {"start": "2021-01-01", "end": "2021-01-31"}
    config["grid"]["resolution"] = 0.16
    config["models"] = {
        "raw": {},
        # no history channels: these tests count with the 5-day window (history windows: tests/test_fast_path.py)
        MODEL: config["models"][MODEL]
        | {
            "hidden_channels": 4,
            "iterations": 10,
            "eval_every": 5,
            "history_days": [],
            "precision": "float32",
        },  # float32: corrected values compared to 1e-4
    }
    config["models"][MODEL]["checkpoint_every"] = 10
    config["grids"] = {}
    config["correction"] = {"forecast_dir": "results/twin/raw/hycom"}
    return config


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """The workflow's prediction of the test days and the rule correct's output for the raw January file."""
    root = copy_workflow(tmp_path_factory.mktemp("correct_repo"))
    (root / "correct.yaml").write_text(yaml.safe_dump(correction_config()))
    results = root / "results" / "twin"
    prediction = results / "predictions" / MODEL / "seed_0.nc"
    corrected = results / "corrected" / MODEL / "seed_0" / f"{MONTH}.nc"
    targets = [str(path.relative_to(root)) for path in (prediction, corrected)]
    done = snakemake(root, *targets, "--configfile", "correct.yaml")
    assert done.returncode == 0, done.stderr[-4000:]
    model_dir = results / "models" / MODEL / "seed_0"
    return {
        "root": root,
        "model_dir": model_dir,
        "raw": results / "raw" / "hycom" / f"{MONTH}.nc",
        "prediction": prediction,
        "rule_output": corrected,
        "split": json.loads((results / "interim" / "split.json").read_text()),
    }


def open_corrected(path: Path) -> xr.DataArray:
    with xr.open_dataset(path) as ds:
        return ds["sst_corrected"].load()


def rewrite_raw(source: Path, target: Path, days: slice | None = None, change=None) -> Path:
    """``source`` rewritten in the genuine HYCOM layout: the steps of ``days`` only, values changed by ``change``.

    ``change(values, lat, lon) -> (values, lat, lon)`` works on (time, lat, lon) degC, lon in [-180, 180).
    """
    hourly = read_hycom([source])
    if days is not None:
        hourly = hourly.sel(time=days)
    values, lat, lon = hourly.values.astype("float64"), hourly["lat"].values, hourly["lon"].values
    if change is not None:
        values, lat, lon = change(values, lat, lon)
    write_hycom(target, pd.DatetimeIndex(hourly["time"].values), lat, np.mod(lon, 360.0), values)
    return target


def first_days(n: int) -> slice:
    start = pd.Timestamp(f"{MONTH}-01")
    return slice(start, start + pd.Timedelta(days=n) - pd.Timedelta(hours=3))


def fails_cleanly(capsys, out: Path, *arguments: str) -> str:
    """Run `sstbias correct` in this process; assert exit status 1 and no output; return the error line."""
    status = main(["correct", "--out", str(out), *arguments])
    message = capsys.readouterr().err
    assert status == 1, message
    assert not out.exists()
    assert not list(out.parent.glob(f".{out.name}.*")), "a temporary file was left behind"
    return message


# --- the same numbers as the workflow ------------------------------------------------------------------------


def test_rule_output_equals_workflow_prediction_on_test_days(run):
    predicted = open_corrected(run["prediction"])
    corrected = open_corrected(run["rule_output"])
    test_days = pd.DatetimeIndex(run["split"]["test"])
    assert list(pd.DatetimeIndex(predicted["time"].values)) == list(test_days)
    # the January file covers Jan 1..31: with a 5-day window Jan 5..31 are corrected
    expected_days = pd.date_range(f"{MONTH}-05", f"{MONTH}-31")
    assert list(pd.DatetimeIndex(corrected["time"].values)) == list(expected_days)
    np.testing.assert_allclose(corrected.sel(time=test_days).values, predicted.values, rtol=0, atol=1e-5)
    assert np.isfinite(predicted.values).any()


def test_cli_equals_workflow_prediction_and_writes_cf_provenance(run, tmp_path, capsys):
    out = tmp_path / "cli.nc"
    test_days = pd.DatetimeIndex(run["split"]["test"])
    span = f"{test_days[0].date()}..{test_days[-1].date()}"
    status = main(["correct", "--model", str(run["model_dir"]), "--forecast", str(run["raw"]), "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    corrected = open_corrected(out)
    predicted = open_corrected(run["prediction"])
    np.testing.assert_allclose(corrected.sel(time=test_days).values, predicted.values, rtol=0, atol=1e-5)
    only_test = tmp_path / "test_days.nc"
    assert main(["correct", "--model", str(run["model_dir"]), "--forecast", str(run["raw"]), "--out", str(only_test),
                 "--days", span]) == 0  # fmt: skip
    np.testing.assert_array_equal(open_corrected(only_test).values, corrected.sel(time=test_days).values)

    with xr.open_dataset(out) as ds:
        attrs, variable = ds.attrs, ds["sst_corrected"]
        assert variable.attrs["standard_name"] == "sea_surface_temperature"
        assert variable.attrs["units"] == "degC" and "long_name" in variable.attrs
        assert attrs["Conventions"].startswith("CF-")
        assert attrs["model"] == MODEL
        description = json.loads((run["model_dir"] / "model_config.json").read_text())
        assert attrs["model_config_hash"] == description["config_hash"]
        assert attrs["model_training_period"] == "/".join([run["split"]["train"][0], run["split"]["train"][-1]])
        assert attrs["sstbias_version"] and attrs["input_window_days"] == 5
        assert "sstbias correct --model" in attrs["history"]
        assert ds["lat"].attrs["standard_name"] == "latitude" and ds["time"].attrs["standard_name"] == "time"
        bounds = ds[ds["time"].attrs["bounds"]].values  # each value is a UTC day's mean
        np.testing.assert_array_equal(bounds[:, 1] - bounds[:, 0], np.timedelta64(1, "D"))
    with netCDF4.Dataset(out) as raw:
        assert raw["sst_corrected"].filters()["zlib"]


def test_model_folder_describes_itself(run):
    description = json.loads((run["model_dir"] / "model_config.json").read_text())
    assert description["format_version"] == FORMAT_VERSION == 3 and description["input_window_days"] == 5
    preparation = description["forecast_preparation"]
    assert preparation["daily_reduction"] == {"method": "mean", "hour": 12}
    assert preparation["regrid"]["resolution"] == 0.16
    assert len(description["ocean_mask"]) == len(description["lat"]) == 26
    aligned = xr.open_dataset(run["root"] / "results" / "twin" / "interim" / "aligned.nc")
    mask = np.array([[int(c) for c in row] for row in description["ocean_mask"]])
    np.testing.assert_array_equal(mask, aligned["ocean_mask"].values)
    aligned.close()


def test_installed_command_help(run):
    command = Path(sys.executable).parent / "sstbias"
    for arguments in (["--help"], ["correct", "--help"], ["describe", "--help"]):
        done = subprocess.run([str(command), *arguments], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "usage: sstbias" in done.stdout
    assert "--forecast" in done.stdout or "--model" in done.stdout
    described = subprocess.run(
        [str(command), "describe", "--model", str(run["model_dir"])], capture_output=True, text=True, timeout=120
    )
    assert described.returncode == 0, described.stderr
    assert "input window       5 days" in described.stdout and MODEL in described.stdout


# --- bad input: a clear message and no output file ----------------------------------------------------------


def test_forecast_outside_the_trained_box(run, tmp_path, capsys):
    shifted = rewrite_raw(run["raw"], tmp_path / "east.nc", first_days(6), lambda v, lat, lon: (v, lat, lon + 5.0))
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(run["model_dir"]), "--forecast", str(shifted))
    assert "east.nc: does not cover the box's west (lon_min) edge" in message


def test_forecast_on_another_grid(run, tmp_path, capsys):
    coarse = rewrite_raw(
        run["raw"], tmp_path / "coarse.nc", first_days(6), lambda v, lat, lon: (v[:, ::2], lat[::2], lon)
    )
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(run["model_dir"]), "--forecast", str(coarse))
    assert "coarse.nc: the forecast is on another grid than the one the model was trained on: lat" in message


def test_too_few_days_for_the_input_window(run, tmp_path, capsys):
    short = rewrite_raw(run["raw"], tmp_path / "short.nc", first_days(3))
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(run["model_dir"]), "--forecast", str(short))
    assert "too few forecast days: the model needs 5 consecutive days" in message
    assert "3 day(s) (2021-01-01, 2021-01-02, 2021-01-03)" in message


def test_requested_day_without_its_window(run, tmp_path, capsys):
    arguments = ("--model", str(run["model_dir"]), "--forecast", str(run["raw"]))
    message = fails_cleanly(capsys, tmp_path / "out.nc", *arguments, "--days", "2021-01-03")
    assert "2021-01-03: its 5-day input window needs the forecast of 2020-12-30, 2020-12-31" in message
    message = fails_cleanly(capsys, tmp_path / "out.nc", *arguments, "--days", "2021-02-01")
    assert "requested days not in the forecast files: 2021-02-01" in message


def test_gap_in_the_days_skips_days_with_a_warning(run, tmp_path, caplog):
    first = rewrite_raw(run["raw"], tmp_path / "a.nc", first_days(6))
    later = rewrite_raw(
        run["raw"], tmp_path / "b.nc", slice(pd.Timestamp("2021-01-08"), pd.Timestamp("2021-01-13 21:00"))
    )
    corrected = correct_files(run["model_dir"], [tmp_path], tmp_path / "gap" / "out.nc", device="cpu")
    assert [str(d.date()) for d in pd.DatetimeIndex(corrected["time"].values)] == [
        "2021-01-05", "2021-01-06", "2021-01-12", "2021-01-13"
    ]  # fmt: skip
    assert "input window has a gap: 2021-01-08, 2021-01-09, 2021-01-10, 2021-01-11" in caplog.text
    assert find_forecast_files([tmp_path]) == [first, later]


def test_kelvin_is_converted_with_a_warning(run, tmp_path, caplog):
    kelvin = rewrite_raw(run["raw"], tmp_path / "kelvin.nc", first_days(6))
    with netCDF4.Dataset(kelvin, "a") as ds:
        ds["water_temp"].setncattr("add_offset", np.float32(20.0 + 273.15))
        ds["water_temp"].setncattr("units", "K")
    celsius = correct_files(
        run["model_dir"], [run["raw"]], tmp_path / "celsius.nc", parse_days("2021-01-05..2021-01-06")
    )
    converted = correct_files(run["model_dir"], [kelvin], tmp_path / "converted.nc")
    assert "kelvin.nc: temperatures in Kelvin" in caplog.text and "converted to degC" in caplog.text
    np.testing.assert_allclose(converted.values, celsius.values, rtol=0, atol=1e-4)


def test_all_nan_field(run, tmp_path, capsys):
    def blank_day_two(values, lat, lon):
        values = values.copy()
        values[8:16] = np.nan
        return values, lat, lon

    blank = rewrite_raw(run["raw"], tmp_path / "blank.nc", first_days(6), blank_day_two)
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(run["model_dir"]), "--forecast", str(blank))
    assert "blank.nc: no valid water_temp value at 2021-01-02 00:00:00 (UTC) over the box" in message


def test_holes_at_ocean_cells(run, tmp_path, capsys):
    def hole(values, lat, lon):
        values = values.copy()
        values[16:24, 20:30, 20:30] = np.nan  # day 3, a patch of open ocean
        return values, lat, lon

    holed = rewrite_raw(run["raw"], tmp_path / "holed.nc", first_days(6), hole)
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(run["model_dir"]), "--forecast", str(holed))
    assert "holed.nc: no forecast value at" in message and "ocean cells on 2021-01-03" in message


def edited_model(run, tmp_path, edit) -> Path:
    folder = tmp_path / "model"
    shutil.copytree(run["model_dir"], folder, ignore=shutil.ignore_patterns("checkpoints"))
    description = json.loads((folder / "model_config.json").read_text())
    edit(description)
    (folder / "model_config.json").write_text(json.dumps(description))
    return folder


def format_1_layout(description: dict) -> None:
    """What sstbias wrote before the input channels, residual_over, land handling and climatology (format 1)."""
    description.update(format_version=1)
    description.pop("climatology")
    for key in ("daily_channels", "residual_over", "land"):
        description["settings"].pop(key)


def previous_layout(description: dict) -> None:
    """What sstbias wrote before format 1."""
    for key in ("format_version", "input_window_days", "validation_days", "ocean_mask", "forecast_preparation"):
        description.pop(key)
    description.pop("config_hash")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            previous_layout,
            f"no format_version (written before format 1), written by sstbias {sstbias.__version__}; this sstbias "
            f"{sstbias.__version__} reads format_version 3 (and 4 for a model that takes the lead as an input); "
            "missing entries: format_version, input_window_days, "
            "validation_days, ocean_mask, forecast_preparation, config_hash",
        ),
        (
            format_1_layout,
            "format_version 1, written by sstbias",
        ),
        (lambda d: d.update(format_version=5), "incompatible model folder: format_version 5, written by sstbias"),
        (lambda d: d.update(format_version=4), "incomplete model description, missing entries: lead_input"),
        (
            lambda d: d.update(lead_input={"leads": [0], "scale_days": 7.0}),
            "entry lead_input in a format 3 description",
        ),
        (lambda d: d["settings"].update(hidden_channels=8), "modified after training"),
    ],
    ids=["previous-layout", "before-input-channels", "newer-format", "lead-input-format", "lead-input-in-3", "edited"],
)
def test_incompatible_model_folder(run, tmp_path, capsys, edit, expected):
    folder = edited_model(run, tmp_path, edit)
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(folder), "--forecast", str(run["raw"]))
    assert "model_config.json" in message and expected in message
    if "format_version" in expected:
        assert str(folder) in message and "Refresh it by retraining" in message and "--forcerun train_deep" in message


def test_weights_that_do_not_fit(run, tmp_path, capsys):
    def wider(d):
        d["settings"]["hidden_channels"] = 8
        from sstbias.deep.model_dir import config_hash

        d["config_hash"] = config_hash(d)

    folder = edited_model(run, tmp_path, wider)
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(folder), "--forecast", str(run["raw"]))
    assert "best.pt: weights do not fit the convgru_sa network described in model_config.json" in message


def test_not_a_deep_model_folder(run, tmp_path, capsys):
    baseline = tmp_path / "climatology"
    baseline.mkdir()
    (baseline / "model.nc").write_bytes(b"")
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(baseline), "--forecast", str(run["raw"]))
    assert "not a trained deep model folder" in message and "baseline" in message
    message = fails_cleanly(capsys, tmp_path / "out.nc", "--model", str(tmp_path / "nope"), "--forecast", "x.nc")
    assert "no such model folder" in message


def test_missing_or_non_netcdf_forecast(run, tmp_path, capsys):
    page = tmp_path / "page.nc"
    page.write_text("<html><body>502 Bad Gateway</body></html>")
    arguments = ("--model", str(run["model_dir"]))
    assert "page.nc: an HTML/text error page" in fails_cleanly(
        capsys, tmp_path / "o.nc", *arguments, "--forecast", str(page)
    )
    assert "none.nc: file not found" in fails_cleanly(
        capsys, tmp_path / "o.nc", *arguments, "--forecast", str(tmp_path / "none.nc")
    )
    assert "no file matches" in fails_cleanly(
        capsys, tmp_path / "o.nc", *arguments, "--forecast", str(tmp_path / "*.nc4")
    )
