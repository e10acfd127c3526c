"""The files of a deep model folder, named here and nowhere else (torch-free: the workflow's paths use it too).

A training writes into its folder (:mod:`sstbias.deep.trainer`, :mod:`sstbias.deep.api`):

- ``model_config.json``: the folder's self-description (:mod:`sstbias.deep.model_dir`);
- ``best.pt`` (best validation RMSE) and ``last.pt`` (the weights at the last iteration);
- ``training_log.csv``: a row per validation;
- ``climatology.nc``: the per-cell climatology, for a model that uses it;
- ``validation_by_lead.csv``: for a model that takes the lead as an input, the validation RMSE of its best weights
  at each lead;
- ``checkpoints/iter_NNNNNN.pt``: the resumable state at an iteration;
- ``weights/iter_NNNNNN.pt``: the weights at a ``checkpoint_at`` iteration, and ``weights/best_NNNNNN.pt``: those
  selected on validation up to it.

Every ``.pt`` file has a sha256 sidecar (:func:`sidecar`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DESCRIPTION = "model_config.json"
CLIMATOLOGY = "climatology.nc"
ITERATION_PREFIX = "iter_"
CHECKPOINT_GLOB = f"{ITERATION_PREFIX}*.pt"  # the iteration-named files of checkpoints/ and weights/


def sidecar(path: Path) -> Path:
    """The sha256 sidecar of the weights or checkpoint file ``path``: ``<name>.sha256`` beside it."""
    return path.with_name(path.name + ".sha256")


def iteration_of(path: Path) -> int:
    """The iteration of a checkpoint or exported weights file ``iter_NNNNNN.pt``."""
    return int(path.stem.removeprefix(ITERATION_PREFIX))


def _iteration(iteration: int | str) -> str:
    """An iteration as written in file names (six digits), or a wildcard such as ``{it}`` kept as it is."""
    return iteration if isinstance(iteration, str) else f"{iteration:06d}"


@dataclass(frozen=True)
class ModelFolder:
    """The files of the deep model folder ``path`` (which may hold wildcards, such as ``models/{run}``).

    An ``iteration`` is an int (written with six digits) or a wildcard text such as ``{it}``.
    """

    path: Path

    def __init__(self, path: str | os.PathLike) -> None:
        object.__setattr__(self, "path", Path(path))

    @property
    def description(self) -> Path:
        """``model_config.json``: everything needed to apply the model."""
        return self.path / DESCRIPTION

    @property
    def best(self) -> Path:
        """``best.pt``: the best-on-validation weights."""
        return self.path / "best.pt"

    @property
    def last(self) -> Path:
        """``last.pt``: the weights evaluated at the last iteration."""
        return self.path / "last.pt"

    @property
    def training_log(self) -> Path:
        """``training_log.csv``: iteration, training loss, validation RMSE, learning rate, seconds."""
        return self.path / "training_log.csv"

    @property
    def climatology(self) -> Path:
        """``climatology.nc``: the climatology the model reads (for a model that uses one)."""
        return self.path / CLIMATOLOGY

    @property
    def validation_by_lead(self) -> Path:
        """``validation_by_lead.csv``: lead, validation days, validation RMSE (degC) of best.pt (a lead-input model)."""
        return self.path / "validation_by_lead.csv"

    @property
    def checkpoints(self) -> Path:
        """``checkpoints/``: the resumable states (not workflow outputs: a job stopped at its limit keeps them)."""
        return self.path / "checkpoints"

    @property
    def weights(self) -> Path:
        """``weights/``: the weights exported at the ``checkpoint_at`` iterations (workflow outputs)."""
        return self.path / "weights"

    def checkpoint(self, iteration: int | str) -> Path:
        """``checkpoints/iter_NNNNNN.pt``: the resumable state at ``iteration``."""
        return self.checkpoints / f"{ITERATION_PREFIX}{_iteration(iteration)}.pt"

    def exported_weights(self, iteration: int | str) -> Path:
        """``weights/iter_NNNNNN.pt``: the weights at ``iteration``."""
        return self.weights / f"{ITERATION_PREFIX}{_iteration(iteration)}.pt"

    def selected_weights(self, iteration: int | str) -> Path:
        """``weights/best_NNNNNN.pt``: the weights selected on validation up to ``iteration``."""
        return self.weights / f"best_{_iteration(iteration)}.pt"
