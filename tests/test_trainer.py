"""The trainer: it learns, resumes exactly, survives corrupt checkpoints, and refuses bad settings."""

import logging

import numpy as np
import pandas as pd
import pytest
import torch
from synthetic import aligned_dataset

from sstbias.deep.api import predict_deep_model, train_deep_model
from sstbias.deep.checkpoints import CorruptCheckpoint
from sstbias.errors import ConfigError
from sstbias.normalise import fit_normaliser
from sstbias.split import chronological_split

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
    return torch.load(path, weights_only=False)["model"]


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
