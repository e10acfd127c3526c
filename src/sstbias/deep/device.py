"""Choice of the torch device: CUDA, then Apple MPS, then CPU, unless the config names one."""

from __future__ import annotations

import torch

from sstbias.errors import ConfigError


def select_device(requested: str = "auto") -> torch.device:
    """``auto`` -> cuda if available, else mps, else cpu; an explicit name must be available."""
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    device = torch.device(requested)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device: {requested!r} requested but CUDA is not available")
    if device.type == "mps" and not torch.backends.mps.is_available():
        raise ConfigError(f"device: {requested!r} requested but MPS is not available")
    return device
