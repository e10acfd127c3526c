"""ConvGRU network: stacked ConvGRU cells over the input sequence, a 1x1 head on the last hidden state."""

from __future__ import annotations

import torch
from torch import nn

from sstbias.neural.cells.convgru import ConvGRUCell
from sstbias.neural.cells.stack import run_stacked


class ConvGRUNet(nn.Module):
    """(B, T, C_in, H, W) -> (B, 1, H, W).

    ``num_layers`` cells of ``hidden_channels`` channels and odd ``kernel_size``; ``skip_zero_state``: the cells
    skip the products of their zero initial state (the same math, :func:`run_stacked`).
    """

    def __init__(
        self, in_channels: int, *, hidden_channels: int, num_layers: int, kernel_size: int, skip_zero_state: bool
    ) -> None:
        super().__init__()
        self.cells = nn.ModuleList(
            ConvGRUCell(in_channels if i == 0 else hidden_channels, hidden_channels, kernel_size)
            for i in range(num_layers)
        )
        self.head = nn.Conv2d(hidden_channels, 1, 1)
        self.skip_zero_state = skip_zero_state

    def forward(self, x: torch.Tensor, ocean: torch.Tensor | None = None) -> torch.Tensor:
        """``ocean`` is accepted for the common interface and unused: no batch statistics, no attention."""
        return self.head(run_stacked(self.cells, x.unbind(dim=1), skip_zero_state=self.skip_zero_state)[-1])
