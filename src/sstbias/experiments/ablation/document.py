"""Copy ablation tables (workflow outputs, ``tables/ablation.md``) verbatim into a document between the markers
:data:`START` and :data:`END`: ``python -m sstbias.experiments.ablation DOCUMENT TABLE.md [TABLE.md ...] --provenance
TEXT``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from sstbias.atomic import atomic_write

START, END = "<!-- ablation table: start (generated, do not edit) -->", "<!-- ablation table: end -->"


def render_into(document: str | os.PathLike, tables: Sequence[str | os.PathLike], provenance: str) -> None:
    """Replace the text between :data:`START` and :data:`END` in ``document`` with the Markdown ``tables``
    (verbatim, in order) and a ``provenance`` line; ValueError if the markers are absent."""
    text = Path(document).read_text()
    if START not in text or END not in text:
        raise ValueError(f"{document}: no ablation markers ({START} ... {END})")
    body = "\n".join(Path(table).read_text() for table in tables)
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    new = f"{before}{START}\n{provenance}\n\n{body}{END}{after}"
    atomic_write(document, lambda tmp: tmp.write_text(new))


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m sstbias.experiments.ablation DOCUMENT TABLE.md [TABLE.md ...] --provenance TEXT``."""
    parser = argparse.ArgumentParser(
        prog="python -m sstbias.experiments.ablation",
        description="Copy ablation tables (workflow outputs) into a document.",
    )
    parser.add_argument("document")
    parser.add_argument("tables", nargs="+")
    parser.add_argument("--provenance", required=True, help="which commit and command produced the tables")
    args = parser.parse_args(argv)
    render_into(args.document, args.tables, args.provenance)
