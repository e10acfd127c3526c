"""One owner per fact: the catalogue's model names, the registries holding the classes, the settings dataclasses
holding the defaults, and the workflow schema that documents them all agree."""

import dataclasses
from pathlib import Path

import pytest
import yaml

from sstbias import catalog
from sstbias.baselines import REGISTRY
from sstbias.deep.settings import SETTINGS
from sstbias.neural import NETWORKS

SCHEMA = yaml.safe_load((Path(__file__).parents[1] / "workflow" / "schemas" / "config.schema.yaml").read_text())
MODEL_SCHEMAS = SCHEMA["properties"]["models"]["properties"]


def settings_class(name: str) -> type:
    return SETTINGS[name] if name in catalog.DEEP_MODELS else REGISTRY[name].settings_class


def test_baselines_match_the_registry():
    assert set(catalog.BASELINES) == set(REGISTRY)
    assert {name for name, cls in REGISTRY.items() if cls.uses_features} == set(catalog.FEATURE_BASELINES)


def test_deep_models_match_the_networks_and_their_settings():
    assert set(catalog.DEEP_MODELS) == set(NETWORKS) == set(SETTINGS)


def test_order_and_display_names_cover_every_model():
    assert list(catalog.ORDER) == [*catalog.BASELINES, *catalog.DEEP_MODELS]
    assert set(catalog.DISPLAY_NAMES) == {*catalog.ORDER, *catalog.ORACLES}


def test_schema_lists_the_catalogue_models_in_order():
    assert list(MODEL_SCHEMAS) == list(catalog.ORDER)
    assert SCHEMA["properties"]["grids"]["properties"]["model"]["enum"] == [*catalog.DEEP_MODELS, None]


@pytest.mark.parametrize("name", catalog.ORDER)
def test_schema_defaults_are_the_settings_dataclass_defaults(name):
    """Every key of models.<name> in the schema is a field of the model's settings class, with the same default,
    and every field (but the run's seed) is documented."""
    documented = MODEL_SCHEMAS[name].get("properties", {})
    fields = {f.name: f for f in dataclasses.fields(settings_class(name)) if f.name != "seed"}
    assert set(documented) == set(fields)
    defaults = dataclasses.asdict(settings_class(name)())
    for key, entry in documented.items():
        assert entry["default"] == defaults[key], f"models.{name}.{key}"


@pytest.mark.parametrize("name", catalog.ORDER)
def test_schema_enums_are_the_library_choices(name):
    documented = MODEL_SCHEMAS[name].get("properties", {})
    enums = {key: entry["enum"] for key, entry in documented.items() if "enum" in entry}
    enums |= {key: entry["items"]["enum"] for key, entry in documented.items() if "enum" in entry.get("items", {})}
    if name in catalog.DEEP_MODELS:
        from sstbias.deep import settings

        library = {
            "target": settings.TARGETS,
            "residual_over": settings.RESIDUAL_BASES,
            "land": settings.LAND_HANDLING,
            "static_channels": settings.STATIC_CHANNELS,
            "daily_channels": settings.DAILY_CHANNELS,
            "lr_schedule": settings.LR_SCHEDULES,
            "precision": settings.PRECISIONS,
            "implementation": settings.IMPLEMENTATIONS,
        }
        if "attention_impl" in documented:
            library["attention_impl"] = settings.ATTENTION_IMPLS
    else:
        library = REGISTRY[name].choices
    assert {key: list(values) for key, values in library.items()} == enums


def test_protocol_and_ablation_keys_are_the_library_choices():
    """baseline_fit_days (no default in the library: the schema's) and the ablation's models."""
    from sstbias.stages.baselines import FIT_DAYS

    assert SCHEMA["properties"]["baseline_fit_days"]["enum"] == list(FIT_DAYS)
    assert SCHEMA["properties"]["baseline_fit_days"]["default"] in FIT_DAYS
    assert SCHEMA["properties"]["ablation"]["properties"]["models"]["items"]["enum"] == list(catalog.DEEP_MODELS)
