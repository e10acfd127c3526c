"""Chronological split: disjoint, ordered, fractions as documented."""

import pandas as pd
import pytest

from sstbias.errors import ConfigError
from sstbias.split import chronological_split, load_split, save_split


def test_paper_year_split_sizes_and_order():
    days = pd.date_range("2021-01-01", "2021-12-31", freq="D")
    split = chronological_split(days, 0.8, 0.1)
    assert [len(split[k]) for k in ("train", "validation", "test")] == [263, 29, 73]
    assert split["train"][-1] < split["validation"][0] < split["validation"][-1] < split["test"][0]
    assert split["test"][0] == pd.Timestamp("2021-10-20")
    union = split["train"].append(split["validation"]).append(split["test"])
    assert union.equals(days)


def test_no_day_in_two_subsets():
    days = pd.date_range("2021-01-01", periods=97, freq="D")
    split = chronological_split(days, 0.75, 0.2)
    names = list(split)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert split[a].intersection(split[b]).empty


def test_zero_validation():
    split = chronological_split(pd.date_range("2021-01-01", periods=10, freq="D"), 0.8, 0.0)
    assert len(split["validation"]) == 0 and len(split["train"]) == 8


def test_empty_test_rejected():
    with pytest.raises(ConfigError, match="split"):
        chronological_split(pd.date_range("2021-01-01", periods=3, freq="D"), 0.9, 0.0)


def test_round_trip(tmp_path):
    split = chronological_split(pd.date_range("2021-01-01", periods=30, freq="D"), 0.8, 0.1)
    save_split(split, tmp_path / "s.json", tmp_path / "s.csv")
    loaded = load_split(tmp_path / "s.json")
    assert all(loaded[k].equals(split[k]) for k in split)
    table = pd.read_csv(tmp_path / "s.csv")
    assert list(table.columns) == ["date", "subset"] and len(table) == 30
