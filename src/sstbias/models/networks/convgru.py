"""ConvGRU network: stacked ConvGRU cells over the input sequence, a 1x1 head on the last hidden state."""

from __future__ import annotations

import torch
from torch import nn

from sstbias.models.cells.convgru import ConvGRUCell


class ConvGRUNet(nn.Module):
    """(B, T, C_in, H, W) -> (B, 1, H, W)."""

    def __init__(self, in_channels: int, hidden_channels: int = 32, num_layers: int = 1, kernel_size: int = 3) -> None:
        super().__init__()
        self.cells = nn.ModuleList(
            ConvGRUCell(in_channels if i == 0 else hidden_channels, hidden_channels, kernel_size)
            for i in range(num_layers)
        )
        self.head = nn.Conv2d(hidden_channels, 1, 1)

    def forward(self, x: torch.Tensor, ocean: torch.Tensor | None = None) -> torch.Tensor:
        """``ocean`` is accepted for the common interface and unused: no batch statistics, no attention."""
        sequence = x.unbind(dim=1)
        for cell in self.cells:
            hidden = cell.init_hidden(sequence[0])
            outputs = []
            for step in sequence:
                hidden = cell(step, hidden)
                outputs.append(hidden)
            sequence = outputs
        return self.head(sequence[-1])
