"""The self-attention block Y(.) of ConvGRU-SA (paper eq. 6): A(Q, K, V) = softmax(Q K^T) V over positions.

Q and K come from 1x1 convolutions to ``attention_channels``, V from a 1x1 convolution keeping the channels; the
H*W positions are flattened; the output is x + gamma * A with a learned gate gamma that starts at 0 (SAGAN).
The softmax has no 1/sqrt(d) scale, as in the paper's eq. 6.

Two implementations of the same math: ``reference`` (explicit matmul-softmax-matmul) and ``sdpa``
(torch.nn.functional.scaled_dot_product_attention). SDPA's fast CPU kernel runs only when Q, K and V share the
head size; with a narrower Q/K it silently takes the slow math path. Zero-padding Q and K to V's width leaves
Q K^T unchanged (the extra products are 0) and lets the fast kernel run (benchmarks/deep_models.py).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

IMPLEMENTATIONS = ("sdpa", "reference")


def attention_reference(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """softmax(Q K^T) V for q, k (B, N, d) and v (B, N, C): (B, N, C)."""
    return torch.softmax(q @ k.transpose(1, 2), dim=-1) @ v


def attention_sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """The same as :func:`attention_reference` through SDPA, with Q and K zero-padded to V's width."""
    pad = v.shape[-1] - q.shape[-1]
    if pad > 0:
        q, k = F.pad(q, (0, pad)), F.pad(k, (0, pad))
    return F.scaled_dot_product_attention(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1), scale=1.0).squeeze(1)


class SelfAttention2d(nn.Module):
    """Y(x) = x + gamma * softmax(Q K^T) V on (B, C, H, W) feature maps."""

    def __init__(self, channels: int, attention_channels: int, implementation: str = "sdpa") -> None:
        super().__init__()
        if implementation not in IMPLEMENTATIONS:
            raise ValueError(f"attention implementation must be one of {IMPLEMENTATIONS}, got {implementation!r}")
        self.query = nn.Conv2d(channels, attention_channels, 1)
        self.key = nn.Conv2d(channels, attention_channels, 1)
        self.value = nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.zeros(1))
        self.attend = attention_sdpa if implementation == "sdpa" else attention_reference

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, H, W) -> (B, C, H, W)."""
        batch, channels, height, width = x.shape
        q = self.query(x).flatten(2).transpose(1, 2)  # (B, N, d)
        k = self.key(x).flatten(2).transpose(1, 2)
        v = self.value(x).flatten(2).transpose(1, 2).contiguous()  # (B, N, C); SDPA's fast kernel needs it
        attended = self.attend(q, k, v).transpose(1, 2).reshape(batch, channels, height, width)
        return x + self.gamma * attended
