"""sstbias: bias correction of numerical SST forecasts with satellite observations."""

__version__ = "0.1.0"
