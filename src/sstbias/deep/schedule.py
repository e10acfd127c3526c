"""The learning rate of each training iteration: optional linear warm-up, then constant or cosine decay.

A pure function of the iteration (no scheduler state), so a resumed run follows the same schedule exactly.
"""

from __future__ import annotations

import math

LR_SCHEDULES = ("constant", "cosine")


def learning_rate(iteration: int, lr: float, iterations: int, warmup_iterations: int, schedule: str) -> float:
    """Learning rate of ``iteration`` (1-based) of a run of ``iterations``.

    Warm-up: ``lr * iteration / warmup_iterations`` for the first ``warmup_iterations`` iterations. Then ``lr``
    (``constant``) or ``lr * (1 + cos(pi * progress)) / 2`` (``cosine``), where progress goes from 0 after the
    warm-up to 1 at the last iteration.
    """
    if schedule not in LR_SCHEDULES:
        raise ValueError(f"lr_schedule must be one of {LR_SCHEDULES}, got {schedule!r}")
    if iteration <= warmup_iterations:
        return lr * iteration / warmup_iterations
    if schedule == "constant":
        return lr
    progress = (iteration - warmup_iterations) / max(iterations - warmup_iterations, 1)
    return lr * 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
