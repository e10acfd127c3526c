"""The embedded twin dataset: deterministic synthetic HYCOM and OISST files in the genuine formats."""

from sstbias.twin.generate import synthesize_month

__all__ = ["synthesize_month"]
