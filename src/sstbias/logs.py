"""Logging of workflow jobs: one readable log file per rule run, with the traceback of a failure."""

from __future__ import annotations

import logging
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
# Third-party loggers whose warnings say nothing to a user: xsdba redefines pint units ("Redefining 'percent'"...)
# each time it is imported.
QUIETED = {"pint.util": logging.ERROR}


def quiet_third_party() -> None:
    """Raise the level of the :data:`QUIETED` loggers, so a successful run prints no warning of theirs."""
    for name, level in QUIETED.items():
        logging.getLogger(name).setLevel(level)


@contextmanager
def job_logging(log_path: str | os.PathLike, level: int = logging.INFO) -> Iterator[logging.Logger]:
    """Send log records to ``log_path`` and stderr for the duration of a job; log any exception, then re-raise."""
    root = logging.getLogger()
    handlers = [logging.FileHandler(log_path, mode="w"), logging.StreamHandler(sys.stderr)]
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    quiet_third_party()
    log = logging.getLogger("sstbias.job")
    if os.environ.get("SLURM_JOB_ID"):  # names the cluster job behind this log (sacct -j ID)
        log.info("SLURM job %s on %s", os.environ["SLURM_JOB_ID"], socket.gethostname())
    try:
        yield log
    except Exception:
        log.exception("job failed")
        raise
    finally:
        for handler in handlers:
            root.removeHandler(handler)
            handler.close()
