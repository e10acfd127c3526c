"""`sstbias correct` with a model folder that takes the lead as an input: one folder corrects every lead of forecast
runs (`--runs`) exactly as the workflow's inputs of each lead give, one lead of it with `--lead`, and the errors.

The fixture builds with the workflow's stage functions (no Snakemake, about ten seconds) the twin's January 1 .. 16
on an 11 x 11 grid: the runs' lead-2 step files and the hindcast cut into the best time series' step files (lead 0),
each lead's aligned data as the workflow makes them, one small ConvGRU trained on leads 0 and 2 with the lead as an
input, and small ConvGRUs of one lead (2, and 5: no run file holds lead 5).
"""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from test_correct_runs import best_series_steps
from workflow_runs import REPO

from sstbias.cli import main
from sstbias.correct import ForecastCorrector, RunCorrector, correct_runs
from sstbias.data.forecast import ForecastPreparation
from sstbias.data.leads import ANALYSIS_HOUR
from sstbias.data.normalise import fit_normaliser
from sstbias.data.regrid import resolve_engine
from sstbias.data.split import chronological_split
from sstbias.deep.api import predict_deep_model, train_deep_model
from sstbias.errors import ModelDirectoryError
from sstbias.grid import AnalysisGrid
from sstbias.netcdf import open_field
from sstbias.stages import data, prepare, regrid
from sstbias.twin.run_files import write_runs

LEADS = [0, 2]
FIRST, LAST = "2021-01-01", "2021-01-16"
# a 3-day input window (no history channels); float32: corrected values compared to 1e-5
SETTINGS = {"hidden_channels": 4, "sequence_length": 3, "history_days": [], "iterations": 6, "eval_every": 3,
            "precision": "float32", "seed": 0}  # fmt: skip
WINDOW = 3


def tiny_config() -> dict:
    """The default config on January 1 .. 16 over a 1.6 degree box at 0.16 degree (the coast at its west)."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["period"] = {"start": FIRST, "end": LAST}
    config["box"] = {"lat_min": 12.0, "lat_max": 13.6, "lon_min": 109.6, "lon_max": 111.2}
    config["grid"]["resolution"] = 0.16
    return config


def run_steps(config: dict, work: Path) -> Path:
    """A folder of step files: lead 2 of the runs analysed Dec 30 .. Jan 15 (every lead-2 day of Jan 1 .. 17) and
    the best time series' steps of the runs up to Jan 16 (lead 0 of Jan 1 .. 16)."""
    steps = work / "steps"
    steps.mkdir()
    first = pd.Timestamp(FIRST) - pd.Timedelta(days=2) + pd.Timedelta(hours=ANALYSIS_HOUR)
    write_runs(config, pd.date_range(first, periods=17, freq="D"), steps, [2])
    best_series_steps(work / "hycom.nc", steps)
    for path in steps.glob("*.nc"):  # the runs after the period: left out
        if pd.Timestamp(path.name.split("_")[3][:8]) > pd.Timestamp(LAST):
            path.unlink()
    return steps


def aligned_leads(config: dict, work: Path, steps: Path) -> dict[int, xr.Dataset]:
    """Each lead's aligned data as the workflow makes them (lead 0 from the hindcast, lead 2 from the runs)."""
    engine = resolve_engine(config["grid"]["regrid_engine"])
    grid = AnalysisGrid.from_config(config)
    period, days = config["period"], {"first": FIRST, "last": LAST}
    regrid.regrid_product("observation", [work / "oisst.nc"], work / "observation.nc", grid, engine, period)
    aligned = {}
    for lead, raw in ((0, [work / "hycom.nc"]), (2, [steps])):
        daily, forecast, out = (work / f"{name}_{lead}.nc" for name in ("daily", "forecast", "aligned"))
        data.daily_forecast(raw, daily, config["box"], days, "mean", 12, lead=lead)
        regrid.regrid_product("forecast", [daily], forecast, grid, engine, period)
        prepare.align(forecast, work / "observation.nc", out, period, "error")
        aligned[lead] = xr.load_dataset(out)
    return aligned


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """The step files, each lead's aligned data, the lead-input folder and folders of lead 2 and lead 5."""
    work = tmp_path_factory.mktemp("lead_input_correct")
    config = tiny_config()
    data.synthesize("2021-01", config, work / "hycom.nc", work / "oisst.nc", work / "diagnostics.nc")
    steps = run_steps(config, work)
    aligned = aligned_leads(config, work, steps)
    split = chronological_split(pd.DatetimeIndex(aligned[0]["time"].values), 0.6, 0.2)
    settings = {
        "box": config["box"],
        "daily_reduction": config["daily_reduction"],
        "grid": {"resolution": 0.16, "regrid_engine": resolve_engine(config["grid"]["regrid_engine"])},
    }
    preparation = ForecastPreparation.from_workflow(settings, open_field(work / "daily_0.nc"))
    folders = {"input": work / "lead_input", 2: work / "lead_2", 5: work / "lead_5"}
    normaliser = fit_normaliser(list(aligned.values()), split["train"])
    train_deep_model("convgru", SETTINGS, aligned, split, normaliser, folders["input"], preparation=preparation)
    for lead in (2, 5):  # lead 5: trained on lead 2's data, recorded as lead 5 (its values do not matter)
        normaliser = fit_normaliser(aligned[2], split["train"])
        prepared = replace(preparation, lead=lead)
        train_deep_model("convgru", SETTINGS, aligned[2], split, normaliser, folders[lead], preparation=prepared)
    return {"work": work, "steps": steps, "aligned": aligned, "folders": folders}


def open_corrected(path: Path) -> xr.Dataset:
    with xr.open_dataset(path) as ds:
        return ds.load()


def expected(run: dict, lead: int, days: pd.DatetimeIndex) -> np.ndarray:
    """The lead-input model's prediction of ``days`` from the workflow's aligned inputs of ``lead``."""
    return predict_deep_model(run["folders"]["input"], run["aligned"][lead], days, lead=lead).values


def valid_days() -> pd.DatetimeIndex:
    """The days of the aligned data whose whole input window is in them."""
    return pd.date_range(FIRST, LAST, freq="D")[WINDOW - 1 :]


def lead_field(corrected: xr.Dataset, lead: int, valid: pd.DatetimeIndex) -> np.ndarray:
    """The corrected (run, lead) fields whose valid days are ``valid``: the runs analysed ``lead`` days before."""
    runs = valid - pd.Timedelta(days=lead) + pd.Timedelta(hours=ANALYSIS_HOUR)
    return corrected["sst_corrected"].sel(forecast_reference_time=runs, lead=lead).values


def correct(run: dict, out: Path, *arguments: str, forecast: Path | None = None) -> int:
    """`sstbias correct` of the step files (or ``forecast``) into ``out`` on the CPU; its exit status."""
    forecast = forecast or run["steps"]
    return main(["correct", "--forecast", str(forecast), "--out", str(out), "--device", "cpu", *arguments])


def test_one_folder_corrects_every_lead_of_the_runs_as_the_workflow_inputs_give(run, tmp_path, capsys):
    folder = run["folders"]["input"]
    out = tmp_path / "runs.nc"
    assert correct(run, out, "--model", str(folder), "--runs") == 0, capsys.readouterr().err
    corrected = open_corrected(out)
    assert corrected["sst_corrected"].dims == ("forecast_reference_time", "lead", "lat", "lon")
    assert list(corrected["lead"].values) == LEADS
    valid = valid_days()
    for lead in LEADS:
        np.testing.assert_allclose(lead_field(corrected, lead, valid), expected(run, lead, valid), rtol=0, atol=1e-5)
    # the runs with a correctable lead: lead 2 of Jan 1 .. 15 (valid Jan 3 .. 17), lead 0 of Jan 3 .. 16
    runs = pd.DatetimeIndex(corrected["forecast_reference_time"].values)
    assert list(runs) == list(pd.date_range(f"{FIRST} 12:00", f"{LAST} 12:00", freq="D"))
    finite = np.isfinite(corrected["sst_corrected"].values).any(axis=(2, 3))
    np.testing.assert_array_equal(finite[:, 0], runs >= "2021-01-03 12:00")
    np.testing.assert_array_equal(finite[:, 1], runs <= "2021-01-15 12:00")
    attrs = corrected.attrs
    assert attrs["leads"] == "0, 2" and attrs["model_format_version"] == 4
    assert attrs["model_directory"] == f"lead 0: {folder.resolve()}; lead 2: {folder.resolve()}"
    assert "one model that takes the lead as an input (leads 0, 2 days)" in attrs["title"]
    assert "its lead channel set to L" in corrected["sst_corrected"].attrs["comment"]
    # --runs DAYS picks runs, as with folders of one lead each
    picked = tmp_path / "picked.nc"
    assert correct(run, picked, "--model", str(folder), "--runs", "2021-01-10..2021-01-11") == 0
    chosen = open_corrected(picked)["sst_corrected"]
    np.testing.assert_array_equal(chosen.values, corrected["sst_corrected"].sel(forecast_reference_time=chosen[
        "forecast_reference_time"]).values)  # fmt: skip
    assert chosen.sizes["forecast_reference_time"] == 2


def test_the_network_is_loaded_once_for_every_lead(run):
    corrector = RunCorrector([run["folders"]["input"]], device="cpu")
    assert corrector.leads == LEADS
    assert corrector.models[0].network is corrector.models[2].network
    assert [corrector.models[lead].preparation.lead for lead in LEADS] == LEADS


def test_lead_picks_the_days_of_one_lead(run, tmp_path, capsys):
    folder = str(run["folders"]["input"])
    out = tmp_path / "lead_2.nc"
    lead_2_steps = run["steps"] / "*_t0[345]?_*.nc"  # taus 36 .. 57 h (a run without them is an error for lead 2)
    assert correct(run, out, "--model", folder, "--lead", "2", forecast=lead_2_steps) == 0, capsys.readouterr().err
    corrected = open_corrected(out)["sst_corrected"]
    days = pd.DatetimeIndex(corrected["time"].values)
    assert list(days) == list(pd.date_range("2021-01-03", "2021-01-17", freq="D"))  # every lead-2 window in the files
    valid = valid_days()
    np.testing.assert_allclose(corrected.sel(time=valid).values, expected(run, 2, valid), rtol=0, atol=1e-5)
    assert int(corrected["lead"]) == 2
    # lead 0 from the hindcast file, as a model of lead 0 reads it
    out = tmp_path / "lead_0.nc"
    hindcast = run["work"] / "hycom.nc"
    days = "2021-01-10..2021-01-12"
    assert correct(run, out, "--model", folder, "--lead", "0", "--days", days, forecast=hindcast) == 0
    corrected = open_corrected(out)
    valid = pd.date_range("2021-01-10", "2021-01-12", freq="D")
    np.testing.assert_allclose(corrected["sst_corrected"].values, expected(run, 0, valid), rtol=0, atol=1e-5)
    assert corrected.attrs["model_directory"] == str(Path(folder).resolve())
    assert corrected.attrs["model_format_version"] == 4


def test_describe_names_the_leads(run, capsys):
    assert main(["describe", "--model", str(run["folders"]["input"])]) == 0
    assert "leads              0, 2, the lead an input" in capsys.readouterr().out


def test_a_lead_input_folder_needs_a_lead_it_was_trained_on(run, tmp_path, capsys):
    folder = run["folders"]["input"]
    out = tmp_path / "out.nc"
    assert correct(run, out, "--model", str(folder)) == 1
    message = capsys.readouterr().err.strip()
    assert message == (
        f"sstbias correct: error: {folder}: takes the forecast lead as an input (trained on leads 0, 2); give the "
        "lead of the forecasts to correct (--lead L), or correct every lead of forecast runs (--runs)"
    )
    assert correct(run, out, "--model", str(folder), "--lead", "1") == 1
    message = capsys.readouterr().err.strip()
    assert message == (
        f"sstbias correct: error: {folder}: takes the forecast lead as an input and was trained on leads 0, 2; lead 1 "
        "is not one of them"
    )
    assert not out.exists()


@pytest.mark.parametrize(
    "arguments, expected_message",
    [
        (["--lead", "2", "--runs"], "--lead picks the lead of one model folder that takes the lead as an input"),
        (["--lead", "-1"], "argument --lead: -1: a lead is a number of days, 0 or more"),
    ],
    ids=["with-runs", "negative"],
)
def test_lead_argument_errors(run, tmp_path, capsys, arguments, expected_message):
    with pytest.raises(SystemExit) as stopped:
        correct(run, tmp_path / "out.nc", "--model", str(run["folders"]["input"]), *arguments)
    assert stopped.value.code == 2 and expected_message in capsys.readouterr().err


def test_lead_with_folders_of_one_lead(run, tmp_path, capsys):
    lead_2, lead_5 = str(run["folders"][2]), str(run["folders"][5])
    for folders in ([lead_2], [lead_2, lead_5]):
        with pytest.raises(SystemExit) as stopped:
            correct(run, tmp_path / "out.nc", "--model", *folders, "--lead", "2")
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        assert (f"--lead 2: {lead_2} is a model of lead 2 (one model per lead)" in err) == (len(folders) == 1)
    assert not (tmp_path / "out.nc").exists()
    # the library: a folder of one lead corrects that lead only
    assert ForecastCorrector(lead_2, device="cpu", lead=2).preparation.lead == 2
    with pytest.raises(ModelDirectoryError, match="lead_2: a model of lead 2, it cannot correct lead 0"):
        ForecastCorrector(lead_2, device="cpu", lead=0)


def test_two_folders_for_one_lead_are_refused(run, tmp_path, capsys):
    folder, lead_2 = run["folders"]["input"], run["folders"][2]
    out = tmp_path / "out.nc"
    assert correct(run, out, "--model", str(folder), str(lead_2), "--runs") == 1
    assert capsys.readouterr().err.strip() == (
        f"sstbias correct: error: --model {folder} and {lead_2}: both correct lead 2; {folder} takes the lead as an "
        "input (leads 0, 2); give one folder per lead"
    )
    assert correct(run, out, "--model", str(folder), "--model", str(folder)) == 1
    assert f"--model {folder} and {folder}: both correct lead 0" in capsys.readouterr().err
    assert not out.exists()


def test_a_lead_input_folder_beside_a_folder_of_another_lead(run, tmp_path, caplog):
    folder, lead_5 = run["folders"]["input"], run["folders"][5]
    alone = correct_runs([folder], [run["steps"]], tmp_path / "alone.nc", device="cpu")
    both = correct_runs([folder, lead_5], [run["steps"]], tmp_path / "both.nc", device="cpu")
    assert list(both["lead"].values) == [0, 2, 5] and np.isnan(both.sel(lead=5).values).all()
    np.testing.assert_array_equal(both.sel(lead=LEADS).values, alone.values)
    assert "lead 5 (taus 108 .. 129 h, day 2021-01-06) is beyond the run's length" in caplog.text
    attrs = open_corrected(tmp_path / "both.nc").attrs
    assert attrs["model_format_version"] == "lead 0: 4; lead 2: 4; lead 5: 3"
    assert attrs["model_directory"].endswith(f"; lead 5: {lead_5.resolve()}")
    assert "one model per lead or, taking the lead as an input, per set of leads" in attrs["title"]
    config = json.loads((folder / "model_config.json").read_text())
    assert attrs["model_config_hash"].startswith(f"lead 0: {config['config_hash']}; lead 2: {config['config_hash']}")
