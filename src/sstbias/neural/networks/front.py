"""The 3-D convolutional front shared by ConvGRU-SA and 3DCNN-CBAM-ConvLSTM-AT: Conv3d 3x3x3 + BatchNorm + ReLU."""

from __future__ import annotations

import torch
from torch import nn


class Front3d(nn.Module):
    """(B, T, C_in, H, W) -> (B, T, C_out, H, W), mixing neighbouring days and cells."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv3d(in_channels, out_channels, kernel_size=3, padding=1)
        self.norm = nn.BatchNorm3d(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x.transpose(1, 2))  # (B, C, T, H, W)
        return torch.relu(self.norm(y)).transpose(1, 2)
