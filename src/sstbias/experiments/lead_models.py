"""One deep network per lead or one that takes the lead as an input: their validation RMSE, side by side.

The choice of ``forecast.lead_models`` (docs/leads.md) is made on these numbers, the validation days only: for
each network and lead, the best validation RMSE of the lead's own model (the minimum ``val_rmse`` of
``lead_<L>/models/<model>/seed_<n>/training_log.csv``, the weights its ``best.pt`` holds) and the validation RMSE
of the lead-input model's ``best.pt`` at that lead (``lead_input/models/<model>/seed_<n>/validation_by_lead.csv``,
weights selected on every lead's validation days), with the training seconds of each (the ``seconds`` of the
logs' last rows, summed over the per-lead models). Test scores are not read.

    python -m sstbias.experiments.lead_models --per-lead results/twin_leads_per_lead --lead-input results/twin_leads

Prints a Markdown table per network and the mean over leads of each; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sstbias.deep.folder import ModelFolder
from sstbias.experiments import catalog


def per_lead(root: Path, model: str, seed: int, leads: list[int]) -> tuple[dict[int, float], float]:
    """Best validation RMSE (degC) of each lead's own model, and their training seconds summed."""
    rmse, seconds = {}, 0.0
    for lead in leads:
        log = pd.read_csv(ModelFolder(root / f"lead_{lead}" / "models" / model / f"seed_{seed}").training_log)
        rmse[lead] = float(log["val_rmse"].min())
        seconds += float(log["seconds"].iloc[-1])
    return rmse, seconds


def lead_input(root: Path, model: str, seed: int) -> tuple[dict[int, float], float]:
    """Validation RMSE (degC) of the lead-input model's best.pt at each lead, and its training seconds."""
    folder = ModelFolder(root / "lead_input" / "models" / model / f"seed_{seed}")
    table = pd.read_csv(folder.validation_by_lead)
    log = pd.read_csv(folder.training_log)
    return dict(zip(table["lead"].astype(int), table["val_rmse"], strict=True)), float(log["seconds"].iloc[-1])


def comparison(per_lead_root: Path, lead_input_root: Path, seed: int = 0) -> str:
    """The Markdown report: per deep network with a trained lead-input model in ``lead_input_root``, its
    validation RMSE (degC) at each lead beside the per-lead models' of ``per_lead_root``, their means over the leads,
    the training seconds and which is better on validation."""
    lines = []
    for model in catalog.DEEP_MODELS:
        folder = ModelFolder(lead_input_root / "lead_input" / "models" / model / f"seed_{seed}")
        if not folder.validation_by_lead.is_file():
            lines += ["", f"{model}: no trained lead-input model in {lead_input_root}"]
            continue
        shared, shared_seconds = lead_input(lead_input_root, model, seed)
        leads = sorted(shared)
        own, own_seconds = per_lead(per_lead_root, model, seed, leads)
        lines += ["", f"{model}: validation RMSE (degC), seed {seed}", ""]
        lines += ["| lead | per-lead model | lead-input model | lead-input minus per-lead |", "|---:|---:|---:|---:|"]
        lines += [
            f"| {lead} | {own[lead]:.3f} | {shared[lead]:.3f} | {shared[lead] - own[lead]:+.3f} |" for lead in leads
        ]
        mean_own, mean_shared = sum(own.values()) / len(leads), sum(shared.values()) / len(leads)
        lines += [f"| mean | {mean_own:.3f} | {mean_shared:.3f} | {mean_shared - mean_own:+.3f} |", ""]
        lines.append(
            f"training: {len(leads)} per-lead models {own_seconds:.0f} s in all, one lead-input model "
            f"{shared_seconds:.0f} s; better on validation (mean over leads): "
            f"{'lead input' if mean_shared < mean_own else 'per lead'}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-lead", type=Path, required=True, help="results folder of a per_lead run")
    parser.add_argument("--lead-input", type=Path, required=True, help="results folder of a lead_input run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        print(comparison(args.per_lead, args.lead_input, args.seed))
    except FileNotFoundError as err:  # a per-lead model or a log the comparison needs
        print(f"error: {err.filename}: not found (train both ways first)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
