"""The config schema and the semantic checks reject bad configs, naming the key."""

import copy
import re
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import update_config, validate

from sstbias.config import check_config, schema_error
from sstbias.errors import ConfigError
from sstbias.experiments.catalog import check_models
from sstbias.period import month_days, period_months

REPO = Path(__file__).resolve().parents[1]
SCHEMA = str(REPO / "workflow" / "schemas" / "config.schema.yaml")


@pytest.fixture
def config() -> dict:
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


def validated(config: dict) -> dict:
    config = copy.deepcopy(config)
    validate(config, SCHEMA)
    return config


def test_default_config_is_valid(config):
    check_config(validated(config))


def test_schema_fills_defaults(config):
    del config["split"]
    assert validated(config)["split"] == {
        "train_fraction": 0.8,
        "validation_fraction": 0.1,
        "validation": "tail",
        "validation_blocks": 4,
        "gap_days": 5,
    }


def test_unknown_key_is_named(config):
    config["box"]["lat_minn"] = 1.0
    with pytest.raises(WorkflowError, match="lat_minn"):
        validated(config)


def test_wrong_type_is_named(config):
    config["grid"]["resolution"] = "fine"
    with pytest.raises(WorkflowError, match="resolution"):
        validated(config)


def test_unknown_model_is_named(config):
    config["models"]["transformer"] = {}
    with pytest.raises(WorkflowError, match="transformer"):
        validated(config)


@pytest.mark.parametrize(
    ("models", "message"),
    [({"raw": {}, "transformer": {}}, "models.transformer: unknown model"), ({}, "models: selects no model")],
)
def test_bad_model_selection_is_one_line_naming_the_key(config, models, message):
    config["models"] = models
    with pytest.raises(ConfigError, match=message):
        check_models(config)


def test_a_minimal_config_takes_every_other_key_from_the_schema():
    minimal = {"box": {"lat_min": 12.0, "lat_max": 16.0, "lon_min": 110.0, "lon_max": 114.0}}
    minimal |= {"period": {"start": "2021-01-01", "end": "2021-12-31"}, "models": {"raw": {}, "convgru": {}}}
    filled = validated(minimal)
    check_models(filled)
    check_config(filled)
    assert filled["grids"] == {"model": None, "learning_rates": [], "iterations": []}
    assert filled["models"]["convgru"]["hidden_channels"] == 32 and filled["seeds"] == [0]


def test_inverted_box_is_named(config):
    config["box"]["lat_min"], config["box"]["lat_max"] = 16.0, 12.0
    with pytest.raises(ConfigError, match="lat_min"):
        check_config(validated(config))


def test_resolution_must_divide_box(config):
    config["grid"]["resolution"] = 0.07
    with pytest.raises(ConfigError, match="grid.resolution"):
        check_config(validated(config))


def test_reversed_period_is_named(config):
    config["period"] = {"start": "2021-03-01", "end": "2021-02-01"}
    with pytest.raises(ConfigError, match="period"):
        check_config(validated(config))


def test_too_short_period_for_split(config):
    config["period"] = {"start": "2021-01-01", "end": "2021-01-02"}
    config["split"] = {"train_fraction": 0.9, "validation_fraction": 0.5}
    with pytest.raises(ConfigError, match="split"):
        check_config(validated(config))


def test_remote_source_defaults_and_checks(config):
    config["source"] = "remote"
    remote = validated(config)["remote"]
    check_config(validated(config))
    assert remote["hycom"]["max_connections"] == 2 and remote["oisst"]["service"] == "erddap"
    assert remote["hycom"]["experiment"] == "expt_93.0" and remote["oisst"]["erddap_dataset"] == "ncdcOisst21Agg"
    config["remote"] = {"hycom": {"max_connections": 3}}
    with pytest.raises(WorkflowError, match="max_connections"):
        validated(config)
    config["remote"] = {}
    config["box"].update(lon_min=-2.0, lon_max=2.0)
    config["grid"]["resolution"] = 0.25
    with pytest.raises(ConfigError, match="box: lon .* crosses the 0 deg meridian"):
        check_config(validated(config))


def test_local_source_needs_files(config):
    config["source"] = "local"
    config["local"] = {"hycom": ["/data/hycom/"]}
    with pytest.raises(ConfigError, match="local.oisst: empty"):
        check_config(validated(config))


def test_period_months():
    assert period_months({"start": "2021-01-20", "end": "2021-03-02"}) == ["2021-01", "2021-02", "2021-03"]


def test_month_days_are_the_period_days_of_the_month():
    period = {"start": "2021-01-20", "end": "2021-03-02"}
    assert [f"{day:%d}" for day in month_days("2021-01", period)] == [str(day) for day in range(20, 32)]
    assert len(month_days("2021-02", period)) == 28
    assert [f"{day:%Y-%m-%d}" for day in month_days("2021-03", period)] == ["2021-03-01", "2021-03-02"]


def test_grid_model_must_be_configured(config):
    config["grids"]["model"] = "convgru_sa"
    del config["models"]["convgru_sa"]
    with pytest.raises(ConfigError, match="grids.model"):
        check_config(validated(config))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["models"]["convgru"].update(dropout=0.1), "models.convgru.dropout: unknown key (known here: "),
        (lambda c: c.update(boxx=1), "boxx: unknown key"),
        (lambda c: c["grid"].update(resolution="fine"), "grid.resolution: 'fine' is not of type 'number'"),
    ],
)
def test_schema_errors_are_one_line_naming_the_key(config, change, expected):
    change(config)
    with pytest.raises(WorkflowError) as caught:
        validated(config)
    message = str(schema_error(caught.value))
    assert message.startswith(expected) and "\n" not in message and len(message) < 500


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: c["models"]["convlstm_at"].update(kernel_size=4), "models.convlstm_at.kernel_size: must be odd"),
        (lambda c: c["models"]["convgru_sa"].update(device="gpu0"), "models.convgru_sa.device: 'gpu0' is not a"),
        (lambda c: c["models"]["convgru"].update(sequence_length=300), "models.convgru.sequence_length: an input"),
        (
            lambda c: c.update(box={"lat_min": 12.0, "lat_max": 16.0, "lon_min": -180.0, "lon_max": -176.0}),
            "box: lon_min=-180.0, lon_max=-176.0 with raw_margin_deg=0.5 reaches beyond the antimeridian",
        ),
    ],
)
def test_deep_settings_and_antimeridian_fail_at_config_check(config, change, expected):
    change(config)
    with pytest.raises(ConfigError, match=re.escape(expected)):
        check_config(validated(config))


def test_unknown_twin_scenario_is_named(config):
    config["twin"]["scenario"] = "hurricane_season"
    with pytest.raises(WorkflowError, match="scenario"):
        validated(config)
    with pytest.raises(ConfigError, match="twin.scenario"):
        check_config({**config, "twin": {"scenario": "hurricane_season"}})


def test_another_scenarios_twin_key_is_named(config):
    config["twin"] = {"scenario": "bias_dominated", "realistic": {"cold_wakes": False}}
    with pytest.raises(ConfigError, match=r"twin\.realistic.*bias_dominated"):
        check_config(validated(config))


def test_realistic_switches_are_accepted(config):
    config["twin"]["realistic"] = {"cold_wakes": False, "state_error": True}
    check_config(validated(config))


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("static_channels", ["ocean_mask", "depth"], "static_channels"),
        ("daily_channels", ["doy"], "daily_channels"),
        ("residual_over", "persistence", "residual_over"),
        ("land", "nan", "land"),
        ("lr_schedule", "step", "lr_schedule"),
    ],
)
def test_bad_deep_input_settings_are_named(config, key, value, named):
    config["models"]["convgru_sa"][key] = value
    with pytest.raises(WorkflowError, match=named):
        validated(config)


def test_attention_pool_is_convgru_sa_only(config):
    for pool in (2, "auto"):
        config["models"]["convgru_sa"]["attention_pool"] = pool
        validated(config)
    config["models"]["convgru_sa"]["attention_pool"] = "large"
    with pytest.raises(WorkflowError, match="attention_pool"):
        validated(config)
    config["models"]["convgru_sa"]["attention_pool"] = 2
    config["models"]["convgru"]["attention_pool"] = 2
    with pytest.raises(WorkflowError, match="attention_pool"):
        validated(config)


def test_paper_config_is_valid_and_paper_faithful():
    paper = validated(yaml.safe_load((REPO / "config" / "paper.yaml").read_text()))
    check_config(paper)
    for name in ("convgru", "convlstm_at", "convgru_sa"):
        settings = paper["models"][name]
        assert settings["static_channels"] == ["ocean_mask"] and settings["daily_channels"] == []
        assert settings["target"] == "observation" and settings["land"] == "zero"
    assert paper["models"]["convgru_sa"]["attention_pool"] == 1


def test_multiyear_config_tracks_the_default():
    """config/multiyear.yaml is the default on 2019-2021 (its period, split, dataset and no grid aside): a change of
    the default's models or settings must be copied there. On real data it uses HYCOM expt_93.0, which has 2019."""
    default = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    multiyear = yaml.safe_load((REPO / "config" / "multiyear.yaml").read_text())
    own = {"dataset", "period", "split", "grids"}
    assert set(multiyear) == set(default)
    assert {key: value for key, value in multiyear.items() if key not in own} == {
        key: value for key, value in default.items() if key not in own
    }
    check_config(validated(multiyear))
    remote = validated(multiyear | {"source": "remote"})
    check_config(remote)
    assert remote["remote"]["hycom"]["experiment"] == "expt_93.0"


def test_validation_blocks_overlay_on_the_multiyear_config():
    """config/validation_blocks.yaml, given after config/multiyear.yaml, changes only the dataset and where the
    validation days lie (Snakemake updates the first file's keys with the second's), and passes the checks."""
    merged = yaml.safe_load((REPO / "config" / "multiyear.yaml").read_text())
    overlay = yaml.safe_load((REPO / "config" / "validation_blocks.yaml").read_text())
    update_config(merged, overlay)
    config = validated(merged)
    check_config(config)
    assert config["dataset"] == "multiyear_blocks" and config["split"]["validation"] == "blocks"
    multiyear = validated(yaml.safe_load((REPO / "config" / "multiyear.yaml").read_text()))
    for key in ("train_fraction", "validation_fraction"):
        assert config["split"][key] == multiyear["split"][key]


def test_leads_config_tracks_the_default():
    """config/leads.yaml is the default with six leads and one deep model for every lead (its dataset aside): a
    change of the default's other settings must be copied there. config/per_lead.yaml changes only the lead models,
    their budgets and the iteration grid within them."""
    default = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    leads = yaml.safe_load((REPO / "config" / "leads.yaml").read_text())
    assert leads.pop("forecast") == {"leads": [0, 1, 2, 3, 5, 7], "lead_models": "lead_input"}
    own = {"dataset"}
    assert {k: v for k, v in leads.items() if k not in own} == {k: v for k, v in default.items() if k not in own}
    per_lead = yaml.safe_load((REPO / "config" / "per_lead.yaml").read_text())
    assert set(per_lead) == {"dataset", "forecast", "grids", "models"}
    assert per_lead["forecast"] == {"leads": [0, 1, 2, 3, 5, 7], "lead_models": "per_lead"}
    assert max(per_lead["grids"]["iterations"]) <= per_lead["models"]["convgru"]["iterations"]
    for name in ("convgru", "convlstm_at", "convgru_sa"):
        assert per_lead["models"][name] == {"iterations": per_lead["models"][name]["iterations"]}
        assert per_lead["models"][name]["iterations"] < default["models"][name]["iterations"]
    for overlays in ([], [per_lead]):
        merged = yaml.safe_load((REPO / "config" / "leads.yaml").read_text())
        for overlay in overlays:
            update_config(merged, overlay)
        check_config(validated(merged))


@pytest.mark.parametrize(
    ("leads", "message"),
    [([0, 8], r"^forecast\.leads: lead\(s\) \[8\] outside 0 \.\. 7"), ([2, 2], r"^forecast\.leads: ")],
)
def test_bad_leads_fail_before_any_job(leads, message):
    config = validated(yaml.safe_load((REPO / "config" / "config.yaml").read_text()))
    config["forecast"] = {"leads": leads}
    with pytest.raises(ConfigError, match=message):
        check_config(config)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda c: c["forecast"].update(leads=[0]),
            r"^forecast\.lead_models: lead_input pools .* forecast\.leads is \[0\]",
        ),
        (
            lambda c: c["models"]["convgru"].update(residual_over="climatology"),
            r"^forecast\.lead_models: lead_input cannot train models\.convgru: its residual_over",
        ),
    ],
)
def test_lead_input_needs_leads_and_no_climatology(change, message):
    config = validated(yaml.safe_load((REPO / "config" / "leads.yaml").read_text()))
    config["forecast"]["lead_models"] = "lead_input"
    check_config(copy.deepcopy(config))
    change(config)
    with pytest.raises(ConfigError, match=message):
        check_config(config)
