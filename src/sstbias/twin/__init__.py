"""The embedded twin dataset: deterministic synthetic HYCOM and OISST files in the genuine formats.

Layer rule: twin/ imports the ground-level modules and the data package (its readers, daily reduction,
regridding, alignment, split); never config (period arithmetic is sstbias.period), deep, baselines or stages.
Config and stages import twin.
"""

from sstbias.twin.generate import synthesize_month

__all__ = ["synthesize_month"]
