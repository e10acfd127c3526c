"""The 3-D convolutional front shared by ConvGRU-SA and 3DCNN-CBAM-ConvLSTM-AT: Conv3d 3x3x3 + BatchNorm + ReLU.

With an ``ocean`` mask the BatchNorm statistics are those of the ocean cells only (:class:`MaskedBatchNorm3d`).
"""

from __future__ import annotations

import torch
from torch import nn

from sstbias.neural.blocks.masked_norm import MaskedBatchNorm3d


class Front3d(nn.Module):
    """(B, T, C_in, H, W) -> (B, T, C_out, H, W), mixing neighbouring days and cells."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv3d(in_channels, out_channels, kernel_size=3, padding=1)
        self.norm = MaskedBatchNorm3d(out_channels)

    def forward(self, x: torch.Tensor, ocean: torch.Tensor | None = None) -> torch.Tensor:
        """``ocean`` (H, W) bool: cells whose values make the BatchNorm statistics (None: every cell)."""
        y = self.conv(x.transpose(1, 2))  # (B, C, T, H, W)
        return torch.relu(self.norm(y, ocean)).transpose(1, 2)
