"""Networks of the spatiotemporal correctors."""
