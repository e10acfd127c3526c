"""Cells of the spatiotemporal correctors."""
