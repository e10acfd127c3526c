"""The trainer: it learns, resumes exactly, survives corrupt checkpoints, and refuses bad settings."""

import dataclasses
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from synthetic import aligned_dataset

from sstbias.data.normalise import fit_normaliser
from sstbias.data.split import chronological_split
from sstbias.deep.api import FINGERPRINT_EXEMPT, predict_deep_model, run_fingerprint, train_deep_model
from sstbias.deep.checkpoints import CorruptCheckpoint
from sstbias.deep.settings import DeepSettings, deep_settings
from sstbias.errors import ConfigError
from sstbias.experiments import catalog

BASE = {"hidden_channels": 4, "sequence_length": 3, "batch_size": 4, "lr": 0.01, "seed": 5, "device": "cpu"}


@pytest.fixture(scope="module")
def setup():
    data = aligned_dataset(n_days=90, shape=(10, 8))
    split = chronological_split(pd.DatetimeIndex(data["time"].values), 0.8, 0.15)
    normaliser = fit_normaliser(data, split["train"])
    return data, split, normaliser


def train(setup, out_dir, name="convgru", **settings):
    data, split, normaliser = setup
    return train_deep_model(name, {**BASE, **settings}, data, split, normaliser, out_dir, threads=1)


def weights(path):
    return torch.load(path, weights_only=True)["model"]


def test_training_lowers_validation_error(setup, tmp_path):
    data, split, _ = setup
    history = train(setup, tmp_path, iterations=60, eval_every=10, checkpoint_every=60)
    validation = data.sel(time=split["validation"])
    ocean = validation["ocean_mask"].values == 1
    raw = float(np.sqrt(np.mean((validation["forecast"] - validation["observation"]).values[:, ocean] ** 2)))
    assert history[-1]["val_rmse"] < history[0]["val_rmse"]
    assert history[-1]["val_rmse"] < 0.6 * raw
    assert (tmp_path / "best.pt").exists() and (tmp_path / "training_log.csv").exists()
    log = pd.read_csv(tmp_path / "training_log.csv")
    assert list(log.columns) == ["iteration", "train_loss", "val_rmse", "lr", "seconds"]
    assert list(log["iteration"]) == list(range(10, 61, 10))


def test_seed_decides_weights_and_batches(setup, tmp_path):
    plan = {"iterations": 6, "eval_every": 3, "checkpoint_every": 6}
    first = train(setup, tmp_path / "a", **plan)
    again = train(setup, tmp_path / "b", **plan)
    other = train(setup, tmp_path / "c", **{**plan, "seed": 6})
    assert first == [{**row, "seconds": first[i]["seconds"]} for i, row in enumerate(again)]
    assert [r["train_loss"] for r in other] != [r["train_loss"] for r in first]


def test_resumed_run_equals_uninterrupted_run(setup, tmp_path):
    plan = {"eval_every": 2, "checkpoint_every": 4}
    whole = train(setup, tmp_path / "whole", name="convgru_sa", iterations=8, **plan)
    train(setup, tmp_path / "split", name="convgru_sa", iterations=4, **plan)
    resumed = train(setup, tmp_path / "split", name="convgru_sa", iterations=8, **plan)
    for a, b in zip(whole, resumed, strict=True):
        assert a["iteration"] == b["iteration"]
        assert a["train_loss"] == pytest.approx(b["train_loss"], rel=1e-5)
        assert a["val_rmse"] == pytest.approx(b["val_rmse"], rel=1e-5)
    left, right = weights(tmp_path / "whole" / "last.pt"), weights(tmp_path / "split" / "last.pt")
    for key in left:
        torch.testing.assert_close(left[key], right[key], atol=1e-6, rtol=1e-5)


def test_finished_run_rewrites_removed_outputs(setup, tmp_path):
    """A job whose training finished but whose outputs were removed (e.g. by --forcerun) writes them again."""
    train(setup, tmp_path, iterations=6, eval_every=3, checkpoint_every=6)
    best = weights(tmp_path / "best.pt")
    for name in ("best.pt", "best.pt.sha256", "last.pt", "training_log.csv"):
        (tmp_path / name).unlink()
    train(setup, tmp_path, iterations=6, eval_every=3, checkpoint_every=6)
    assert (tmp_path / "last.pt").exists() and (tmp_path / "training_log.csv").exists()
    for key, value in weights(tmp_path / "best.pt").items():
        torch.testing.assert_close(value, best[key])


def test_corrupt_checkpoint_falls_back_to_the_previous_one(setup, tmp_path, caplog):
    train(setup, tmp_path, iterations=8, eval_every=4, checkpoint_every=4, checkpoint_at=[4])
    newest = tmp_path / "checkpoints" / "iter_000008.pt"
    newest.write_bytes(newest.read_bytes()[:100])
    with caplog.at_level(logging.INFO, logger="sstbias.deep"):
        train(setup, tmp_path, iterations=10, eval_every=4, checkpoint_every=4, checkpoint_at=[4])
    assert "iter_000008.pt" in caplog.text and "skipping corrupt checkpoint" in caplog.text
    assert "resuming from" in caplog.text and "iteration 4)" in caplog.text


def test_all_checkpoints_corrupt_stops_naming_the_file(setup, tmp_path):
    train(setup, tmp_path, iterations=4, eval_every=4, checkpoint_every=4)
    only = tmp_path / "checkpoints" / "iter_000004.pt"
    only.write_bytes(b"garbage")
    with pytest.raises(CorruptCheckpoint, match="iter_000004.pt"):
        train(setup, tmp_path, iterations=8, eval_every=4, checkpoint_every=4)


def test_changed_settings_start_over(setup, tmp_path, caplog):
    train(setup, tmp_path, iterations=4, eval_every=4, checkpoint_every=4)
    with caplog.at_level(logging.WARNING, logger="sstbias.deep"):
        history = train(setup, tmp_path, iterations=4, eval_every=4, checkpoint_every=4, lr=0.002)
    assert "starting over" in caplog.text and len(history) == 1


@pytest.mark.parametrize(
    "checkpoint_at", [[4], [5], []], ids=["resumes-from-kept-checkpoint", "resumes-at-the-new-end", "starts-over"]
)
def test_lowered_iterations_equal_a_run_of_the_new_length(setup, tmp_path, checkpoint_at, caplog):
    """Lowering iterations truncates to a checkpoint at or below the new count (or retrains): no trace of the longer
    run is left in the log, best.pt or last.pt."""
    plan = {"eval_every": 3, "checkpoint_every": 4, "checkpoint_at": checkpoint_at}
    fresh = train(setup, tmp_path / "fresh", iterations=5, **plan)
    train(setup, tmp_path / "lowered", iterations=8, **plan)
    with caplog.at_level(logging.INFO, logger="sstbias.deep"):
        lowered = train(setup, tmp_path / "lowered", iterations=5, **plan)
    assert "iterations lowered to 5: deleting" in caplog.text
    resumed = any(f"iter_{it:06d}.pt (iteration {it})" in caplog.text for it in checkpoint_at)
    assert resumed == bool(checkpoint_at) and ("training from the start" in caplog.text) != resumed
    strip = [{k: v for k, v in row.items() if k != "seconds"} for row in fresh]
    assert [{k: v for k, v in row.items() if k != "seconds"} for row in lowered] == strip
    assert list(pd.read_csv(tmp_path / "lowered" / "training_log.csv")["iteration"]) == [3, 5]
    assert not list((tmp_path / "lowered" / "checkpoints").glob("iter_000008.pt*"))
    for name in ("last.pt", "best.pt"):
        state = torch.load(tmp_path / "lowered" / name, weights_only=True)
        expected = torch.load(tmp_path / "fresh" / name, weights_only=True)
        assert state["iteration"] == expected["iteration"]
        for key, value in state["model"].items():
            torch.testing.assert_close(value, expected["model"][key], atol=1e-6, rtol=1e-5)


def perturbed(value):
    """A different value of the same kind (for the fingerprint test)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value * 2 + 1
    if isinstance(value, str):
        return value + "_other"
    if isinstance(value, list):
        return [*value, "other"]
    return None if value is not None else 1


@pytest.mark.parametrize("name", catalog.DEEP_MODELS)
def test_run_fingerprint_covers_every_training_setting(setup, name):
    """Every field of the model's settings dataclass (input, network, training plan, device, seed) is
    fingerprinted unless FINGERPRINT_EXEMPT names it with a reason; a new field fails here until decided."""
    _, split, normaliser = setup
    settings = deep_settings(name, BASE)
    keys = {field.name for field in dataclasses.fields(settings)}
    reference = run_fingerprint(settings, split, normaliser)
    for key in sorted(keys):
        changed_settings = dataclasses.replace(settings, **{key: perturbed(getattr(settings, key))})
        changed = run_fingerprint(changed_settings, split, normaliser)
        if key in FINGERPRINT_EXEMPT:
            assert changed == reference, f"{key} is exempt but changes the fingerprint"
        else:
            assert changed != reference, f"models.{name}.{key} is neither fingerprinted nor in FINGERPRINT_EXEMPT"
    assert set(FINGERPRINT_EXEMPT) <= keys, "FINGERPRINT_EXEMPT names a setting that no longer exists"
    # a default left implicit fingerprints like the same value written out
    implicit = deep_settings(name, {k: v for k, v in BASE.items() if k != "lr"})
    explicit = deep_settings(name, {**BASE, "lr": DeepSettings().lr})
    assert run_fingerprint(implicit, split, normaliser) == run_fingerprint(explicit, split, normaliser)


def test_cosine_schedule_fingerprints_iterations(setup):
    """Under a cosine schedule the run's length shapes every step's learning rate: iterations is fingerprinted."""
    _, split, normaliser = setup
    for schedule, differs in (("constant", False), ("cosine", True)):
        short = deep_settings("convgru", {**BASE, "lr_schedule": schedule, "iterations": 8})
        longer = dataclasses.replace(short, iterations=16)
        assert (run_fingerprint(short, split, normaliser) != run_fingerprint(longer, split, normaliser)) is differs


def test_prediction_reads_no_observation(setup, tmp_path):
    data, split, _ = setup
    train(setup, tmp_path, iterations=4, eval_every=4, checkpoint_every=4)
    corrected = predict_deep_model(tmp_path, data, split["test"])
    garbage = data.copy(deep=True)
    garbage["observation"][:] = -999.0
    np.testing.assert_array_equal(predict_deep_model(tmp_path, garbage, split["test"]).values, corrected.values)
    ocean = data["ocean_mask"].values == 1
    assert np.isfinite(corrected.values[:, ocean]).all() and np.isnan(corrected.values[:, ~ocean]).all()
    assert corrected.attrs["units"] == "degC"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"sequence_length": 500}, "sequence_length"),
        ({"hidden_channels": 0}, "models.convgru.hidden_channels"),
        ({"dropout": 0.1}, "models.convgru.dropout: unknown setting"),
    ],
)
def test_bad_settings_fail_before_training(setup, tmp_path, settings, message):
    with pytest.raises(ConfigError, match=message):
        train(setup, tmp_path, iterations=2, **settings)
    assert not (tmp_path / "checkpoints").exists()


def start_training_job(out_dir, **settings):
    """``tests/training_job.py`` in its own process (one thread), on the module's dataset."""
    child = Path(__file__).with_name("training_job.py")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(child.parent), os.environ.get("PYTHONPATH", "")])}
    plan = json.dumps({**BASE, **settings})
    return subprocess.Popen(
        [sys.executable, str(child), str(out_dir), plan], env=env, stderr=subprocess.PIPE, text=True
    )


def finish(job, timeout=300) -> tuple[int, str]:
    _, stderr = job.communicate(timeout=timeout)
    return job.returncode, stderr


def test_sigterm_writes_a_checkpoint_and_the_rerun_equals_an_uninterrupted_run(tmp_path):
    """SLURM's time limit: SIGTERM mid-training, then the resubmitted job resumes to the uninterrupted result."""
    plan = {"iterations": 400, "eval_every": 10, "checkpoint_every": 1000}
    whole = start_training_job(tmp_path / "whole", **plan)
    stopped = start_training_job(tmp_path / "stopped", **plan)
    log_csv = tmp_path / "stopped" / "training_log.csv"
    deadline = time.monotonic() + 120
    while not log_csv.exists() and stopped.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    stopped.send_signal(signal.SIGTERM)  # after its first validation row: mid-training
    code, stderr = finish(stopped)
    assert code != 0, stderr[-2000:]
    reported = re.search(r"TrainingInterrupted: SIGTERM at iteration (\d+) of 400", stderr)
    assert reported, stderr[-2000:]
    iteration = int(reported.group(1))
    assert 10 <= iteration < 400
    # the only checkpoint is the one written on SIGTERM (checkpoint_every is beyond the run)
    assert [p.name for p in (tmp_path / "stopped" / "checkpoints").glob("*.pt")] == [f"iter_{iteration:06d}.pt"]
    assert not (tmp_path / "stopped" / "best.pt").exists()

    code, stderr = finish(start_training_job(tmp_path / "stopped", **plan))
    assert code == 0, stderr[-2000:]
    assert f"(iteration {iteration})" in (tmp_path / "stopped.log").read_text()  # "resuming from ... (iteration N)"
    assert finish(whole)[0] == 0
    columns = ["iteration", "train_loss", "val_rmse", "lr"]
    pd.testing.assert_frame_equal(
        pd.read_csv(tmp_path / "stopped" / "training_log.csv")[columns],
        pd.read_csv(tmp_path / "whole" / "training_log.csv")[columns],
        check_exact=True,
    )
    for name in ("best.pt", "last.pt"):
        resumed, uninterrupted = weights(tmp_path / "stopped" / name), weights(tmp_path / "whole" / name)
        assert all(torch.equal(resumed[key], uninterrupted[key]) for key in uninterrupted), name


def test_requested_weights_are_exported_apart_from_the_resumable_checkpoints(setup, tmp_path):
    train(setup, tmp_path, iterations=8, eval_every=4, checkpoint_every=4, checkpoint_at=[4, 8])
    for iteration in (4, 8):
        exported = weights(tmp_path / "weights" / f"iter_{iteration:06d}.pt")
        kept = weights(tmp_path / "checkpoints" / f"iter_{iteration:06d}.pt")
        assert all(torch.equal(exported[key], kept[key]) for key in kept)
    assert weights(tmp_path / "weights" / "iter_000008.pt").keys() == weights(tmp_path / "last.pt").keys()


def test_selected_weights_at_a_kept_iteration_are_those_of_a_run_of_that_length(setup, tmp_path):
    """weights/best_NNNNNN.pt (the budget curve's point) holds what best.pt of a run stopped at NNNNNN holds."""
    train(setup, tmp_path / "long", iterations=12, eval_every=4, checkpoint_every=4, checkpoint_at=[8, 12])
    train(setup, tmp_path / "short", iterations=8, eval_every=4, checkpoint_every=4)
    at_8, short = weights(tmp_path / "long" / "weights" / "best_000008.pt"), weights(tmp_path / "short" / "best.pt")
    assert all(torch.equal(at_8[key], short[key]) for key in short)
    at_12, best = weights(tmp_path / "long" / "weights" / "best_000012.pt"), weights(tmp_path / "long" / "best.pt")
    assert all(torch.equal(at_12[key], best[key]) for key in best)


def test_logged_seconds_count_on_across_a_resume(setup, tmp_path):
    train(setup, tmp_path, iterations=8, eval_every=4, checkpoint_every=4)
    train(setup, tmp_path, iterations=16, eval_every=4, checkpoint_every=4)
    seconds = pd.read_csv(tmp_path / "training_log.csv")["seconds"]
    assert len(seconds) == 4 and seconds.is_monotonic_increasing


def _diverging(after: int, function):
    """``function`` (the loss or the validation RMSE) whose value becomes NaN from its ``after``-th call on."""
    calls = []

    def wrapped(*args, **kwargs):
        calls.append(1)
        value = function(*args, **kwargs)
        return value * float("nan") if len(calls) >= after else value

    return wrapped


@pytest.mark.parametrize(
    ("target", "expected"),
    [("masked_mse", "the training loss is nan at iteration 3"), ("validation_rmse", "the validation RMSE is nan")],
)
def test_a_diverging_run_stops_naming_model_iteration_and_lr(setup, tmp_path, monkeypatch, target, expected):
    import sstbias.deep.trainer as trainer

    train(setup, tmp_path, iterations=2, eval_every=1, checkpoint_every=2)  # an earlier run's best.pt
    monkeypatch.setattr(trainer, target, _diverging(3, getattr(trainer, target)))
    with pytest.raises(trainer.TrainingDiverged, match=rf"models.convgru: training diverged: {expected}") as caught:
        train(setup, tmp_path, iterations=6, eval_every=1, checkpoint_every=2, lr=0.02)
    assert "learning rate 0.02" in str(caught.value)
    assert not (tmp_path / "best.pt").exists() and not (tmp_path / "last.pt").exists()


def test_learning_rate_is_bounded():
    for lr in (1e6, 1e38, float("inf"), float("nan")):
        with pytest.raises(ConfigError, match="models.convgru.lr: must be a number > 0 and at most 10"):
            deep_settings("convgru", {"lr": lr})
