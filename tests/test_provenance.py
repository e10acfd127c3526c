"""What made a file (sstbias.provenance): canonical settings, settings files rewritten only on change, the
settings of each data stage, and the config's keys sorted by its validation."""

import copy
import os
from pathlib import Path

import yaml

from sstbias.config import validate_config
from sstbias.provenance import (
    canonical,
    data_settings,
    read_settings_file,
    record,
    recorded,
    refresh_settings_file,
    sort_in_place,
    write_settings_file,
)

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


def default_config() -> dict:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    validate_config(config, SCHEMA)
    return config


def reversed_keys(value):
    if isinstance(value, dict):
        return {key: reversed_keys(value[key]) for key in reversed(list(value))}
    return [reversed_keys(item) for item in value] if isinstance(value, list) else value


def test_canonical_sorts_every_mapping_and_keeps_lists():
    assert list(canonical({"b": 1, "a": {"d": [{"z": 1, "y": 2}], "c": 0}})) == ["a", "b"]
    assert list(canonical({"a": {"d": [{"z": 1, "y": 2}]}})["a"]["d"][0]) == ["y", "z"]
    nested = {"b": {"y": 1, "x": [{"q": 1, "p": 2}]}, "a": 0}
    sort_in_place(nested)
    assert list(nested) == ["a", "b"] and list(nested["b"]) == ["x", "y"] and list(nested["b"]["x"][0]) == ["p", "q"]


def test_a_reordered_config_validates_to_the_same_keys_order():
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    reordered = reversed_keys(copy.deepcopy(config))
    validate_config(config, SCHEMA)
    validate_config(reordered, SCHEMA)
    assert yaml.safe_dump(config, sort_keys=False) == yaml.safe_dump(reordered, sort_keys=False)


def test_settings_file_is_rewritten_only_when_the_settings_change(tmp_path):
    path = write_settings_file(tmp_path / "s.json", {"b": 1, "a": 2})
    os.utime(path, (1, 1))
    write_settings_file(path, {"a": 2, "b": 1})  # the same settings in another order
    assert path.stat().st_mtime == 1
    write_settings_file(path, {"a": 3, "b": 1})
    assert path.stat().st_mtime > 1 and read_settings_file(path) == {"a": 3, "b": 1}


def test_a_stale_settings_file_is_rewritten_and_a_fresh_results_folder_left_uncreated(tmp_path):
    results = tmp_path / "results"
    path = results / "interim" / "settings" / "s.json"
    assert not refresh_settings_file(path, {"scenario": "realistic"}, results) and not results.exists()
    results.mkdir()
    assert refresh_settings_file(path, {"scenario": "realistic"}, results) and path.exists()
    os.utime(path, (1, 1))
    assert not refresh_settings_file(path, {"scenario": "realistic"}, results) and path.stat().st_mtime == 1
    assert refresh_settings_file(path, {"scenario": "bias_dominated"}, results) and path.stat().st_mtime > 1
    assert read_settings_file(path) == {"scenario": "bias_dominated"}


def test_each_stage_depends_on_the_scenario_and_its_own_settings():
    config = default_config()
    other = copy.deepcopy(config)
    other["twin"]["scenario"] = "bias_dominated"
    months = ["2021-01", "2021-02"]
    first, second = data_settings(config, "xarray-regrid", months), data_settings(other, "xarray-regrid", months)
    assert set(first) == {"raw_2021-01", "raw_2021-02", "forecast_daily_2021-01", "forecast_daily_2021-02", "analysis"}
    assert all(first[name] != second[name] for name in first)
    resolution = copy.deepcopy(config)
    resolution["grid"]["resolution"] = 0.16
    changed = data_settings(resolution, "xarray-regrid", months)
    assert changed["analysis"] != first["analysis"]
    assert changed["forecast_daily_2021-01"]["box"] == first["forecast_daily_2021-01"]["box"]


def test_a_netcdf_file_records_its_settings(tmp_path):
    import xarray as xr

    path = tmp_path / "f.nc"
    xr.Dataset({"x": ("t", [1.0])}).to_netcdf(path)
    assert recorded(path) is None
    record(path, {"twin": {"scenario": "realistic"}})
    assert recorded(path) == {"twin": {"scenario": "realistic"}}
