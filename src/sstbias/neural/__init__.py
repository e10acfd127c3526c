"""Spatiotemporal neural networks of the deep correctors: cells (ConvGRU, ConvLSTM), blocks (self-attention,
CBAM-3D, temporal attention), networks composed from them, and the name -> class registry."""

from sstbias.neural.registry import NETWORKS, build_network

__all__ = ["NETWORKS", "build_network"]
