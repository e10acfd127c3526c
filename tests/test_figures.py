"""The figures are written as non-empty PNGs of the expected size, atomically."""

import struct

import numpy as np
import pandas as pd
import pytest
from synthetic import aligned_dataset

from sstbias.evaluation import figures


def png_size(path) -> tuple[int, int]:
    """(width, height) from the PNG header."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def fields():
    data = aligned_dataset(n_days=20, shape=(12, 10))
    observation = data["observation"]
    predictions = {"raw": data["forecast"], "climatology": data["forecast"] - 0.4, "convgru": observation + 0.1}
    return predictions, observation, data["ocean_mask"]


def test_error_maps(fields, tmp_path):
    predictions, observation, mask = fields
    figures.error_maps(predictions, observation, mask, tmp_path / "maps.png")
    width, height = png_size(tmp_path / "maps.png")
    assert 1000 < width < 1800 and 300 < height < 700  # 3 panels in one row plus the colour bar
    assert list(tmp_path.iterdir()) == [tmp_path / "maps.png"]


def test_scatter(fields, tmp_path):
    predictions, observation, mask = fields
    figures.scatter(predictions, observation, mask, tmp_path / "scatter.png")
    width, height = png_size(tmp_path / "scatter.png")
    assert 1000 < width < 1600 and 300 < height < 600


def test_error_series_and_training_curves(tmp_path):
    days = pd.date_range("2021-10-20", periods=10).strftime("%Y-%m-%d")
    daily = {
        name: pd.DataFrame({"date": days, "n": 100, "sum_error": np.arange(10.0) * k})
        for k, name in enumerate(["raw", "convgru"])
    }
    figures.error_time_series(daily, tmp_path / "series.png")
    log = pd.DataFrame({"iteration": [50, 100], "train_loss": [0.01, 0.005], "val_rmse": [0.4, 0.35]})
    figures.training_curves({"convgru": log}, tmp_path / "training.png")
    for name in ("series.png", "training.png"):
        width, height = png_size(tmp_path / name)
        assert width > 600 and height > 300
