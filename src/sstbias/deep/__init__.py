"""Training and prediction of the deep spatiotemporal correctors (one trainer for every network).

Layer rule: deep/ imports neural/ (the networks, given plain values by deep.networks), the catalogue, the
climatology baseline, the daily forecast windows (data.forecast) and the ground-level modules; never config, stages or
twin (device names are checked in deep.settings).
"""
