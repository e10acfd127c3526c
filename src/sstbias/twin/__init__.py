"""The embedded twin dataset: deterministic synthetic HYCOM and OISST files in the genuine formats.

Layer rule: twin/ does not import config (period arithmetic is sstbias.period); config imports twin.
"""

from sstbias.twin.generate import synthesize_month

__all__ = ["synthesize_month"]
