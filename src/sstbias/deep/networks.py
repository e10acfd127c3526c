"""A deep model's network from its settings: the class its catalogue entry names, given the settings'
:meth:`~sstbias.deep.settings.DeepSettings.network_arguments` (the networks in :mod:`sstbias.neural` take
plain values, never a settings object)."""

from __future__ import annotations

from collections.abc import Mapping

from torch import nn

from sstbias.deep.settings import DeepSettings, deep_settings
from sstbias.experiments import catalog


def network_class(name: str) -> type[nn.Module]:
    """The network class of deep model ``name`` (its catalogue entry's ``builder``)."""
    return catalog.spec(name).load()


def build_network(name: str, in_channels: int, settings: DeepSettings | Mapping) -> nn.Module:
    """Network ``name`` with ``in_channels`` input channels, shaped by ``settings`` (its dataclass, or a mapping
    of config values whose missing keys take the defaults): (B, T, in_channels, H, W) -> (B, 1, H, W).

    Raises ConfigError naming ``models.<name>[.<key>]`` for an unknown model or an invalid setting.
    """
    if not isinstance(settings, DeepSettings):
        settings = deep_settings(name, settings)
    return network_class(name)(in_channels, **settings.network_arguments())
