"""Spatiotemporal neural networks of the deep correctors: cells (ConvGRU, ConvLSTM), blocks (self-attention,
CBAM-3D, temporal attention) and the networks composed from them.

Layer rule: neural/ is a leaf. Its modules import torch and each other, nothing else of sstbias; networks and
blocks take plain arguments (ints, strings, bools), never settings objects. Building a network from a model's
settings is :func:`sstbias.deep.networks.build_network`.
"""
