"""Checkpoint files written atomically with a sha256 sidecar, and the search for the newest valid one.

Every checkpoint and weights file is read with ``torch.load(weights_only=True)``: tensors, containers, numbers and
strings only, so a file from someone else cannot run code when it is loaded (the sha256 sidecar proves integrity,
not origin: anyone can recompute it). A file larger than :data:`MAX_CHECKPOINT_BYTES` is refused before reading.
"""

from __future__ import annotations

import hashlib
import io
import logging
import pickle  # only its exception type: nothing is unpickled with it
import re
import warnings
from pathlib import Path

import torch

from sstbias.deep.folder import CHECKPOINT_GLOB, sidecar
from sstbias.netcdf import atomic_write

log = logging.getLogger("sstbias.deep")

# The largest checkpoint file read (bytes): far above any network of the catalogue (a ConvGRU-SA checkpoint with its
# optimiser state is a few MB), small enough that a planted file cannot exhaust memory.
MAX_CHECKPOINT_BYTES = 2 * 1024**3


class CorruptCheckpoint(Exception):
    """A checkpoint file is truncated, unreadable or does not match its sha256 sidecar."""


def save_checkpoint(state: dict, path: Path) -> None:
    """torch.save ``state`` to ``path`` atomically; the sha256 of the bytes goes to ``path``.sha256."""
    buffer = io.BytesIO()
    torch.save(state, buffer)
    payload = buffer.getvalue()
    atomic_write(path, lambda tmp: tmp.write_bytes(payload))
    atomic_write(sidecar(path), lambda tmp: tmp.write_text(hashlib.sha256(payload).hexdigest() + "\n"))


def load_checkpoint(path: Path) -> dict:
    """The state saved in ``path``; CorruptCheckpoint if it is too large, does not match its sidecar or cannot be
    read as tensors and plain containers (``weights_only=True``: no object of the file is ever constructed)."""
    checksum = sidecar(path)
    if not checksum.exists():
        raise CorruptCheckpoint(f"{path}: no sha256 sidecar")
    try:
        size = path.stat().st_size
        if size > MAX_CHECKPOINT_BYTES:
            raise CorruptCheckpoint(f"{path}: {size} bytes, more than any sstbias checkpoint ({MAX_CHECKPOINT_BYTES})")
        payload = path.read_bytes()
    except OSError as err:
        raise CorruptCheckpoint(f"{path}: unreadable ({err.strerror or err})") from err
    if hashlib.sha256(payload).hexdigest() != checksum.read_text().strip():
        raise CorruptCheckpoint(f"{path}: sha256 does not match {checksum.name} (truncated or modified)")
    try:
        with warnings.catch_warnings():  # a foreign file's pickle protocol is refused below, not warned about
            warnings.filterwarnings("ignore", message="Detected pickle protocol", category=UserWarning)
            state = torch.load(io.BytesIO(payload), map_location="cpu", weights_only=True)
    except Exception as err:  # torch raises many types for bytes that are not a checkpoint
        reason = str(err).splitlines()[0] if str(err) else type(err).__name__
        if isinstance(err, pickle.UnpicklingError):
            named = re.search(r"GLOBAL (\S+)", str(err))
            found = f" (it names {named.group(1)})" if named else ""
            reason = f"holds objects other than tensors and plain containers{found}, refused unread"
        raise CorruptCheckpoint(f"{path}: unreadable ({type(err).__name__}: {reason})") from err
    weights = state.get("model") if isinstance(state, dict) else None
    if not (
        isinstance(weights, dict)
        and all(isinstance(value, torch.Tensor) for value in weights.values())
        and isinstance(state.get("iteration"), int)
    ):
        found = f"a dict with keys {sorted(map(str, state))[:5]}" if isinstance(state, dict) else type(state).__name__
        raise CorruptCheckpoint(
            f"{path}: not an sstbias checkpoint (expected the network's weights under 'model' and an 'iteration'; "
            f"found {found})"
        )
    return state


def newest_valid_checkpoint(folder: Path) -> dict | None:
    """The newest (highest iteration) readable checkpoint in ``folder``, skipping corrupt ones with a warning.

    Returns None when there is no checkpoint; raises CorruptCheckpoint naming the files when all are corrupt.
    """
    candidates = sorted(folder.glob(CHECKPOINT_GLOB), reverse=True)
    problems = []
    for path in candidates:
        try:
            state = load_checkpoint(path)
        except CorruptCheckpoint as err:
            log.warning("skipping corrupt checkpoint: %s", err)
            problems.append(str(err))
            continue
        log.info("resuming from %s (iteration %d)", path, state["iteration"])
        return state
    if problems:
        raise CorruptCheckpoint("no valid checkpoint to resume from: " + "; ".join(problems))
    return None
