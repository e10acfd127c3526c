"""The light model catalogue read by the workflow matches the registries that hold the classes."""

from sstbias import catalog
from sstbias.baselines import REGISTRY
from sstbias.models import MODELS


def test_baselines_match_the_registry():
    assert set(catalog.BASELINES) == set(REGISTRY)
    assert {name for name, cls in REGISTRY.items() if cls.uses_features} == set(catalog.FEATURE_BASELINES)


def test_deep_models_match_the_registry():
    assert set(catalog.DEEP_MODELS) == set(MODELS)
