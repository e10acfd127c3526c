"""Choice of the torch device: CUDA, then Apple MPS, then CPU, unless the config names one."""

from __future__ import annotations

import torch

from sstbias.config import check_device_name
from sstbias.errors import ConfigError


def select_device(requested: str = "auto", key: str = "device") -> torch.device:
    """``auto`` -> cuda if available, else mps, else cpu; an explicit name must be available.

    ConfigError naming ``key`` (the config key or option that gave ``requested``) for a name that is not a device
    (see :func:`sstbias.config.check_device_name`) or a device this machine lacks.
    """
    check_device_name(requested, key)
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"{key}: {requested!r} requested but CUDA is not available on this machine")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ConfigError(f"{key}: {requested!r} requested but MPS is not available on this machine")
    return device
