"""Training and prediction of the deep spatiotemporal correctors (one trainer for every network)."""
