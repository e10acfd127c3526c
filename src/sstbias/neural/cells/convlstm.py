"""ConvLSTM cell (Shi et al. 2015) without peepholes."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class ConvLSTMCell(nn.Module):
    """One ConvLSTM step on (B, C_in, H, W) inputs and a state (h, c), each (B, C_h, H, W)."""

    def __init__(self, in_channels: int, hidden_channels: int, kernel_size: int) -> None:
        super().__init__()
        self.hidden_channels = hidden_channels
        self.conv = nn.Conv2d(in_channels + hidden_channels, 4 * hidden_channels, kernel_size, padding=kernel_size // 2)

    def init_hidden(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Zero (h, c) on the device and dtype of ``x`` (B, C_in, H, W)."""
        batch, _, height, width = x.shape
        zeros = x.new_zeros(batch, self.hidden_channels, height, width)
        return zeros, zeros.clone()

    @staticmethod
    def output(state: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        """What the next layer receives from a state (h, c): h."""
        return state[0]

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The next (h, c) from x (B, C_in, H, W); ``state`` None is the zero state: the convolution then reads
        x alone (the weights of h multiply zeros) and the forget gate has nothing to keep."""
        if state is None:
            in_channels = x.shape[1]
            gates = F.conv2d(x, self.conv.weight[:, :in_channels], self.conv.bias, padding=self.conv.padding)
            i, _, o, g = gates.chunk(4, dim=1)
            c = torch.sigmoid(i) * torch.tanh(g)
            return torch.sigmoid(o) * torch.tanh(c), c
        h, c = state
        i, f, o, g = self.conv(torch.cat([x, h], dim=1)).chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c
