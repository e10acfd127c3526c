"""A training run in its own process, as a workflow job runs it: ``python training_job.py OUT_DIR SETTINGS_JSON``.

Used by the tests that stop a training with a signal, the way SLURM ends a job at its time limit.
"""

import json
import sys

import pandas as pd
from synthetic import aligned_dataset

from sstbias.data.normalise import fit_normaliser
from sstbias.data.split import chronological_split
from sstbias.deep.api import train_deep_model
from sstbias.logs import job_logging


def main(out_dir: str, settings: str) -> None:
    data = aligned_dataset(n_days=90, shape=(10, 8))
    split = chronological_split(pd.DatetimeIndex(data["time"].values), 0.8, 0.15)
    with job_logging(f"{out_dir}.log"):
        train_deep_model("convgru", json.loads(settings), data, split, fit_normaliser(data, split["train"]), out_dir)


if __name__ == "__main__":
    main(*sys.argv[1:])
