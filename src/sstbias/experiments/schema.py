"""The generated parts of the workflow schema (workflow/schemas/config.schema.yaml): the ``models`` section
from the catalogue and the settings dataclasses (:func:`sstbias.setting.settings_schema`), and every enum of
deep model names (``grids.model``, ``ablation.models``, ``budget.models``). Each part sits between marker
comments, the rest of the file is written by hand.

``python -m sstbias.experiments.schema --write`` rewrites the parts in place; ``--check`` exits 1 if the file differs
from
what it would write (a test does the same).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from sstbias.experiments import catalog
from sstbias.setting import settings_schema

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "workflow" / "schemas" / "config.schema.yaml"
BEGIN = "# BEGIN GENERATED {} (python -m sstbias.experiments.schema --write)"
END = "# END GENERATED {}"
MODELS_DESCRIPTION = (
    "The models this run trains, each with its settings (absent keys take the defaults); a model absent from this "
    "mapping is not run. A --configfile replaces config/config.yaml, so its `models` is exactly what runs."
)


def models_section() -> dict:
    """The schema of the config's ``models`` mapping: one object per catalogue model, its settings' fields."""
    properties = {}
    for spec in catalog.SPECS:
        entry = {"type": "object", "additionalProperties": False, "description": spec.description}
        fields = settings_schema(spec.settings)
        if fields:
            entry["properties"] = fields
        properties[spec.name] = entry
    return {
        "type": "object",
        "additionalProperties": False,
        "description": MODELS_DESCRIPTION,
        "properties": properties,
        "required": ["raw"],
    }


def parts() -> dict[str, tuple[int, dict]]:
    """Each generated part by name: its indentation (spaces) and its YAML mapping."""
    deep = list(catalog.DEEP_MODELS)
    names = {"type": "string", "enum": deep}
    return {
        "models": (2, {"models": models_section()}),
        "grids.model": (
            6,
            {
                "model": {
                    "type": ["string", "null"],
                    "enum": [*deep, None],
                    "default": None,
                    "description": "The deep model whose grids run (must be configured under models); null or "
                    "absent runs no grid.",
                }
            },
        ),
        "ablation.models": (8, {"items": names}),
        "budget.models": (8, {"items": names}),
    }


def render(indent: int, mapping: dict) -> str:
    """``mapping`` as block YAML (leaf mappings in flow style), every line indented by ``indent`` spaces."""
    text = yaml.safe_dump(mapping, sort_keys=False, default_flow_style=None, width=120, allow_unicode=True)
    return "".join(" " * indent + line if line.strip() else line for line in text.splitlines(keepends=True))


def generated(text: str) -> str:
    """The schema ``text`` with every generated part replaced by what the catalogue and settings give
    (ValueError naming a part whose markers are missing)."""
    for name, (indent, mapping) in parts().items():
        begin, end = " " * indent + BEGIN.format(name) + "\n", " " * indent + END.format(name) + "\n"
        if text.count(begin) != 1 or text.count(end) != 1:
            raise ValueError(f"{SCHEMA_PATH}: the markers of the generated part {name!r} are missing or repeated")
        head, rest = text.split(begin)
        _, tail = rest.split(end)
        text = head + begin + render(indent, mapping) + end + tail
    return text


def main(argv: list[str] | None = None) -> int:
    """``--write``: rewrite the schema's generated parts; ``--check``: exit 1 if they are out of date."""
    parser = argparse.ArgumentParser(prog="python -m sstbias.experiments.schema", description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="rewrite the generated parts in place")
    action.add_argument("--check", action="store_true", help="exit 1 if the generated parts are out of date")
    args = parser.parse_args(argv)
    text = SCHEMA_PATH.read_text()
    fresh = generated(text)
    if args.write:
        SCHEMA_PATH.write_text(fresh)
        return 0
    if fresh != text:
        print(f"{SCHEMA_PATH}: out of date; run python -m sstbias.experiments.schema --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
