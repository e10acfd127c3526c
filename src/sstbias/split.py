"""Chronological split of the experiment's days into train, validation (tail of training) and test."""

from __future__ import annotations

import json
import os

import pandas as pd

from sstbias.errors import ConfigError
from sstbias.netcdf import atomic_write

SUBSETS = ("train", "validation", "test")


def split_sizes(n_days: int, train_fraction: float, validation_fraction: float) -> tuple[int, int, int]:
    """(n_train, n_validation, n_test) for ``n_days`` days.

    The leading ``round(train_fraction * n_days)`` days form the training period; its last
    ``round(validation_fraction * n_training_period)`` days are held out for validation.
    """
    n_period = int(round(train_fraction * n_days))
    n_validation = int(round(validation_fraction * n_period))
    return n_period - n_validation, n_validation, n_days - n_period


def chronological_split(
    days: pd.DatetimeIndex, train_fraction: float, validation_fraction: float
) -> dict[str, pd.DatetimeIndex]:
    """Split sorted, unique ``days`` into consecutive ``train``, ``validation`` and ``test`` blocks."""
    days = pd.DatetimeIndex(days)
    if not days.is_monotonic_increasing or not days.is_unique:
        raise ValueError("days must be sorted and unique")
    n_train, n_validation, n_test = split_sizes(len(days), train_fraction, validation_fraction)
    if n_train < 1 or n_test < 1:
        raise ConfigError(
            f"split: {len(days)} days give {n_train} training and {n_test} test days; need at least one of each"
        )
    return {
        "train": days[:n_train],
        "validation": days[n_train : n_train + n_validation],
        "test": days[n_train + n_validation :],
    }


def save_split(split: dict[str, pd.DatetimeIndex], json_path: str | os.PathLike, csv_path: str | os.PathLike) -> None:
    """Write the split as JSON (subset -> ISO dates) and as a CSV of ``date,subset`` rows, atomically."""
    as_lists = {name: [day.strftime("%Y-%m-%d") for day in split[name]] for name in SUBSETS}
    atomic_write(json_path, lambda tmp: tmp.write_text(json.dumps(as_lists, indent=1) + "\n"))
    table = pd.DataFrame([(date, name) for name in SUBSETS for date in as_lists[name]], columns=["date", "subset"])
    atomic_write(csv_path, lambda tmp: table.to_csv(tmp, index=False))


def load_split(json_path: str | os.PathLike) -> dict[str, pd.DatetimeIndex]:
    """Read a split written by :func:`save_split`."""
    with open(json_path) as handle:
        raw = json.load(handle)
    return {name: pd.DatetimeIndex(pd.to_datetime(raw[name])) for name in SUBSETS}
