"""Temporal attention over a sequence of hidden states: softmax weights from their pooled features."""

from __future__ import annotations

import torch
from torch import nn


class TemporalAttention(nn.Module):
    """Weighted sum over T of (B, T, C, H, W) states; weights softmax_t(w . tanh(U . GAP(h_t)))."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.project = nn.Linear(channels, channels)
        self.score = nn.Linear(channels, 1, bias=False)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        """(B, T, C, H, W) -> (B, C, H, W)."""
        pooled = states.mean(dim=(3, 4))  # (B, T, C)
        weights = torch.softmax(self.score(torch.tanh(self.project(pooled))), dim=1)  # (B, T, 1)
        return (states * weights[..., None, None]).sum(dim=1)
