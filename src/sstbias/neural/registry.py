"""Name -> network class map of the deep correctors, and construction from a model's settings."""

from __future__ import annotations

from collections.abc import Mapping

from torch import nn

from sstbias.deep.settings import DeepSettings, deep_settings
from sstbias.neural.networks.convgru import ConvGRUNet
from sstbias.neural.networks.convgru_sa import ConvGRUSANet
from sstbias.neural.networks.convlstm_at import ConvLSTMATNet

NETWORKS: dict[str, type[nn.Module]] = {
    "convgru": ConvGRUNet,
    "convlstm_at": ConvLSTMATNet,
    "convgru_sa": ConvGRUSANet,
}


def build_network(name: str, in_channels: int, settings: DeepSettings | Mapping) -> nn.Module:
    """Network ``name`` with ``in_channels`` input channels, shaped by ``settings`` (its dataclass, or a mapping
    of config values whose missing keys take the defaults).

    Raises ConfigError naming ``models.<name>[.<key>]`` for an unknown model or an invalid setting.
    """
    if not isinstance(settings, DeepSettings):
        settings = deep_settings(name, settings)
    return NETWORKS[name](in_channels, settings)
