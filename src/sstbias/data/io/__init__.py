"""Readers of the raw products: HYCOM forecasts and OISST observations, decoded to degC on UTC times.

Layer rule: io/ imports the ground-level modules only (errors, grid, ncformat, plausible); data.daily, data.forecast,
deep, twin and stages import it.
"""

from sstbias.data.io.hycom import read_hycom
from sstbias.data.io.oisst import read_oisst
from sstbias.data.io.reader import TimeWindow

__all__ = ["TimeWindow", "read_hycom", "read_oisst"]
