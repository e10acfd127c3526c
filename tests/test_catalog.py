"""One owner per fact: the catalogue's model names, the registries holding the classes, the settings dataclasses
holding the defaults, and the workflow schema that documents them all agree."""

from pathlib import Path

import pytest
import yaml

from sstbias.baselines.registry import corrector_class
from sstbias.errors import ConfigError
from sstbias.experiments import catalog, schema

SCHEMA = yaml.safe_load((Path(__file__).parents[1] / "workflow" / "schemas" / "config.schema.yaml").read_text())
MODEL_SCHEMAS = SCHEMA["properties"]["models"]["properties"]


def settings_class(name: str) -> type:
    return catalog.spec(name).settings


def test_baselines_match_the_registry():
    assert {name for name in catalog.BASELINES if corrector_class(name).uses_features} == set(catalog.FEATURE_BASELINES)
    with pytest.raises(KeyError, match="'convgru' is no baseline"):
        corrector_class("convgru")


def test_every_spec_names_an_importable_class():
    from torch import nn

    for name in catalog.DEEP_MODELS:
        assert issubclass(catalog.spec(name).load(), nn.Module)
    for name in catalog.BASELINES:
        assert corrector_class(name) is catalog.spec(name).load() and corrector_class(name).name == name


def test_order_and_display_names_cover_every_model():
    assert list(catalog.ORDER) == [*catalog.BASELINES, *catalog.DEEP_MODELS]
    assert set(catalog.DISPLAY_NAMES) == {*catalog.ORDER, *catalog.ORACLES}


def test_the_committed_schema_is_the_generated_one():
    """The schema's models section and model enums are what python -m sstbias.experiments.schema --write gives."""
    text = schema.SCHEMA_PATH.read_text()
    assert schema.generated(text) == text, "run python -m sstbias.experiments.schema --write"
    assert list(MODEL_SCHEMAS) == list(catalog.ORDER)


def test_a_toy_network_needs_its_settings_module_and_catalogue_line_only(monkeypatch, tmp_path):
    """A new network: its settings class, its network module, its catalogue line; nothing else is edited."""
    import dataclasses as dc
    import sys

    import torch

    from sstbias.deep.networks import build_network
    from sstbias.deep.settings import DeepSettings, deep_settings
    from sstbias.setting import setting

    (tmp_path / "toy_net.py").write_text(
        "from torch import nn\n\n\n"
        "class ToyNet(nn.Module):\n"
        "    def __init__(self, in_channels, *, hidden_channels, num_layers, kernel_size, skip_zero_state, scale):\n"
        "        super().__init__()\n"
        "        self.conv = nn.Conv2d(in_channels, 1, kernel_size, padding=kernel_size // 2)\n"
        "        self.scale = scale\n\n"
        "    def forward(self, x, ocean=None):\n"
        "        return self.scale * self.conv(x[:, -1])\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    @dc.dataclass
    class ToySettings(DeepSettings):
        scale: int = setting(2, "Output scale.", minimum=1)

        def network_arguments(self) -> dict:
            return super().network_arguments() | {"scale": self.scale}

    toy = catalog.ModelSpec("toy", "Toy", "deep", True, ToySettings, "toy_net:ToyNet", "A toy network.")
    monkeypatch.setattr(catalog, "SPECS", (*catalog.SPECS, toy))
    monkeypatch.setattr(catalog, "DEEP_MODELS", (*catalog.DEEP_MODELS, "toy"))
    assert deep_settings("toy", {"scale": 3}).scale == 3
    with pytest.raises(ConfigError, match="models.toy.colour"):
        deep_settings("toy", {"colour": 1})
    model = build_network("toy", 2, {"scale": 3, "kernel_size": 1})
    assert model(torch.zeros(1, 5, 2, 4, 4)).shape == (1, 1, 4, 4)
    models = schema.models_section()["properties"]
    assert models["toy"]["properties"]["scale"] == {
        "type": "integer", "minimum": 1, "default": 2, "description": "Output scale."
    }  # fmt: skip
    assert "toy" in schema.parts()["grids.model"][1]["model"]["enum"]
    sys.modules.pop("toy_net", None)


def test_protocol_and_ablation_keys_are_the_library_choices():
    """baseline_fit_days (no default in the library: the schema's) and the ablation's models."""
    from sstbias.baselines.protocol import FIT_DAYS

    assert SCHEMA["properties"]["baseline_fit_days"]["enum"] == list(FIT_DAYS)
    assert SCHEMA["properties"]["baseline_fit_days"]["default"] in FIT_DAYS
    assert SCHEMA["properties"]["ablation"]["properties"]["models"]["items"]["enum"] == list(catalog.DEEP_MODELS)
