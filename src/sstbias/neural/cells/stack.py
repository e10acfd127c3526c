"""Stacked recurrent cells run over a sequence: the loop every recurrent network shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

# step(layer, cell, x, state) -> the cell's next state; the default is cell(x, state). A state of None is the
# zero state (``skip_zero_state``).
Step = Callable[[int, nn.Module, torch.Tensor, Any], Any]


def run_stacked(
    cells: Sequence[nn.Module],
    sequence: Sequence[torch.Tensor],
    step: Step | None = None,
    skip_zero_state: bool = False,
) -> list:
    """The last layer's outputs, one (B, C_h, H, W) per time step, from inputs ``sequence`` of T (B, C, H, W).

    Each layer starts from its cell's zero state and runs over the time steps; its outputs (the cell's
    ``output(state)``) are the next layer's inputs. ``step`` lets a network transform input and state around the
    cell (e.g. attention); by default a step is ``cell(x, state)``. Each layer's first step gets the cell's
    ``init_hidden`` zeros, or with ``skip_zero_state`` None, for which the cell and ``step`` skip the products
    of the zero state (the same values, less work).
    """
    for layer, cell in enumerate(cells):
        state = None if skip_zero_state else cell.init_hidden(sequence[0])
        outputs = []
        for x in sequence:
            state = step(layer, cell, x, state) if step else cell(x, state)
            outputs.append(cell.output(state))
        sequence = outputs
    return list(sequence)
