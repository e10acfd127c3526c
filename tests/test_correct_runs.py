"""`sstbias correct` of forecast runs with one model folder per lead, and the rule correct_leads: every lead of a run
in one CF output, equal to the workflow's prediction of each lead; a partial run corrects the leads it has.

One tiny workflow run (January on a coarse grid, leads [0, 2], a small ConvGRU-SA per lead and a small ConvGRU of
lead 2) gives the model folders, the twin's forecast runs (step files of lead 2's taus) and the workflow's
predictions of the test days. Lead 0 from run files needs the best time series' steps (taus 0 .. 21 h): the twin
writes them as one hindcast file, which the tests cut into step files of the runs it comes from.
"""

import shutil
from pathlib import Path

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr
import yaml
from workflow_runs import REPO, copy_workflow, snakemake

from sstbias.cli import main
from sstbias.data.io import read_hycom
from sstbias.data.leads import ANALYSIS_HOUR
from sstbias.twin.formats import write_hycom

pytestmark = pytest.mark.integration

MODEL, OTHER = "convgru_sa", "convgru"
LEADS = [0, 2]
MONTH = "2021-01"
RULE_OUTPUT = f"corrected_by_lead/{MODEL}/seed_0/{MONTH}.nc"


def leads_config() -> dict:
    """January on a 0.16 deg grid with leads [0, 2]: the raw baseline, a small ConvGRU-SA and ConvGRU (history
    days as default: the input window is 5 + 14 days); no grids."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["period"] = {"start": "2021-01-01", "end": "2021-01-31"}
    config["grid"]["resolution"] = 0.16
    small = {"hidden_channels": 4, "iterations": 10, "eval_every": 5, "checkpoint_every": 10, "precision": "float32"}
    config["models"] = {"raw": {}, MODEL: config["models"][MODEL] | small, OTHER: config["models"][OTHER] | small}
    config["grids"] = {}
    config["seeds"] = [0]
    config["forecast"] = {"leads": LEADS}
    config["correction"] = {"forecast_dir": "results/twin/raw/hycom/runs"}
    return config


def best_series_steps(hindcast: Path, folder: Path) -> None:
    """The hindcast file's 3-hourly steps written as the step files of the runs they come from (lead 0 of a run:
    taus 0 .. 9 h of its own run, 12 .. 21 h of the previous day's)."""
    steps = read_hycom([hindcast])
    lat, lon = steps["lat"].values, np.mod(steps["lon"].values, 360.0)
    for time in pd.DatetimeIndex(steps["time"].values):
        analysis = (time - pd.Timedelta(hours=ANALYSIS_HOUR)).floor("D") + pd.Timedelta(hours=ANALYSIS_HOUR)
        tau = int((time - analysis) / pd.Timedelta(hours=1))
        path = folder / f"hycom_glby_930_{analysis:%Y%m%d%H}_t{tau:03d}_ts3z.nc"
        values = steps.sel(time=[time]).values.astype("float64")
        write_hycom(path, pd.DatetimeIndex([time]), lat, lon, values, analysis_time=analysis)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> dict:
    """The workflow's lead-0 and lead-2 predictions, the rule correct_leads' output for the January runs, and a
    folder of every step file of lead 0 and lead 2 (the twin's runs and the hindcast cut into steps)."""
    root = copy_workflow(tmp_path_factory.mktemp("correct_runs_repo"))
    (root / "leads.yaml").write_text(yaml.safe_dump(leads_config()))
    results = root / "results" / "twin"
    targets = [f"results/twin/lead_{lead}/predictions/{MODEL}/seed_0.nc" for lead in LEADS]
    targets.append(f"results/twin/lead_2/models/{OTHER}/seed_0/best.pt")
    done = snakemake(root, *targets, "--configfile", "leads.yaml", timeout=1200)
    assert done.returncode == 0, done.stderr[-4000:]
    # the runs folder exists now: the rule reads its step files
    done = snakemake(root, f"results/twin/{RULE_OUTPUT}", "--configfile", "leads.yaml")
    assert done.returncode == 0, done.stderr[-4000:]
    steps = root / "steps"
    steps.mkdir()
    for month in ("2020-12", MONTH):
        for path in (results / "raw" / "hycom" / "runs" / month).glob("*.nc"):
            shutil.copy(path, steps / path.name)
    best_series_steps(results / "raw" / "hycom" / f"{MONTH}.nc", steps)
    return {
        "root": root,
        "results": results,
        "models": {lead: results / f"lead_{lead}" / "models" / MODEL / "seed_0" for lead in LEADS},
        "other": results / "lead_2" / "models" / OTHER / "seed_0",
        "steps": steps,
    }


def predictions(run: dict, lead: int) -> xr.DataArray:
    with xr.open_dataset(run["results"] / f"lead_{lead}" / "predictions" / MODEL / "seed_0.nc") as ds:
        return ds["sst_corrected"].load()


def open_corrected(path: Path) -> xr.Dataset:
    with xr.open_dataset(path) as ds:
        return ds.load()


def lead_field(corrected: xr.Dataset, lead: int, valid: pd.DatetimeIndex) -> np.ndarray:
    """The corrected (run, lead) fields whose valid days are ``valid``: the runs analysed ``lead`` days before."""
    runs = valid - pd.Timedelta(days=lead) + pd.Timedelta(hours=ANALYSIS_HOUR)
    return corrected["sst_corrected"].sel(forecast_reference_time=runs, lead=lead).values


def model_arguments(run: dict) -> list[str]:
    return ["--model", *(str(run["models"][lead]) for lead in LEADS)]


def test_cli_corrects_every_lead_of_the_runs_as_the_workflow_predicts(run, tmp_path, capsys, caplog):
    out = tmp_path / "runs.nc"
    status = main(["correct", *model_arguments(run), "--forecast", str(run["steps"]), "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    corrected = open_corrected(out)
    assert corrected["sst_corrected"].dims == ("forecast_reference_time", "lead", "lat", "lon")
    assert list(corrected["lead"].values) == LEADS
    for lead in LEADS:
        predicted = predictions(run, lead)
        valid = pd.DatetimeIndex(predicted["time"].values)
        np.testing.assert_allclose(lead_field(corrected, lead, valid), predicted.values, rtol=0, atol=1e-5)
        assert np.isfinite(predicted.values).any()
    # lead L's window (5 + 14 days of lead-L forecasts) is complete from the valid day Jan 19: lead 0 of the runs
    # analysed Jan 19 .. 31, lead 2 of those of Jan 17 .. 29 (the runs of Jan 30 and 31 lack lead 2: their files
    # hold the best time series' steps only); each missing lead is NaN and named in a warning
    runs = pd.DatetimeIndex(corrected["forecast_reference_time"].values)
    assert list(runs) == list(pd.date_range("2021-01-17 12:00", "2021-01-31 12:00", freq="D"))
    finite = np.isfinite(corrected["sst_corrected"].values).any(axis=(2, 3))
    np.testing.assert_array_equal(finite[:, 0], runs >= "2021-01-19 12:00")
    np.testing.assert_array_equal(finite[:, 1], runs <= "2021-01-29 12:00")
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert (
        "run 2021-01-17 12 UTC: lead(s) 0 not corrected (NaN in the output): run 2021-01-17 12 UTC: lead 0 (day "
        "2021-01-17): its 19-day input window needs the lead-0 forecasts of 2020-12-30, 2020-12-31 (the best time "
        "series), absent or incomplete in the files"
    ) in warnings
    assert (
        "run 2021-01-31 12 UTC: lead(s) 2 not corrected (NaN in the output): run 2021-01-31 12 UTC: lead 2 "
        "(taus 36 .. 57 h, day 2021-02-02) is beyond the run's length (its last tau is 9 h)"
    ) in warnings
    assert len([line for line in warnings if "not corrected" in line]) == 4  # Jan 17, 18 (lead 0), 30, 31 (lead 2)
    # CF: the valid day per run and lead with its bounds, the lead and the forecast period
    valid = corrected["time"].values
    np.testing.assert_array_equal(valid, runs.normalize().values[:, None] + np.array(LEADS, "timedelta64[D]"))
    bounds = corrected[corrected["time"].attrs["bounds"]].values
    np.testing.assert_array_equal(bounds[..., 1] - bounds[..., 0], np.timedelta64(1, "D"))
    assert corrected["forecast_period"].attrs["standard_name"] == "forecast_period"
    assert corrected["forecast_reference_time"].attrs["standard_name"] == "forecast_reference_time"
    np.testing.assert_array_equal(corrected["forecast_period"].values, np.array(LEADS, "timedelta64[D]"))
    with netCDF4.Dataset(out) as raw:  # CF: a 2-D time is an auxiliary coordinate: no axis; bare bounds
        assert raw["sst_corrected"].getncattr("coordinates") == "forecast_period time"
        assert "axis" not in raw["time"].ncattrs() and raw["time_bnds"].ncattrs() == []
    attrs = corrected.attrs
    assert attrs["leads"] == "0, 2" and attrs["model"] == MODEL
    assert attrs["model_directory"] == "; ".join(f"lead {lead}: {run['models'][lead].resolve()}" for lead in LEADS)
    assert attrs["model_config_hash"].startswith("lead 0: ") and "; lead 2: " in attrs["model_config_hash"]


def test_lead_0_reads_the_best_time_series_files_beside_the_runs(run, tmp_path, capsys):
    """The twin's runs (lead 2's taus only) and its hindcast file of January in one folder: lead 0 reads the file
    named otherwise (the best time series), the leads from 1 the runs; with no model of lead 0 that file is refused."""
    folder = tmp_path / "forecast"
    folder.mkdir()
    for month in ("2020-12", MONTH):
        for path in (run["results"] / "raw" / "hycom" / "runs" / month).glob("*.nc"):
            shutil.copy(path, folder / path.name)
    hindcast = folder / f"{MONTH}.nc"
    shutil.copy(run["results"] / "raw" / "hycom" / f"{MONTH}.nc", hindcast)
    out = tmp_path / "runs.nc"
    status = main(["correct", *model_arguments(run), "--forecast", str(folder), "--out", str(out)])
    assert status == 0, capsys.readouterr().err
    corrected = open_corrected(out)
    # the twin writes the runs whose lead-2 day is in the period: up to Jan 29's (lead 0 of Jan 30, 31: no run)
    runs = pd.DatetimeIndex(corrected["forecast_reference_time"].values)
    assert runs[-1] == pd.Timestamp("2021-01-29 12:00")
    for lead in LEADS:
        predicted = predictions(run, lead)
        valid = pd.DatetimeIndex(predicted["time"].values)
        valid = valid[valid <= runs[-1].normalize() + pd.Timedelta(days=lead)]
        expected = predicted.sel(time=valid).values
        assert np.isfinite(expected).any()
        np.testing.assert_allclose(lead_field(corrected, lead, valid), expected, rtol=0, atol=1e-5)
    # January's hindcast holds the lead-0 windows of the runs from Jan 19, as the step files cut from it do
    finite = np.isfinite(corrected["sst_corrected"].sel(lead=0).values).any(axis=(1, 2))
    np.testing.assert_array_equal(finite, runs >= "2021-01-19 12:00")
    status = main(["correct", "--model", str(run["models"][2]), "--forecast", str(folder), "--out", str(out), "--runs"])
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert status == 1 and message.startswith(f"sstbias correct: error: {hindcast}: not named ")
    assert "read only as the best time series of lead 0, which none of the models corrects" in message


def test_runs_picks_runs_by_analysis_day(run, tmp_path, capsys):
    every = tmp_path / "every.nc"
    assert main(["correct", *model_arguments(run), "--forecast", str(run["steps"]), "--out", str(every)]) == 0
    picked = tmp_path / "picked.nc"
    status = main(["correct", *model_arguments(run), "--forecast", str(run["steps"]), "--out", str(picked),
                   "--runs", "2021-01-25..2021-01-26"])  # fmt: skip
    assert status == 0, capsys.readouterr().err
    chosen = open_corrected(picked)["sst_corrected"]
    runs = pd.DatetimeIndex(["2021-01-25 12:00", "2021-01-26 12:00"])
    assert list(pd.DatetimeIndex(chosen["forecast_reference_time"].values)) == list(runs)
    expected = open_corrected(every)["sst_corrected"].sel(forecast_reference_time=runs)
    np.testing.assert_allclose(chosen.values, expected.values, rtol=0, atol=1e-6)
    assert main(["correct", *model_arguments(run), "--forecast", str(run["steps"]), "--out", str(picked),
                 "--runs", "2021-02-03"]) == 1  # fmt: skip
    assert "requested runs not in the forecast files: 2021-02-03" in capsys.readouterr().err


def test_rule_corrects_the_leads_the_runs_have(run):
    """The twin's run files hold the taus of lead 2 only: lead 0 is NaN and named in the rule's log."""
    corrected = open_corrected(run["results"] / RULE_OUTPUT)
    predicted = predictions(run, 2)
    valid = pd.DatetimeIndex(predicted["time"].values)
    np.testing.assert_allclose(lead_field(corrected, 2, valid), predicted.values, rtol=0, atol=1e-5)
    assert np.isnan(corrected["sst_corrected"].sel(lead=0).values).all()
    log = (run["results"] / "logs" / "correct_leads" / MODEL / f"seed_0_{MONTH}.log").read_text()
    assert "lead(s) 0 not corrected (NaN in the output)" in log and "lead 0 (the best time series of" in log


def test_a_partial_run_corrects_the_leads_it_has(run, tmp_path, caplog):
    from sstbias.correct import correct_runs

    steps = tmp_path / "steps"
    shutil.copytree(run["steps"], steps)
    (steps / "hycom_glby_930_2021012912_t045_ts3z.nc").unlink()
    corrected = correct_runs(list(run["models"].values()), [steps], tmp_path / "out.nc", device="cpu")
    last = corrected.sel(forecast_reference_time="2021-01-29 12:00")
    assert np.isnan(last.sel(lead=2).values).all() and np.isfinite(last.sel(lead=0).values).any()
    assert ("run 2021-01-29 12 UTC: lead(s) 2 not corrected (NaN in the output): run 2021-01-29 12 UTC: lead 2 "
            "(day 2021-01-31) lacks the step file(s) of tau(s) 45 h") in caplog.text  # fmt: skip


def test_no_lead_of_any_run_can_be_corrected(run, tmp_path, capsys):
    steps = tmp_path / "steps"
    steps.mkdir()
    for path in run["steps"].glob("hycom_glby_930_202101[23]*.nc"):  # runs of Jan 20 .. 31: windows incomplete
        shutil.copy(path, steps / path.name)
    out = tmp_path / "out.nc"
    status = main(["correct", *model_arguments(run), "--forecast", str(steps), "--out", str(out)])
    message = capsys.readouterr().err.strip().splitlines()[-1]
    assert status == 1 and not out.exists()
    assert message.startswith("sstbias correct: error: no lead (0, 2) of the run(s) analysed 2021-01-20, ")
    assert "run 2021-01-31 12 UTC: lead 0 (day 2021-01-31): its 19-day input window needs the lead-0 forecasts of" in (
        message
    )


def test_folders_that_do_not_make_one_run_correction(run, tmp_path, capsys):
    out = tmp_path / "out.nc"
    lead2 = str(run["models"][2])
    arguments = ["correct", "--forecast", str(run["steps"]), "--out", str(out)]
    assert main([*arguments, "--model", str(run["models"][0]), lead2, "--model", lead2]) == 1
    assert f"--model {lead2} and {lead2}: both correct lead 2; give one folder per lead" in capsys.readouterr().err
    assert main([*arguments, "--model", str(run["models"][0]), str(run["other"])]) == 1
    assert f"and {run['other']}: different network;" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main([*arguments, *model_arguments(run), "--days", "2021-01-25"])
    assert stopped.value.code == 2 and "forecast runs (several --model, --runs) take --runs" in capsys.readouterr().err
    assert not out.exists()
