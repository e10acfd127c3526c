"""Readers of the raw products: HYCOM forecasts and OISST observations, decoded to degC on UTC times."""

from sstbias.io.hycom import read_hycom
from sstbias.io.oisst import read_oisst
from sstbias.io.reader import TimeWindow

__all__ = ["TimeWindow", "read_hycom", "read_oisst"]
