"""Loss over ocean cells only."""

from __future__ import annotations

import torch


def masked_mse(prediction: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean squared error over cells where ``mask`` is 1; tensors (B, 1, H, W), mask broadcastable (1, H, W)."""
    weights = mask.expand_as(prediction)
    return ((prediction - target) ** 2 * weights).sum() / weights.sum()
