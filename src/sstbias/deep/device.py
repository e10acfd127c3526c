"""Choice of the torch device: CUDA, then Apple MPS, then CPU, unless the config names one."""

from __future__ import annotations

import torch

from sstbias.deep.settings import check_device_name
from sstbias.errors import ConfigError


def select_device(requested: str = "auto", key: str = "device") -> torch.device:
    """``auto`` -> cuda if available, else mps, else cpu; an explicit name must be available.

    ConfigError naming ``key`` (the config key or option that gave ``requested``) for a name that is not a device
    (see :func:`sstbias.deep.settings.check_device_name`) or a device this machine lacks.
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


def native_bfloat16(device: torch.device) -> bool:
    """Whether ``device`` computes bfloat16 natively: a CUDA device with bf16 support, or a CPU whose oneDNN
    has bf16 kernels (AVX512-BF16 or AMX); elsewhere bfloat16 would be emulated, slower than float32."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type == "cpu":
        return torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()
    return False


def autocast_dtype(precision: str, device: torch.device, key: str = "precision") -> torch.dtype | None:
    """The autocast dtype of ``precision`` on ``device``: None for float32 (no autocast), bfloat16 for
    ``bfloat16`` and for ``auto`` where the device computes it natively (else None).

    ConfigError naming ``key`` when ``bfloat16`` is asked of a device without native bfloat16.
    """
    if precision == "float32" or (precision == "auto" and not native_bfloat16(device)):
        return None
    if not native_bfloat16(device):
        raise ConfigError(
            f"{key}: bfloat16 needs a CUDA device with bf16 or a CPU with AVX512-BF16/AMX, and {device} has "
            "neither; use float32 or auto"
        )
    return torch.bfloat16
