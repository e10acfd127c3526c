"""BatchNorm whose batch statistics come from ocean cells only (land cells are normalised, never counted)."""

from __future__ import annotations

import torch
from torch import nn


class MaskedBatchNorm3d(nn.BatchNorm3d):
    """BatchNorm3d on (B, C, T, H, W); with ``ocean`` (H, W) bool, mean and variance are over its cells only.

    Without ``ocean`` it is nn.BatchNorm3d exactly (same parameters and buffers, so weights load either way).
    Training: normalises with the ocean cells' batch statistics and updates the running ones (unbiased variance,
    ``momentum``); evaluation: the running statistics.
    """

    def forward(self, x: torch.Tensor, ocean: torch.Tensor | None = None) -> torch.Tensor:
        if ocean is None:
            return super().forward(x)
        x = x.float()  # under bfloat16 autocast, statistics and running buffers stay float32 (as nn.BatchNorm's)
        if self.training:
            cells = x[..., ocean].transpose(0, 1).reshape(x.shape[1], -1)  # (C, B * T * n_ocean)
            mean = cells.mean(dim=1)
            var = cells.var(dim=1, unbiased=False)
            with torch.no_grad():
                count = cells.shape[1]
                self.running_mean.lerp_(mean, self.momentum)
                self.running_var.lerp_(var * count / max(count - 1, 1), self.momentum)
                self.num_batches_tracked += 1
        else:
            mean, var = self.running_mean, self.running_var
        shape = (1, -1, 1, 1, 1)
        normalised = (x - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        return normalised * self.weight.view(shape) + self.bias.view(shape)
