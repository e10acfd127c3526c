"""ConvGRU-SA (the paper's model): 3-D CNN + BatchNorm front, then ConvGRU cells whose input and hidden state
first pass the self-attention block Y (eqs. 7-11).

X^_t = Y(x_t), H^_{t-1} = Y(H_{t-1}); the gates use X^_t and H^_{t-1}, and the update keeps H^_{t-1}:
H_t = (1 - Z_t) o H'_t + Z_t o H^_{t-1}, as eq. 11 is written in the paper (the OCR is ambiguous between H and
H^; with the SAGAN gate starting at 0 both coincide at initialisation).
"""

from __future__ import annotations

import torch
from torch import nn

from sstbias.neural.blocks.self_attention import SelfAttention2d
from sstbias.neural.cells.convgru import ConvGRUCell
from sstbias.neural.cells.stack import run_stacked
from sstbias.neural.networks.front import Front3d


class ConvGRUSANet(nn.Module):
    """(B, T, C_in, H, W) -> (B, 1, H, W).

    A front of ``front_channels`` channels, then as :class:`~sstbias.neural.networks.convgru.ConvGRUNet` with
    self-attention blocks of width ``attention_channels`` (Q, K), kernel ``attention_impl`` and key pool
    ``attention_pool`` (:mod:`sstbias.neural.blocks.attention_options`) before each cell's input and state.
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
        attention_channels: int,
        attention_impl: str,
        attention_pool: int | str,
    ) -> None:
        super().__init__()
        self.front = Front3d(in_channels, front_channels)
        widths = [front_channels] + [hidden_channels] * num_layers
        fused = skip_zero_state  # the fast path also computes each block's Q, K and V in one convolution
        self.input_attention = nn.ModuleList(
            SelfAttention2d(widths[i], attention_channels, attention_impl, attention_pool, fused)
            for i in range(num_layers)
        )
        self.hidden_attention = nn.ModuleList(
            SelfAttention2d(hidden_channels, attention_channels, attention_impl, attention_pool, fused)
            for _ in range(num_layers)
        )
        self.cells = nn.ModuleList(ConvGRUCell(widths[i], hidden_channels, kernel_size) for i in range(num_layers))
        self.head = nn.Conv2d(hidden_channels, 1, 1)
        self.skip_zero_state = skip_zero_state

    def forward(self, x: torch.Tensor, ocean: torch.Tensor | None = None) -> torch.Tensor:
        """``ocean`` (H, W) bool: the cells of the BatchNorm statistics and the attention keys (None: every cell)."""

        def attended_step(layer: int, cell: nn.Module, step: torch.Tensor, hidden: torch.Tensor | None) -> torch.Tensor:
            attention = self.hidden_attention[layer]
            attended = attention.of_zero(step) if hidden is None else attention(hidden, ocean)
            return cell(self.input_attention[layer](step, ocean), attended)

        sequence = self.front(x, ocean).unbind(dim=1)
        return self.head(run_stacked(self.cells, sequence, attended_step, self.skip_zero_state)[-1])
