"""Readers of the raw products: HYCOM forecasts and OISST observations, decoded to degC on UTC times."""

from sstbias.io.hycom import read_hycom
from sstbias.io.oisst import read_oisst

__all__ = ["read_hycom", "read_oisst"]
