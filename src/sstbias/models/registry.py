"""Name -> network class map used by the config's ``models`` section, and construction with checked settings."""

from __future__ import annotations

import inspect

from torch import nn

from sstbias.errors import ConfigError
from sstbias.models.networks.convgru import ConvGRUNet
from sstbias.models.networks.convgru_sa import ConvGRUSANet
from sstbias.models.networks.convlstm_at import ConvLSTMATNet

MODELS: dict[str, type[nn.Module]] = {
    "convgru": ConvGRUNet,
    "convlstm_at": ConvLSTMATNet,
    "convgru_sa": ConvGRUSANet,
}


def architecture_keys(name: str) -> set[str]:
    """The settings that shape network ``name`` (its constructor's keyword arguments)."""
    return set(inspect.signature(MODELS[name]).parameters) - {"in_channels"}


def build_model(name: str, in_channels: int, settings: dict) -> nn.Module:
    """Network ``name`` with ``in_channels`` input channels and the architecture entries of ``settings``.

    Raises ConfigError naming ``models.<name>[.<key>]`` for an unknown model or an invalid size.
    """
    if name not in MODELS:
        raise ConfigError(f"models.{name}: unknown deep model; known: {sorted(MODELS)}")
    arguments = {key: value for key, value in settings.items() if key in architecture_keys(name)}
    for key in (
        "hidden_channels",
        "num_layers",
        "attention_channels",
        "front_channels",
        "kernel_size",
        "attention_pool",
    ):
        if key in arguments and (
            isinstance(arguments[key], bool) or not isinstance(arguments[key], int) or arguments[key] < 1
        ):
            raise ConfigError(f"models.{name}.{key}: must be a positive integer, got {arguments[key]!r}")
    if arguments.get("kernel_size", 3) % 2 == 0:
        raise ConfigError(f"models.{name}.kernel_size: must be odd, got {arguments['kernel_size']}")
    return MODELS[name](in_channels, **arguments)
