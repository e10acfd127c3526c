"""The options of the self-attention block (:mod:`sstbias.neural.blocks.self_attention`), torch-free so that the
settings can validate them without torch: its implementations and its key pool rule.

``pool`` is a positive integer p (keys and values max-pooled over p x p windows) or ``"auto"``: the smallest p
leaving at most :data:`AUTO_POOL_KEYS_SIDE` keys per side, so the attention's cost grows linearly with the cells
(every query attends to at most 32 x 32 keys): 51x51 -> 2, 101x101 -> 4.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

IMPLEMENTATIONS = ("sdpa", "reference")  # the same math; sdpa is faster
AUTO_POOL = "auto"
AUTO_POOL_KEYS_SIDE = 32


def is_attention_pool(pool: object) -> bool:
    """Whether ``pool`` is a valid attention pool: a positive integer or "auto"."""
    return pool == AUTO_POOL or (isinstance(pool, int) and not isinstance(pool, bool) and pool >= 1)


def attention_pool_size(pool: int | str, height: int, width: int) -> int:
    """The pool p of ``pool`` on a height x width grid (cells): ``pool`` itself, or for "auto" the smallest p
    with ceil(max(height, width) / p) <= AUTO_POOL_KEYS_SIDE (1 on grids up to 32 x 32)."""
    if pool == AUTO_POOL:
        return max(1, -(-max(height, width) // AUTO_POOL_KEYS_SIDE))
    return pool


def pool_rule(pool: int | str) -> Callable[[int, int], int]:
    """The pool p as a function of the grid's (height, width) in cells, resolved once from ``pool`` (ValueError
    if it is no valid pool): :func:`attention_pool_size` bound to ``pool`` (picklable, as a module's attribute)."""
    if not is_attention_pool(pool):
        raise ValueError(f"attention pool must be a positive integer or {AUTO_POOL!r}, got {pool!r}")
    return partial(attention_pool_size, pool)
