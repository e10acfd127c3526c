"""One deep model per lead or one model that takes the lead as an input: their validation RMSE, side by side.

The choice of ``forecast.lead_models`` (docs/leads.md) is made on these numbers, the validation days only: for
each network and lead, the best validation RMSE of the lead's own model (the minimum ``val_rmse`` of
``lead_<L>/models/<model>/seed_<n>/training_log.csv``, the weights its ``best.pt`` holds) and the validation RMSE
of the lead-input model's ``best.pt`` at that lead (``lead_input/models/<model>/seed_<n>/validation_by_lead.csv``,
weights selected on every lead's validation days), with the training seconds of each (the ``seconds`` of the
logs' last rows, summed over the per-lead models). Test scores are not read.

    python benchmarks/lead_models.py --per-lead results/twin_leads --lead-input RUN/results/twin_leads

Prints a Markdown table per network and the mean over leads of each; writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

MODELS = ("convgru", "convlstm_at", "convgru_sa")


def per_lead(root: Path, model: str, seed: int, leads: list[int]) -> tuple[dict[int, float], float]:
    """Best validation RMSE (degC) of each lead's own model, and their training seconds summed."""
    rmse, seconds = {}, 0.0
    for lead in leads:
        log = pd.read_csv(root / f"lead_{lead}" / "models" / model / f"seed_{seed}" / "training_log.csv")
        rmse[lead] = float(log["val_rmse"].min())
        seconds += float(log["seconds"].iloc[-1])
    return rmse, seconds


def lead_input(root: Path, model: str, seed: int) -> tuple[dict[int, float], float]:
    """Validation RMSE (degC) of the lead-input model's best.pt at each lead, and its training seconds."""
    folder = root / "lead_input" / "models" / model / f"seed_{seed}"
    table = pd.read_csv(folder / "validation_by_lead.csv")
    log = pd.read_csv(folder / "training_log.csv")
    return dict(zip(table["lead"].astype(int), table["val_rmse"], strict=True)), float(log["seconds"].iloc[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-lead", type=Path, required=True, help="results folder of a per_lead run")
    parser.add_argument("--lead-input", type=Path, required=True, help="results folder of a lead_input run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for model in MODELS:
        if not (
            args.lead_input / "lead_input" / "models" / model / f"seed_{args.seed}" / "validation_by_lead.csv"
        ).is_file():
            print(f"\n{model}: no trained lead-input model in {args.lead_input}")
            continue
        shared, shared_seconds = lead_input(args.lead_input, model, args.seed)
        leads = sorted(shared)
        own, own_seconds = per_lead(args.per_lead, model, args.seed, leads)
        print(f"\n{model}: validation RMSE (degC), seed {args.seed}\n")
        print("| lead | per-lead model | lead-input model | lead-input minus per-lead |")
        print("|---:|---:|---:|---:|")
        for lead in leads:
            print(f"| {lead} | {own[lead]:.3f} | {shared[lead]:.3f} | {shared[lead] - own[lead]:+.3f} |")
        mean_own, mean_shared = sum(own.values()) / len(leads), sum(shared.values()) / len(leads)
        print(f"| mean | {mean_own:.3f} | {mean_shared:.3f} | {mean_shared - mean_own:+.3f} |")
        print(
            f"\ntraining: {len(leads)} per-lead models {own_seconds:.0f} s in all, one lead-input model "
            f"{shared_seconds:.0f} s; better on validation (mean over leads): "
            f"{'lead input' if mean_shared < mean_own else 'per lead'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
