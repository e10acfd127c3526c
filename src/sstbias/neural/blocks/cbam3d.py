"""3-D CBAM (Woo et al. 2018, extended to (C, T, H, W)): channel attention, then spatio-temporal attention."""

from __future__ import annotations

import torch
from torch import nn


class CBAM3d(nn.Module):
    """Refines (B, C, T, H, W) features: x * M_c(x), then * M_s(.)."""

    def __init__(self, channels: int, reduction: int = 4, kernel_size: int = 3) -> None:
        super().__init__()
        hidden = max(channels // reduction, 1)
        self.channel_mlp = nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(), nn.Linear(hidden, channels))
        self.spatial_conv = nn.Conv3d(2, 1, kernel_size, padding=kernel_size // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, T, H, W) -> (B, C, T, H, W)."""
        pooled_avg = self.channel_mlp(x.mean(dim=(2, 3, 4)))
        pooled_max = self.channel_mlp(x.amax(dim=(2, 3, 4)))
        x = x * torch.sigmoid(pooled_avg + pooled_max)[:, :, None, None, None]
        descriptor = torch.cat([x.mean(dim=1, keepdim=True), x.amax(dim=1, keepdim=True)], dim=1)
        return x * torch.sigmoid(self.spatial_conv(descriptor))
