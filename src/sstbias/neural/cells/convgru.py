"""ConvGRU cell, paper eqs. (2)-(5): separate input and hidden convolutions, reset gate on W_hh * H."""

from __future__ import annotations

import torch
from torch import nn


class ConvGRUCell(nn.Module):
    """One ConvGRU step on (B, C_in, H, W) inputs and a (B, C_h, H, W) hidden state.

    Z = sigma(W_xz * x + W_hz * H);  R = sigma(W_xr * x + W_hr * H)
    H' = tanh(W_xh * x + R o (W_hh * H));  H_new = (1 - Z) o H' + Z o H
    """

    def __init__(self, in_channels: int, hidden_channels: int, kernel_size: int) -> None:
        super().__init__()
        padding = kernel_size // 2
        self.hidden_channels = hidden_channels
        self.input_conv = nn.Conv2d(in_channels, 3 * hidden_channels, kernel_size, padding=padding)
        self.hidden_conv = nn.Conv2d(hidden_channels, 3 * hidden_channels, kernel_size, padding=padding, bias=False)

    def init_hidden(self, x: torch.Tensor) -> torch.Tensor:
        """Zero state (B, C_h, H, W) on the device and dtype of ``x`` (B, C_in, H, W)."""
        batch, _, height, width = x.shape
        return x.new_zeros(batch, self.hidden_channels, height, width)

    @staticmethod
    def output(hidden: torch.Tensor) -> torch.Tensor:
        """What the next layer receives from a state: the hidden state itself."""
        return hidden

    def forward(self, x: torch.Tensor, hidden: torch.Tensor | None) -> torch.Tensor:
        """The next hidden state (B, C_h, H, W) from x (B, C_in, H, W) and the previous state (None: the zero
        state, whose products W_h* * H are 0 and are not computed: H_new = (1 - Z) o tanh(W_xh * x))."""
        xz, xr, xh = self.input_conv(x).chunk(3, dim=1)
        if hidden is None:
            return (1 - torch.sigmoid(xz)) * torch.tanh(xh)
        hz, hr, hh = self.hidden_conv(hidden).chunk(3, dim=1)
        update = torch.sigmoid(xz + hz)
        reset = torch.sigmoid(xr + hr)
        candidate = torch.tanh(xh + reset * hh)
        return (1 - update) * candidate + update * hidden
