"""The self-attention block Y(.) of ConvGRU-SA (paper eq. 6): A(Q, K, V) = softmax(Q K^T) V over positions.

Q and K come from 1x1 convolutions to ``attention_channels``, V from a 1x1 convolution keeping the channels; the
H*W positions are flattened; the output is x + gamma * A with a learned gate gamma that starts at 0 (SAGAN).
The softmax has no 1/sqrt(d) scale, as in the paper's eq. 6. With ``fused`` (the fast path) the three 1x1
convolutions run as one convolution of their stacked weights (the same parameters: ~17 % of a ConvGRU-SA training
step at the default size on this CPU, 27 small convolutions per 5-day sample becoming 9).

Two implementations of the same math: ``reference`` (explicit matmul-softmax-matmul) and ``sdpa``
(torch.nn.functional.scaled_dot_product_attention). SDPA's fast CPU kernel runs only when Q, K and V share the
head size; with a narrower Q/K it silently takes the slow math path. Zero-padding Q and K to V's width leaves
Q K^T unchanged (the extra products are 0) and lets the fast kernel run (benchmarks/deep_models.py).

**Pooled keys** (``pool`` p > 1, as in the SAGAN/BigGAN reference implementations): K and V are max-pooled over
p x p windows (stride p) before the product, so every one of the H*W queries attends to ceil(H/p)*ceil(W/p)
keys (p^2 fewer). A side not divisible by p ends with a partial window (``ceil_mode``: the max over the cells it
covers); nothing is padded with values. p = 1 is exactly the unpooled block (the same operations).
``pool="auto"`` picks p from the grid of each call (at most 32 x 32 keys; the rule is resolved once at construction,
:func:`sstbias.neural.blocks.attention_options.pool_rule`), so the attention's cost grows linearly with the cells of a
larger box instead of quadratically.

**Precision**: under autocast (``precision: bfloat16``) the 1x1 projections run in bfloat16 and the attention
product in float32 (a bfloat16 softmax over thousands of keys loses the small weights, and the CPU kernels are
not faster in bfloat16 at these head sizes).

**The zero state** (:meth:`SelfAttention2d.of_zero`): Y(0) needs no product: Q, K and V are their biases at
every cell, every key scores the same, and the softmax average of equal values is the value bias.

**Ocean keys** (``ocean``, an (H, W) bool mask): only keys and values of ocean cells take part (pooled windows:
the max over their ocean cells; windows without ocean are left out), so land never draws attention.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from sstbias.neural.blocks.attention_options import IMPLEMENTATIONS, pool_rule


def attention_reference(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """softmax(Q K^T) V for q (B, N, d), k (B, M, d) and v (B, M, C): (B, N, C)."""
    return torch.softmax(q @ k.transpose(1, 2), dim=-1) @ v


def attention_sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """The same as :func:`attention_reference` through SDPA, with Q and K zero-padded to V's width."""
    pad = v.shape[-1] - q.shape[-1]
    if pad > 0:
        q, k = F.pad(q, (0, pad)), F.pad(k, (0, pad))
    return F.scaled_dot_product_attention(q.unsqueeze(1), k.unsqueeze(1), v.unsqueeze(1), scale=1.0).squeeze(1)


def pooled_keys(
    key_values: torch.Tensor, key_channels: int, pool: int, ocean: torch.Tensor | None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Keys (B, M, d) and values (B, M, C) from the (B, d + C, H, W) map of both (d = ``key_channels``).

    ``pool`` > 1 max-pools them over pool x pool windows (partial windows at the far edges; keys and values in
    one call, each channel on its own); ``ocean`` (H, W) bool keeps only ocean cells (or windows holding one,
    pooled over their ocean cells only).
    """
    if ocean is not None and pool > 1:
        key_values = key_values.masked_fill(~ocean, float("-inf"))
        ocean = F.max_pool2d(ocean[None, None].float(), pool, ceil_mode=True)[0, 0] > 0
    if pool > 1:
        key_values = F.max_pool2d(key_values, pool, ceil_mode=True)
    flat = key_values.flatten(2).transpose(1, 2)  # (B, M, d + C)
    if ocean is not None:
        flat = flat[:, ocean.flatten().nonzero().squeeze(1)]
    k, v = flat.split([key_channels, flat.shape[-1] - key_channels], dim=-1)
    return k, v.contiguous()  # SDPA's fast kernel needs a contiguous V


class SelfAttention2d(nn.Module):
    """Y(x) = x + gamma * softmax(Q K^T) V on (B, C, H, W) feature maps (keys pooled by ``pool``, p or "auto")."""

    def __init__(
        self,
        channels: int,
        attention_channels: int,
        implementation: str = "sdpa",
        pool: int | str = 1,
        fused: bool = True,
    ) -> None:
        super().__init__()
        if implementation not in IMPLEMENTATIONS:
            raise ValueError(f"attention implementation must be one of {IMPLEMENTATIONS}, got {implementation!r}")
        pool_size = pool_rule(pool)  # ValueError before any parameter is made
        self.query = nn.Conv2d(channels, attention_channels, 1)
        self.key = nn.Conv2d(channels, attention_channels, 1)
        self.value = nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.zeros(1))
        self.pool = pool
        self.pool_size = pool_size  # (height, width) -> p, resolved once here
        self.attend = attention_sdpa if implementation == "sdpa" else attention_reference
        self.fused = fused  # Q, K and V from one 1x1 convolution of the stacked weights (False: three, as before)

    def forward(self, x: torch.Tensor, ocean: torch.Tensor | None = None) -> torch.Tensor:
        """(B, C, H, W) -> (B, C, H, W); ``ocean`` (H, W) bool restricts the keys to ocean cells."""
        batch, channels, height, width = x.shape
        q, key_values = self.project(x)
        pool = self.pool_size(height, width)
        k, v = pooled_keys(key_values, self.key.out_channels, pool, ocean)
        q = q.flatten(2).transpose(1, 2)  # (B, N, d)
        with torch.autocast(x.device.type, enabled=False):
            attended = self.attend(q.float(), k.float(), v.float())
        return x + self.gamma * attended.transpose(1, 2).reshape(batch, channels, height, width)

    def project(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The query map (B, d, H, W) and the key and value maps stacked (B, d + C, H, W) of x (B, C, H, W): one
        convolution of the stacked weights when ``fused``, else the three convolutions."""
        queries = self.query.out_channels
        if self.fused:
            projected = F.conv2d(x, self.projection_weight(), self.projection_bias())  # (B, 2d + C, H, W)
            return projected[:, :queries], projected[:, queries:]
        return self.query(x), torch.cat([self.key(x), self.value(x)], dim=1)

    def projection_weight(self) -> torch.Tensor:
        """The query, key and value 1x1 convolutions' weights stacked (2d + C, C, 1, 1): one convolution computes
        all three (the parameters stay the three convolutions', so model folders keep their keys)."""
        return torch.cat([self.query.weight, self.key.weight, self.value.weight])

    def projection_bias(self) -> torch.Tensor:
        """Their biases stacked (2d + C)."""
        return torch.cat([self.query.bias, self.key.bias, self.value.bias])

    def of_zero(self, like: torch.Tensor) -> torch.Tensor:
        """Y(0) for a zero (B, C, H, W) map, B, H and W taken from ``like``: gamma * the value bias at every cell
        (uniform attention over equal values), without the products."""
        batch, _, height, width = like.shape
        return (self.gamma * self.value.bias)[None, :, None, None].expand(batch, -1, height, width)
