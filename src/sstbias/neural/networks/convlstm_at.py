"""3DCNN-CBAM-ConvLSTM-AT (Fei et al. 2022, the paper's comparison model): a 3-D CNN + BatchNorm front,
3-D CBAM, stacked ConvLSTM cells and temporal attention over the last layer's hidden states."""

from __future__ import annotations

import torch
from torch import nn

from sstbias.neural.blocks.cbam3d import CBAM3d
from sstbias.neural.blocks.temporal_attention import TemporalAttention
from sstbias.neural.cells.convlstm import ConvLSTMCell
from sstbias.neural.cells.stack import run_stacked
from sstbias.neural.networks.front import Front3d


class ConvLSTMATNet(nn.Module):
    """(B, T, C_in, H, W) -> (B, 1, H, W).

    A front of ``front_channels`` channels, then as :class:`~sstbias.neural.networks.convgru.ConvGRUNet` with
    ConvLSTM cells.
    """

    def __init__(
        self,
        in_channels: int,
        *,
        hidden_channels: int,
        num_layers: int,
        kernel_size: int,
        skip_zero_state: bool,
        front_channels: int,
    ) -> None:
        super().__init__()
        self.front = Front3d(in_channels, front_channels)
        self.cbam = CBAM3d(front_channels)
        self.cells = nn.ModuleList(
            ConvLSTMCell(front_channels if i == 0 else hidden_channels, hidden_channels, kernel_size)
            for i in range(num_layers)
        )
        self.temporal_attention = TemporalAttention(hidden_channels)
        self.head = nn.Conv2d(hidden_channels, 1, 1)
        self.skip_zero_state = skip_zero_state

    def forward(self, x: torch.Tensor, ocean: torch.Tensor | None = None) -> torch.Tensor:
        """``ocean`` (H, W) bool: the cells of the front's BatchNorm statistics (None: every cell)."""
        features = self.front(x, ocean)
        features = self.cbam(features.transpose(1, 2)).transpose(1, 2)
        sequence = run_stacked(self.cells, features.unbind(dim=1), skip_zero_state=self.skip_zero_state)
        return self.head(self.temporal_attention(torch.stack(sequence, dim=1)))
