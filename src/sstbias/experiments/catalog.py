"""The models sstbias knows, one :class:`ModelSpec` each: name, display name, family, whether a seed shapes its
fit, its settings dataclass and the dotted path of its class. Importable without the heavy libraries (torch,
scikit-learn, LightGBM, xsdba): the classes are imported only when :meth:`ModelSpec.load` is called.

The one owner of these facts. The workflow reads them when it parses the Snakefile, which happens for every job on
a cluster; every list below, the baselines' registry (:mod:`sstbias.baselines.registry`), the networks
(:mod:`sstbias.deep.networks`), the settings dispatch (:func:`sstbias.deep.settings.deep_settings`) and the
schema's ``models`` section and model enums (:mod:`sstbias.experiments.schema`) derive from :data:`SPECS`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from sstbias.baselines.settings import (
    ClimatologySettings,
    LightGBMSettings,
    NoSettings,
    QuantileMappingSettings,
    RandomForestSettings,
)
from sstbias.deep.settings import ConvGRUSASettings, ConvGRUSettings, ConvLSTMATSettings
from sstbias.errors import ConfigError

FAMILIES = ("baseline", "tabular", "deep")  # tabular: a baseline shaped by the config's `features` section


@dataclass(frozen=True)
class ModelSpec:
    """One model: ``name`` (its config key), ``display`` (how tables and figures name it), ``family`` (one of
    :data:`FAMILIES`), ``seeded`` (its fit depends on a random seed), ``settings`` (the dataclass of its config
    section), ``builder`` ("module:Class": a baseline's Corrector, a deep model's network, whose keyword
    arguments are its settings' :meth:`~sstbias.deep.settings.DeepSettings.network_arguments`) and
    ``description`` (the schema's, of its config section)."""

    name: str
    display: str
    family: str
    seeded: bool
    settings: type
    builder: str
    description: str  # the schema's description of its config section

    def load(self) -> type:
        """The class that :attr:`builder` names (importing its module: torch for a network)."""
        module, _, attribute = self.builder.partition(":")
        return getattr(importlib.import_module(module), attribute)


# The paper's order: tables and figures show models so.
SPECS = (
    ModelSpec(
        "raw",
        "Uncorrected forecast",
        "baseline",
        False,
        NoSettings,
        "sstbias.baselines.raw:Raw",
        "The uncorrected forecast (the reference of the improvement column).",
    ),
    ModelSpec(
        "climatology",
        "Climatological bias",
        "baseline",
        False,
        ClimatologySettings,
        "sstbias.baselines.climatology:Climatology",
        "Per-cell mean bias (obs - forecast) over training days.",
    ),
    ModelSpec(
        "quantile_mapping",
        "Quantile mapping",
        "baseline",
        False,
        QuantileMappingSettings,
        "sstbias.baselines.quantile_mapping:QuantileMapping",
        "Per-cell quantile mapping with xsdba, trained on training days.",
    ),
    ModelSpec(
        "random_forest",
        "Random Forest",
        "tabular",
        True,
        RandomForestSettings,
        "sstbias.baselines.random_forest:RandomForest",
        "scikit-learn RandomForestRegressor on per-cell samples.",
    ),
    ModelSpec(
        "lightgbm",
        "LightGBM",
        "tabular",
        True,
        LightGBMSettings,
        "sstbias.baselines.gradient_boosting:LightGBM",
        "LightGBM LGBMRegressor on per-cell samples.",
    ),
    ModelSpec(
        "convgru",
        "ConvGRU",
        "deep",
        True,
        ConvGRUSettings,
        "sstbias.neural.networks.convgru:ConvGRUNet",
        "ConvGRU (paper eqs. 2-5) on windows of daily forecasts.",
    ),
    ModelSpec(
        "convlstm_at",
        "3DCNN-CBAM-ConvLSTM-AT",
        "deep",
        True,
        ConvLSTMATSettings,
        "sstbias.neural.networks.convlstm_at:ConvLSTMATNet",
        "3DCNN-CBAM-ConvLSTM-AT (Fei et al. 2022), the paper's comparison model.",
    ),
    ModelSpec(
        "convgru_sa",
        "ConvGRU-SA",
        "deep",
        True,
        ConvGRUSASettings,
        "sstbias.neural.networks.convgru_sa:ConvGRUSANet",
        "ConvGRU-SA (the paper's model), 3-D CNN front and self-attention on input and hidden state.",
    ),
)

BASELINES = tuple(spec.name for spec in SPECS if spec.family != "deep")
FEATURE_BASELINES = tuple(spec.name for spec in SPECS if spec.family == "tabular")
DEEP_MODELS = tuple(spec.name for spec in SPECS if spec.family == "deep")
ORDER = (*BASELINES, *DEEP_MODELS)  # the paper's order: tables and figures show models so
SEEDED_MODELS = tuple(spec.name for spec in SPECS if spec.seeded)
# The twin's hindsight references, evaluated like models and shown last (static oracle, then floor): not correctors.
STATIC_ORACLE = "static_oracle"  # per cell the least-squares line in time of the error, fitted on the test days
FLOOR = "floor"  # the irreducible floor: observation minus the unpredictable error
ORACLES = (STATIC_ORACLE, FLOOR)
DISPLAY_NAMES = {
    **{spec.name: spec.display for spec in SPECS},
    STATIC_ORACLE: "Static oracle (twin)",
    FLOOR: "Irreducible floor (twin)",
}


def spec(name: str) -> ModelSpec:
    """The spec of model ``name`` (KeyError naming the known models if there is none)."""
    for candidate in SPECS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"{name!r} is no model; known: {[candidate.name for candidate in SPECS]}")


def display_name(name: str) -> str:
    """How tables and figures name model ``name`` (the name itself if it has no display name)."""
    return DISPLAY_NAMES.get(name, name)


def check_models(config: dict) -> None:
    """Raise ConfigError naming the key if ``models`` selects an unknown model or none (checked before the schema,
    whose message would list the whole section)."""
    models = config.get("models")
    if not isinstance(models, dict):
        return  # the schema names it
    unknown = [name for name in models if name not in ORDER]
    if unknown:
        raise ConfigError(f"models.{unknown[0]}: unknown model (known: {', '.join(ORDER)})")
    if not models:
        raise ConfigError("models: selects no model; list the models to run, at least raw (the reference)")
