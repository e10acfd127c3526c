"""Chronological split of the experiment's days into train, validation and test.

The test period is the tail of the days. The validation days are held out of the period before it: its tail
(``validation: tail``, the default) or ``validation_blocks`` blocks spread over it (``validation: blocks``), so that
selection sees more than one season. Around each block ``gap_days`` days are neither training nor validation: after
a block, so that no training window (a target day and the ``sequence_length - 1`` days before it) reads a validation
day as input; before it, so that no training target is the day before a validation day (the errors persist for
days). ``gap_days`` counts days of the experiment (positions), as the windows do.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd

from sstbias.errors import ConfigError
from sstbias.netcdf import atomic_write

SUBSETS = ("train", "validation", "test")
VALIDATION_MODES = ("tail", "blocks")


def split_sizes(n_days: int, train_fraction: float, validation_fraction: float) -> tuple[int, int, int]:
    """(n_train, n_validation, n_test) for ``n_days`` days with the validation days at the tail (no gaps).

    The leading ``round(train_fraction * n_days)`` days form the training period; its last
    ``round(validation_fraction * n_training_period)`` days are held out for validation.
    """
    n_period = int(round(train_fraction * n_days))
    n_validation = int(round(validation_fraction * n_period))
    return n_period - n_validation, n_validation, n_days - n_period


def block_positions(n_period: int, n_validation: int, n_blocks: int, gap_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions (within the ``n_period`` days before the test period) of the validation days, in ``n_blocks``
    chronological blocks of near-equal length (the first ones a day longer), each centred in its share of the
    period, and of the gap days, ``gap_days`` on each side of every block (within the period). ConfigError naming
    the key if the blocks and their gaps do not fit."""
    if n_validation == 0:
        return np.empty(0, int), np.empty(0, int)
    if n_blocks > n_validation:
        raise ConfigError(f"split.validation_blocks: {n_blocks} blocks for {n_validation} validation days")
    lengths = [len(block) for block in np.array_split(np.arange(n_validation), n_blocks)]
    edges = [round(i * n_period / n_blocks) for i in range(n_blocks + 1)]
    validation, gaps = [], []
    for length, first, end in zip(lengths, edges[:-1], edges[1:], strict=True):
        if end - first < length + 2 * gap_days:
            raise ConfigError(
                f"split.validation_blocks: {n_blocks} blocks of up to {lengths[0]} validation days with gaps of "
                f"split.gap_days={gap_days} days on each side do not fit in the {n_period} days before the test period"
            )
        start = first + (end - first - length) // 2
        validation.append(np.arange(start, start + length))
        gaps += [np.arange(max(start - gap_days, 0), start), np.arange(start + length, start + length + gap_days)]
    return np.concatenate(validation), np.concatenate(gaps)


def chronological_split(
    days: pd.DatetimeIndex,
    train_fraction: float,
    validation_fraction: float,
    validation: str = "tail",
    validation_blocks: int = 4,
    gap_days: int = 5,
) -> dict[str, pd.DatetimeIndex]:
    """Split sorted, unique ``days`` into ``train``, ``validation`` and ``test``: the test period the tail, the
    validation days the tail of the days before it or (``validation: blocks``) ``validation_blocks`` blocks
    with ``gap_days`` gap days around each (:func:`block_positions`; the gaps in no subset)."""
    days = pd.DatetimeIndex(days)
    if not days.is_monotonic_increasing or not days.is_unique:
        raise ValueError("days must be sorted and unique")
    if validation not in VALIDATION_MODES:
        raise ConfigError(f"split.validation: {validation!r} is not one of {', '.join(VALIDATION_MODES)}")
    n_train, n_validation, n_test = split_sizes(len(days), train_fraction, validation_fraction)
    n_period = n_train + n_validation
    if validation == "tail":
        held, gaps = np.arange(n_train, n_period), np.empty(0, int)
    else:
        held, gaps = block_positions(n_period, n_validation, validation_blocks, gap_days)
    train = np.setdiff1d(np.arange(n_period), np.concatenate([held, gaps]))
    if len(train) < 1 or n_test < 1:
        raise ConfigError(
            f"split: {len(days)} days give {len(train)} training and {n_test} test days; need at least one of each"
        )
    return {"train": days[train], "validation": days[held], "test": days[n_period:]}


def split_params(settings: dict) -> dict:
    """The keys of a ``split`` config section that shape its split (the workflow's record of it): the fractions,
    and the block keys only with ``validation: blocks``, so that a tail split records what it recorded before the
    blocks existed and its outputs are not rerun."""
    blocks = ("validation", "validation_blocks", "gap_days") if settings.get("validation") == "blocks" else ()
    kept = ("train_fraction", "validation_fraction", *blocks)
    return {key: settings[key] for key in kept if key in settings}


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
