"""Polite stops: a termination signal asks a long loop to stop at its next safe point instead of killing it.

SLURM ends a job at its time limit (or on ``scancel``) by sending SIGTERM to every process of the job, then SIGKILL
``KillWait`` seconds later (30 s by default). A training catches SIGTERM (and SIGINT, Ctrl-C) with
:class:`StopRequests`, finishes the current iteration, writes a checkpoint and exits non-zero, so the resubmitted
job resumes from exactly that iteration.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType, TracebackType

log = logging.getLogger("sstbias.deep")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class TrainingInterrupted(Exception):
    """A training stopped on a termination signal after writing a checkpoint; rerunning it resumes there."""


class StopRequests:
    """Context manager recording SIGTERM/SIGINT instead of dying; the previous handlers come back on exit.

    ``received`` is the name of the first signal received (None while none came). Outside the main thread, where
    Python cannot install signal handlers, signals keep their previous behaviour.
    """

    def __init__(self, signals: tuple[signal.Signals, ...] = STOP_SIGNALS) -> None:
        self.signals = signals
        self.received: str | None = None
        self._previous: dict[signal.Signals, object] = {}

    def _record(self, signum: int, frame: FrameType | None) -> None:
        if self.received is None:
            self.received = signal.Signals(signum).name
            log.warning("%s received: stopping after the current iteration", self.received)

    def __enter__(self) -> StopRequests:
        if threading.current_thread() is threading.main_thread():
            for signum in self.signals:
                self._previous[signum] = signal.signal(signum, self._record)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
