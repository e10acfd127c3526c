"""Spatiotemporal correctors: cells (ConvGRU, ConvLSTM), blocks (self-attention, CBAM-3D, temporal attention),
networks composed from them, and the name -> class registry."""

from sstbias.models.registry import MODELS, build_model

__all__ = ["MODELS", "build_model"]
