"""Chronological split: disjoint, ordered, fractions as documented."""

import inspect
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sstbias.data.split import VALIDATION_MODES, chronological_split, load_split, save_split, split_params
from sstbias.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


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


def test_tail_is_the_default_and_records_what_it_recorded_before_the_blocks():
    days = pd.date_range("2021-01-01", "2021-12-31", freq="D")
    tail = chronological_split(days, 0.8, 0.1, validation="tail", validation_blocks=3, gap_days=9)
    assert all(tail[k].equals(chronological_split(days, 0.8, 0.1)[k]) for k in tail)
    filled = {"train_fraction": 0.8, "validation_fraction": 0.1, "validation": "tail", "validation_blocks": 4}
    assert split_params(filled | {"gap_days": 5}) == {"train_fraction": 0.8, "validation_fraction": 0.1}
    assert split_params(filled | {"gap_days": 5, "validation": "blocks"})["gap_days"] == 5


def test_schema_documents_the_library_defaults_and_modes():
    schema = yaml.safe_load((REPO / "workflow" / "schemas" / "config.schema.yaml").read_text())
    documented = schema["properties"]["split"]["properties"]
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(chronological_split).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    assert {key: documented[key]["default"] for key in defaults} == defaults
    assert documented["validation"]["enum"] == list(VALIDATION_MODES)


@pytest.mark.parametrize(("n_blocks", "gap"), [(1, 0), (3, 4), (4, 5), (7, 2)])
def test_validation_blocks(n_blocks, gap):
    """Same test days and validation count as the tail; blocks chronological and apart; no training window of
    ``gap + 1`` days reads a validation day, and no training day is within ``gap`` days of one."""
    days = pd.date_range("2019-01-01", "2021-12-31", freq="D")
    tail = chronological_split(days, 0.93339, 0.02835)
    split = chronological_split(days, 0.93339, 0.02835, validation="blocks", validation_blocks=n_blocks, gap_days=gap)
    assert split["test"].equals(tail["test"]) and len(split["validation"]) == len(tail["validation"]) == 29
    assert split["validation"].is_monotonic_increasing and split["train"].is_monotonic_increasing
    assert split["validation"][-1] < split["test"][0] and split["train"][-1] < split["test"][0]
    assert split["train"].intersection(split["validation"]).empty
    runs = (split["validation"].to_series().diff() != pd.Timedelta("1D")).sum()
    assert runs == n_blocks
    position = {day: i for i, day in enumerate(days)}
    held = {position[day] for day in split["validation"]}
    trained = [position[day] for day in split["train"]]
    assert not any(t + d in held for t in trained for d in range(-gap, gap + 1))
    assert len(trained) == len(tail["train"]) - 2 * gap * n_blocks
    if n_blocks == 4:  # the default count: 4 blocks in 2.8 years fall in 3 seasons (3 blocks in 3 years: one)
        assert len({day.quarter for day in split["validation"]}) >= 3


def test_blocks_that_do_not_fit_name_the_key():
    days = pd.date_range("2021-01-01", periods=60, freq="D")
    with pytest.raises(ConfigError, match="split.validation_blocks: 30 blocks for 6 validation days"):
        chronological_split(days, 0.8, 0.125, validation="blocks", validation_blocks=30)
    with pytest.raises(ConfigError, match="split.validation_blocks: 3 blocks .* split.gap_days=9"):
        chronological_split(days, 0.8, 0.125, validation="blocks", validation_blocks=3, gap_days=9)
    with pytest.raises(ConfigError, match="split.validation: 'middle' is not one of tail, blocks"):
        chronological_split(days, 0.8, 0.125, validation="middle")


def test_the_multiyear_split_has_the_default_validation_and_test_days():
    """config/multiyear.yaml's fractions on 2019-2021 give exactly the default year's validation and test days."""
    default = chronological_split(pd.date_range("2021-01-01", "2021-12-31", freq="D"), 0.8, 0.1)
    multiyear = yaml.safe_load((REPO / "config" / "multiyear.yaml").read_text())
    fractions = multiyear["split"]
    days = pd.date_range(multiyear["period"]["start"], multiyear["period"]["end"], freq="D")
    split = chronological_split(days, fractions["train_fraction"], fractions["validation_fraction"])
    assert split["validation"].equals(default["validation"]) and split["test"].equals(default["test"])
    assert split["train"][0] == pd.Timestamp("2019-01-01") and len(split["train"]) == 994
