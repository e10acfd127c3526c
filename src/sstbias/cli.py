"""The ``sstbias`` command: apply a trained model to new forecast files, or show what a model folder holds.

Heavy libraries (torch, xarray) are imported only by the subcommand that runs, so ``sstbias --help`` is instant.
Exit status: 0 on success, 1 when the input, the model folder or the settings are wrong (one line on stderr
naming the file or the problem, no output file written), 2 for invalid command-line arguments, 130 when
interrupted (Ctrl-C; nothing written).
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
from collections.abc import Sequence

import sstbias
from sstbias.errors import SstbiasError
from sstbias.logs import quiet_third_party

EXAMPLE = """\
example (the twin data, after `snakemake --cores all`):
  sstbias correct --model results/twin/models/convgru_sa/seed_0 \\
      --forecast results/twin/raw/hycom/2021-12.nc --out corrected_2021-12.nc
"""

DAYS_HELP = (
    "days to correct: YYYY-MM-DD, a range YYYY-MM-DD..YYYY-MM-DD, or a comma-separated list of both; each needs "
    "its whole input window (the day and the window-1 days before it) in the files. Default: every day of the files "
    "whose window is complete, i.e. all but the first window-1 days of consecutive files"
)

RUNS_HELP = (
    "correct forecast runs (with one or several --model folders, from run step files named "
    "..._YYYYMMDD12_tXXX_...nc): every lead of each run is corrected by the model of that lead, or by a model that "
    "takes the lead as an input at each of its leads (leads it cannot correct are NaN, named in a warning). DAYS: "
    "the runs' analysis days, written as --days; without DAYS (the default with several --model folders): every "
    "run of the files for which some lead's whole input window is in the files"
)
LEAD_HELP = (
    "the lead (days) of the forecasts to correct with a model folder that takes the lead as an input (one of the "
    "leads it was trained on; `sstbias describe` lists them): the folder then corrects that lead's days as a model "
    "of that lead does. Only with one such folder; --runs corrects every lead instead"
)
# --runs without DAYS: every run with a correctable lead (RunCorrector.correct's runs=None); not a string, which
# argparse would pass to --runs' type
EVERY_RUN = object()


def _days(text: str):
    from sstbias.correct import parse_days

    try:
        return parse_days(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text}: must be a positive integer")
    return value


def _lead(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text}: a lead is a number of days, 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``sstbias`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="sstbias",
        description="Bias correction of HYCOM sea-surface-temperature forecasts with models trained by the "
        "sstbias workflow (snakemake). The workflow trains; this command applies a trained model.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"sstbias {sstbias.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    correct = commands.add_parser(
        "correct",
        help="correct raw HYCOM forecast files with a trained deep model",
        description="Correct raw HYCOM forecast files (the native NCSS/archive netCDF) with a trained deep model "
        "folder. The files are read over the model's box, reduced to UTC days and bilinearly regridded onto its "
        "analysis grid exactly as in training, normalised with its training statistics, and the corrected SST of "
        "each day is written as CF netCDF (variable sst_corrected, degC). Kelvin files are converted to degC "
        "with a warning (the readers' documented repair).",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    correct.add_argument(
        "--model",
        required=True,
        nargs="+",
        action="extend",
        metavar="DIR",
        help="trained model folder (holds model_config.json and best.pt), e.g. results/twin/models/convgru_sa/seed_0; "
        "several folders (one flag or repeated), one per lead of one network (results/<dataset>/lead_<L>/models/"
        "<model>/seed_<n>), correct every lead of forecast runs in one output (see --runs); a folder of a model that "
        "takes the lead as an input (model_config.json's lead_input) stands for every lead it was trained on: alone it "
        "needs --runs (every lead) or --lead (one lead)",
    )
    correct.add_argument(
        "--forecast",
        required=True,
        nargs="+",
        metavar="PATH",
        help="HYCOM forecast files, folders (their *.nc) or quoted glob patterns; together they must cover "
        "consecutive whole UTC days",
    )
    correct.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="output netCDF file (written atomically); never inside the model folder; an existing file is replaced "
        "only if sstbias correct wrote it, or with --overwrite",
    )
    correct.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing --out file even if sstbias correct did not write it",
    )
    correct.add_argument("--days", type=_days, metavar="DAYS", help=DAYS_HELP)
    correct.add_argument("--runs", type=_days, nargs="?", const=EVERY_RUN, metavar="DAYS", help=RUNS_HELP)
    correct.add_argument("--lead", type=_lead, metavar="L", help=LEAD_HELP)
    correct.add_argument(
        "--device", default="auto", help="torch device: auto (CUDA, then MPS, then CPU; default), cpu, cuda[:N], mps"
    )
    correct.add_argument("--threads", type=_positive, metavar="N", help="CPU threads for torch (default: all cores)")
    _add_verbosity(correct)

    describe = commands.add_parser(
        "describe",
        help="show what a trained model folder holds and check that this sstbias can use it",
        description="Print a trained model folder's description (network, input window, training period, grid, "
        "preprocessing, versions) after the same compatibility checks as `correct`, the weights included (best.pt "
        "against its sha256 sidecar and the described network).",
    )
    describe.add_argument("--model", required=True, metavar="DIR", help="trained model folder")
    _add_verbosity(describe)
    return parser


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true", help="print warnings and errors only")
    group.add_argument("-v", "--verbose", action="store_true", help="print debugging messages too")


def _run_correct(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: Sequence[str]) -> None:
    from sstbias.correct import correct_files, correct_runs

    command = "sstbias " + " ".join(shlex.quote(arg) for arg in argv)
    if len(args.model) == 1 and args.runs is None:
        if args.lead is not None:
            _check_lead_input(parser, args.model[0], args.lead)
        correct_files(
            args.model[0],
            args.forecast,
            args.out,
            args.days,
            args.device,
            args.threads,
            command,
            args.overwrite,
            args.lead,
        )
        return
    runs = None if args.runs is EVERY_RUN else args.runs
    correct_runs(args.model, args.forecast, args.out, runs, args.device, args.threads, command, args.overwrite)


def _check_lead_input(parser: argparse.ArgumentParser, model_dir: str, lead: int) -> None:
    """An argument error (exit 2) when --lead is given with a model folder that does not take the lead as an input."""
    from sstbias.deep.model_dir import read_model_dir

    trained = read_model_dir(model_dir)
    if not trained.lead_input:
        parser.error(
            f"--lead {lead}: {trained.folder} is a model of lead {trained.leads[0]} (one model per lead); --lead picks "
            "the lead of a model that takes the lead as an input"
        )


def _run_describe(args: argparse.Namespace) -> None:
    import torch

    from sstbias.deep.api import open_trained
    from sstbias.deep.folder import sidecar

    trained, network = open_trained(args.model, torch.device("cpu"))  # the same checks as correct
    weights_sidecar = sidecar(trained.weights)
    d = trained.description
    preparation = trained.preparation
    mask = trained.ocean_mask.values
    lines = [
        f"model folder       {trained.folder}",
        f"network            {trained.name} ({d['in_channels']} input channels)",
        f"input window       {trained.window} days (the corrected day and the {trained.window - 1} before it)",
        f"training period    {trained.period('train')} (validation {trained.period('validation') or 'none'})",
        f"analysis grid      lat {d['lat'][0]}..{d['lat'][-1]} ({len(d['lat'])}), "
        f"lon {d['lon'][0]}..{d['lon'][-1]} ({len(d['lon'])}); {int(mask.sum())} ocean cells",
        f"normalisation      {d['normaliser']['method']}/{d['normaliser']['scope']}",
    ]
    if preparation is None:
        lines.append("preparation        none recorded (trained outside the workflow): cannot correct raw files")
    else:
        lines += [
            f"box                {preparation.box}",
            f"daily reduction    {preparation.describe_reduction()}",
            f"regridding         bilinear ({preparation.regrid_engine}), {preparation.resolution} degree",
        ]
    if trained.lead_input:
        leads = ", ".join(map(str, trained.leads))
        lines.append(f"leads              {leads}, the lead an input (correct: --lead L for one, --runs for all)")
    lines += [
        f"weights            {trained.weights.name}: sha256 {weights_sidecar.read_text().strip()[:16]}..., "
        f"{sum(p.numel() for p in network.parameters())} parameters, fit the network",
        f"written by         sstbias {d['sstbias_version']}, format {d['format_version']}",
        f"config hash        {d['config_hash']}",
    ]
    print("\n".join(lines))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``sstbias`` command with ``argv`` (default: the process arguments); returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "correct" and args.days is not None and (len(args.model) > 1 or args.runs is not None):
        parser.error("--days picks the days of one model folder; forecast runs (several --model, --runs) take --runs")
    if args.command == "correct" and args.lead is not None and (len(args.model) > 1 or args.runs is not None):
        parser.error(
            "--lead picks the lead of one model folder that takes the lead as an input; forecast runs (several "
            "--model, --runs) are corrected at every lead"
        )
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    logging.captureWarnings(True)
    quiet_third_party()
    try:
        if args.command == "correct":
            _run_correct(parser, args, argv)
        else:
            _run_describe(args)
    except (SstbiasError, OSError) as err:
        print(f"sstbias {args.command}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # outputs are written atomically: an interrupted write leaves nothing
        print(f"sstbias {args.command}: interrupted (Ctrl-C); nothing written", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
