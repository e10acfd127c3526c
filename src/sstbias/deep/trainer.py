"""One iteration-based trainer for every deep corrector.

The paper's "epochs" (49 000 with batch 4 on ~290 training days) are training iterations: one iteration is one
Adam step on a batch of ``batch_size`` target days drawn at random (seeded) from the training days. Every
``eval_every`` iterations the validation RMSE (degC) is measured and a row is added to ``training_log.csv``; the
model with the best validation RMSE is kept in ``best.pt``. Checkpoints (model, optimiser, batch sampler and RNG
states, iteration, history) are written atomically every ``checkpoint_every`` iterations and at the iterations in
``checkpoint_at`` (kept as ``checkpoints/iter_NNNNNN.pt``, their weights exported to ``weights/iter_NNNNNN.pt`` at
the end); a restarted run resumes from the newest valid one, so a job killed at its time limit continues where it
stopped, with the same result as an uninterrupted run. With ``ema_decay`` d > 0 the validation RMSE, ``best.pt`` and
the exported weights are those of an exponential moving average of the weights (:class:`WeightAverage`), which
smooths the iteration-to-iteration noise that makes a checkpoint chosen on a short validation period a lottery.
``autocast`` (a dtype, from the ``precision`` setting) runs the forward passes under torch.autocast. On SIGTERM
(what SLURM sends at the time limit, before SIGKILL) or SIGINT the trainer finishes the current iteration, writes a
checkpoint there and raises :class:`~sstbias.deep.stopping.TrainingInterrupted`, so no finished iteration is lost.
"""

from __future__ import annotations

import copy
import csv
import logging
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from sstbias.deep.checkpoints import load_checkpoint, newest_valid_checkpoint, save_checkpoint
from sstbias.deep.data import SequenceSamples
from sstbias.deep.folder import CHECKPOINT_GLOB, ITERATION_PREFIX, ModelFolder, iteration_of, sidecar
from sstbias.deep.loss import masked_mse
from sstbias.deep.schedule import learning_rate
from sstbias.deep.settings import DeepSettings
from sstbias.deep.stopping import StopRequests, TrainingInterrupted
from sstbias.errors import SstbiasError
from sstbias.netcdf import atomic_write

log = logging.getLogger("sstbias.deep")

LOG_COLUMNS = ["iteration", "train_loss", "val_rmse", "lr", "seconds"]
EVAL_BATCH = 8


class TrainingDiverged(SstbiasError):
    """The training loss or the validation RMSE became non-finite: the run stops, no best.pt is written."""


def _check_finite(what: str, value: float, iteration: int, lr: float) -> None:
    """TrainingDiverged naming ``what``, the iteration and the learning rate unless ``value`` is finite."""
    if not math.isfinite(value):
        raise TrainingDiverged(
            f"training diverged: {what} is {value} at iteration {iteration} (learning rate {lr:g}); no best.pt "
            "written. Lower lr (or set grad_clip) and train again"
        )


def seed_everything(seed: int) -> None:
    """Seed torch (weights initialisation; batches use their own generator) and ask for deterministic kernels."""
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


class WeightAverage:
    """An exponential moving average of a model's weights (float tensors; other buffers are copied).

    After update t (1-based) the average is ``a <- a + (1 - d_t) (w - a)`` with ``d_t = min(d, (1 + t) / (10 + t))``:
    the decay grows to ``decay`` over the first iterations, so early averages are not dominated by the
    initial weights (as TensorFlow's ExponentialMovingAverage with ``num_updates``). ``model`` holds the average
    (a copy of the trained network, evaluated in its place).
    """

    def __init__(self, model: nn.Module, decay: float) -> None:
        self.model = copy.deepcopy(model)
        self.decay = decay
        self.updates = 0

    @torch.no_grad()
    def update(self, source: nn.Module) -> None:
        self.updates += 1
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for average, value in zip(self.model.state_dict().values(), source.state_dict().values(), strict=True):
            if average.is_floating_point():
                average.lerp_(value, 1 - decay)
            else:
                average.copy_(value)

    def state(self) -> dict:
        return {"weights": self.model.state_dict(), "updates": self.updates}

    def restore(self, state: dict) -> None:
        self.model.load_state_dict(state["weights"])
        self.updates = state["updates"]


def forward(
    model: nn.Module, inputs: torch.Tensor, ocean: torch.Tensor | None, autocast: torch.dtype | None
) -> torch.Tensor:
    """``model(inputs, ocean)`` (B, 1, H, W) float32, under torch.autocast to ``autocast`` unless it is None."""
    with torch.autocast(inputs.device.type, dtype=autocast, enabled=autocast is not None):
        return model(inputs, ocean).float()


def predict_windows(
    model: nn.Module,
    samples: SequenceSamples,
    windows: np.ndarray,
    device: torch.device,
    autocast: torch.dtype | None = None,
) -> np.ndarray:
    """Corrected SST (n, H, W) in degC for the index windows (n, L), in evaluation mode."""
    model.eval()
    out = []
    ocean = samples.network_ocean_on(device)
    with torch.no_grad():
        for start in range(0, len(windows), EVAL_BATCH):
            chunk = windows[start : start + EVAL_BATCH]
            output = forward(model, samples.inputs(chunk).to(device), ocean, autocast).cpu().numpy()
            out.append(samples.to_celsius(output, chunk))
    model.train()
    return np.concatenate(out) if out else np.empty((0, *samples.mask.shape[1:]))


def validation_rmse(
    model: nn.Module,
    samples: SequenceSamples,
    windows: np.ndarray,
    device: torch.device,
    observed: np.ndarray,
    autocast: torch.dtype | None = None,
) -> float:
    """RMSE (degC) over ocean cells of the windows' target days; ``observed`` (n, H, W) degC."""
    if len(windows) == 0:
        return float("nan")
    ocean = samples.mask.numpy()[0] == 1
    error = predict_windows(model, samples, windows, device, autocast)[:, ocean] - observed[:, ocean]
    return float(np.sqrt(np.mean(error**2)))


class Trainer:
    """Trains ``model`` on ``samples`` into ``out_dir`` (best.pt, last.pt, training_log.csv, checkpoints/)."""

    def __init__(
        self,
        model: nn.Module,
        samples: SequenceSamples,
        plan: DeepSettings,  # the training schedule: lr, batch_size, iterations, eval and checkpoint steps, seed
        out_dir: Path,
        device: torch.device,
        fingerprint: str = "",
        autocast: torch.dtype | None = None,
    ) -> None:
        self.model = model.to(device)
        self.autocast = autocast
        self.average = WeightAverage(self.model, plan.ema_decay) if plan.ema_decay > 0 else None
        self.samples = samples
        self.plan = plan
        self.folder = ModelFolder(out_dir)
        self.device = device
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=plan.lr)
        self.sampler = torch.Generator().manual_seed(plan.seed)
        self.checkpoint_dir = self.folder.checkpoints
        self.fingerprint = fingerprint  # identifies settings and data; checkpoints of another run are not resumed

    @property
    def evaluated(self) -> nn.Module:
        """The network whose weights are validated and kept: the moving average, or the trained weights."""
        return self.model if self.average is None else self.average.model

    def _snapshot(self, iteration: int) -> dict:
        """A copy of the evaluated weights, tagged with the iteration."""
        weights = self.evaluated.state_dict()
        return {"model": {k: v.detach().clone() for k, v in weights.items()}, "iteration": iteration}

    def _state(self, iteration: int, history: list, running: list, best: float) -> dict:
        return {
            "best_snapshot": self.best_snapshot,
            "iteration": iteration,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "sampler": self.sampler.get_state(),
            "torch_rng": torch.get_rng_state(),
            "history": history,
            "running_losses": running,
            "best_val_rmse": best,
            "fingerprint": self.fingerprint,
            "average": None if self.average is None else self.average.state(),
        }

    def _restore(self, state: dict) -> tuple[int, list, list, float]:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.sampler.set_state(state["sampler"])
        torch.set_rng_state(state["torch_rng"])
        self.best_snapshot = state["best_snapshot"]
        if self.average is not None:
            self.average.restore(state["average"])
        return state["iteration"], state["history"], state["running_losses"], state["best_val_rmse"]

    def fit(self, train_windows: np.ndarray, val_windows: np.ndarray, val_observed: np.ndarray) -> list[dict]:
        """Run until ``plan.iterations``, resuming from the newest valid checkpoint; returns the log rows."""
        plan = self.plan
        if len(train_windows) == 0:
            raise ValueError("no training samples: every training day lacks its input window")
        self.folder.path.mkdir(parents=True, exist_ok=True)
        seed_everything(plan.seed)
        start, history, running, best = 0, [], [], float("inf")
        self.best_snapshot = None
        clock = time.perf_counter()
        state = self._resumable_state()
        if state is not None:
            start, history, running, best = self._restore(state)
            clock -= history[-1]["seconds"] if history else 0.0  # the log's seconds count on across resumes
            if start == plan.iterations and not (history and history[-1]["iteration"] == start):
                # a checkpoint of a longer run that stopped exactly at the new end: evaluate there, as a run of
                # this length does at its last iteration
                running, best = self._evaluate(start, history, running, best, val_windows, val_observed, clock)
                self._checkpoint(start, history, running, best)
        ocean = self.samples.network_ocean_on(self.device)
        progress = tqdm(
            range(start + 1, plan.iterations + 1),
            initial=start,
            total=plan.iterations,
            desc="training",
            file=sys.stderr,
            mininterval=10,
        )
        with StopRequests() as stop:
            for iteration in progress:
                rows = torch.randint(len(train_windows), (plan.batch_size,), generator=self.sampler).numpy()
                windows = train_windows[rows]
                inputs = self.samples.inputs(windows).to(self.device)
                targets = self.samples.targets(windows).to(self.device)
                output = forward(self.model, inputs, ocean, self.autocast)
                loss = masked_mse(output, targets, self.samples.mask.to(self.device))
                lr = self.learning_rate(iteration)
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                self.optimizer.zero_grad()
                loss.backward()
                if plan.grad_clip > 0:
                    nn.utils.clip_grad_norm_(self.model.parameters(), plan.grad_clip)
                self.optimizer.step()
                if self.average is not None:
                    self.average.update(self.model)
                running.append(loss.item())
                _check_finite("the training loss", running[-1], iteration, lr)
                if iteration % plan.eval_every == 0 or iteration == plan.iterations:
                    running, best = self._evaluate(iteration, history, running, best, val_windows, val_observed, clock)
                    row = history[-1]
                    if len(val_windows):
                        _check_finite("the validation RMSE", row["val_rmse"], iteration, lr)
                    progress.set_postfix(loss=f"{row['train_loss']:.4g}", val_rmse=f"{row['val_rmse']:.4f}")
                scheduled = (
                    iteration % plan.checkpoint_every == 0
                    or iteration in plan.checkpoint_at
                    or iteration == plan.iterations
                )
                if scheduled or stop.received:
                    path = self._checkpoint(iteration, history, running, best)
                if stop.received:
                    progress.close()
                    raise TrainingInterrupted(
                        f"{stop.received} at iteration {iteration} of {plan.iterations}: checkpoint {path} written; "
                        "running the job again resumes from it"
                    )
        # Written at the end, also when a resumed run had nothing left to do (its outputs may have been removed).
        save_checkpoint(self.best_snapshot or self._snapshot(plan.iterations), self.folder.best)
        save_checkpoint(self._snapshot(plan.iterations), self.folder.last)  # the evaluated weights
        self._export_requested_weights()
        self._write_log(history)
        return history

    def learning_rate(self, iteration: int) -> float:
        """The plan's learning rate at ``iteration`` (1-based): warm-up, then constant or cosine decay."""
        plan = self.plan
        return learning_rate(iteration, plan.lr, plan.iterations, plan.warmup_iterations, plan.lr_schedule)

    def _evaluate(
        self,
        iteration: int,
        history: list,
        running: list,
        best: float,
        val_windows: np.ndarray,
        val_observed: np.ndarray,
        clock: float,
    ) -> tuple[list, float]:
        """Append the log row of ``iteration`` (mean training loss since the last row, validation RMSE degC) to
        ``history``, keep the best snapshot and rewrite the log; returns the emptied running losses and the best."""
        val = validation_rmse(self.evaluated, self.samples, val_windows, self.device, val_observed, self.autocast)
        row = {
            "iteration": iteration,
            "train_loss": float(np.mean(running)) if running else float("nan"),
            "val_rmse": val,
            "lr": self.learning_rate(iteration),
            "seconds": round(time.perf_counter() - clock, 3),
        }
        history.append(row)
        log.info("iteration %d: train loss %.5g, validation RMSE %.4f degC", iteration, row["train_loss"], val)
        if not val >= best:  # also true for NaN validation (no validation days): keep the latest
            best = val if np.isfinite(val) else best
            self.best_snapshot = self._snapshot(iteration)
        self._write_log(history)
        return [], best

    def _resumable_state(self) -> dict | None:
        """The newest valid checkpoint of this run at or below ``plan.iterations``, or None to start over.

        Checkpoints of other settings or data (another fingerprint) are deleted. When ``iterations`` was lowered,
        the checkpoints (and exported weights) beyond the new count are deleted first, so the run resumes from the
        newest one at or below it (the same state an uninterrupted run of the new length passes through), or
        starts over when none is left; the log, best.pt and last.pt are then rewritten for the new length.
        """
        if not self.checkpoint_dir.exists():
            return None
        beyond = [
            path
            for folder in (self.checkpoint_dir, self.folder.weights)
            for path in folder.glob(CHECKPOINT_GLOB)
            if iteration_of(path) > self.plan.iterations
        ]
        if beyond:
            log.warning(
                "iterations lowered to %d: deleting %d checkpoint(s) beyond it (%s); resuming from the newest at or "
                "below it, if any",
                self.plan.iterations,
                len(beyond),
                ", ".join(sorted(path.name for path in beyond)),
            )
            for path in beyond:
                path.unlink(missing_ok=True)
                sidecar(path).unlink(missing_ok=True)
        state = newest_valid_checkpoint(self.checkpoint_dir)
        if state is not None and state.get("fingerprint") != self.fingerprint:
            log.warning(
                "checkpoints in %s come from other settings, data or sstbias version: starting over",
                self.checkpoint_dir,
            )
            for path in self.checkpoint_dir.glob(f"{ITERATION_PREFIX}*"):  # with their sidecars
                path.unlink()
            return None
        if state is None:
            log.info("no checkpoint to resume from in %s: training from the start", self.checkpoint_dir)
        return state

    def _export_requested_weights(self) -> None:
        """The weights at each ``checkpoint_at`` iteration as ``weights/iter_NNNNNN.pt``, and those selected on
        validation up to it (as best.pt: the latest if none was evaluated yet) as ``weights/best_NNNNNN.pt``.

        These files, not the resumable checkpoints, are what a workflow declares as outputs: Snakemake deletes the
        outputs of a failed job, and a job stopped at its time limit must keep the state it resumes from.
        """
        for iteration in sorted(i for i in self.plan.checkpoint_at if i <= self.plan.iterations):
            state = load_checkpoint(self.folder.checkpoint(iteration))
            average = state.get("average")
            snapshot = {"model": state["model"] if average is None else average["weights"], "iteration": iteration}
            save_checkpoint(snapshot, self.folder.exported_weights(iteration))
            save_checkpoint(state["best_snapshot"] or snapshot, self.folder.selected_weights(iteration))

    def _checkpoint(self, iteration: int, history: list, running: list, best: float) -> Path:
        """Write the resumable state at ``iteration`` and drop older periodic checkpoints; returns its path."""
        path = self.folder.checkpoint(iteration)
        save_checkpoint(self._state(iteration, history, running, best), path)
        self._prune(self.plan.checkpoint_at, keep=iteration)
        return path

    def _prune(self, kept: list[int], keep: int) -> None:
        """Remove periodic checkpoints older than the newest, except those requested in ``checkpoint_at``."""
        for path in self.checkpoint_dir.glob(CHECKPOINT_GLOB):
            iteration = iteration_of(path)
            if iteration < keep and iteration not in kept:
                path.unlink(missing_ok=True)
                sidecar(path).unlink(missing_ok=True)

    def _write_log(self, history: list[dict]) -> None:
        def write(tmp: Path) -> None:
            with tmp.open("w", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=LOG_COLUMNS)
                writer.writeheader()
                writer.writerows(history)

        atomic_write(self.folder.training_log, write)
