"""Blocks of the spatiotemporal correctors."""
