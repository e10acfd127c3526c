"""Packages point one way: each module or package of src/sstbias imports only the sstbias groups that
:data:`ALLOWED` lists for it (the rule is also written at the top of each package's __init__.py and, as the overall
order, of sstbias/__init__.py).

A group is a top-level module (``period``), a package with everything under it (``deep``) or ``sstbias`` itself
(``import sstbias`` for ``__version__``). Every ``import`` and ``from ... import`` is read from the source (AST),
function-local ones included; a violation names the file and line of the import.
"""

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sstbias"

# Bottom to top. Ground level: what every layer may use.
GROUND = {
    "sstbias": (),  # the package itself: __version__
    "errors": (),
    "logs": (),
    "setting": (),
    "period": ("errors",),
    "atomic": ("errors",),
    "box": ("errors",),
    "ncformat": ("errors",),
    "plausible": ("errors",),
    "grid": ("box", "errors"),
    "netcdf": ("atomic", "plausible", "sstbias"),
    "provenance": ("atomic",),
}
ABOVE_GROUND = {
    # data/: the raw products (readers, downloads, local files), daily forecasts, regridding, alignment, split,
    # normalisation and the trees' per-cell features
    "data": ("atomic", "box", "errors", "grid", "ncformat", "netcdf", "plausible", "sstbias"),
    # the models: neural is a leaf; the catalogue reads the (torch-free) settings of baselines and deep, which
    # read the catalogue back for their dispatch
    "neural": (),
    "baselines": ("data", "errors", "experiments", "netcdf", "setting"),
    "deep": ("baselines", "data", "errors", "experiments", "netcdf", "neural", "setting", "sstbias"),
    # experiments/: the catalogue of models, run names, the ablation's steps, the workflow's paths, the schema
    "experiments": ("atomic", "baselines", "deep", "errors", "neural", "setting"),
    # the twin: synthesises the raw products, never reads the config module
    "twin": ("data", "errors", "grid", "netcdf", "period", "provenance"),
    # evaluation/: metrics, uncertainty, tables, figures, the budget curve, the results document
    "evaluation": ("atomic", "errors", "experiments", "netcdf"),
    # the config check, the standalone corrector and its command line
    "config": ("box", "data", "deep", "errors", "evaluation", "experiments", "grid", "period", "provenance", "twin"),
    "correct": ("atomic", "data", "deep", "errors", "netcdf", "plausible", "sstbias"),
    "cli": ("correct", "deep", "errors", "logs", "sstbias"),
    "__main__": ("cli",),
}
ENTRY_POINTS = ("stages", "cli", "__main__")  # imported by the workflow or run as programs
LIBRARY = (*GROUND, *ABOVE_GROUND)
# The workflow's steps: anything library-side; nothing imports them.
# Test support (the loopback server, the layouts only tests write): it may use the library; nothing there uses it.
TESTING = {"testing": ("data", "period", "twin")}
ALLOWED = {**GROUND, **ABOVE_GROUND, "stages": tuple(g for g in LIBRARY if g not in ENTRY_POINTS), **TESTING}
HEAVY = ("torch", "sklearn", "lightgbm", "xsdba")


def group_of(path: Path) -> str:
    """The group of a source file: its top-level module, or the package it sits in."""
    relative = path.relative_to(SRC)
    if relative.name == "__init__.py" and len(relative.parts) == 1:
        return "sstbias"
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imported_groups(path: Path) -> list[tuple[int, str]]:
    """(line, group) of every sstbias import in ``path``, function-local ones included."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "a relative import"))
        elif isinstance(node, ast.ImportFrom) and node.module == "sstbias":
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sstbias."):
            found.append((node.lineno, node.module.split(".")[1]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "sstbias":
                    found.append((node.lineno, parts[1] if len(parts) > 1 else "sstbias"))
    return found


def violations() -> list[str]:
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        group = group_of(path)
        for line, target in imported_groups(path):
            if target != group and target not in ALLOWED[group]:
                bad.append(f"{path.relative_to(SRC.parent)}:{line}: {group} imports {target}")
    return bad


def test_imports_are_read_from_every_form_and_scope(tmp_path):
    source = tmp_path / "module.py"
    source.write_text(
        "import sstbias\nimport sstbias.data.io.hycom\nfrom sstbias.experiments import catalog\n\n\n"
        "def late():\n    from sstbias.config import check_config\n"
    )
    assert imported_groups(source) == [(1, "sstbias"), (2, "data"), (3, "experiments"), (7, "config")]


def test_every_group_has_a_rule():
    assert {group_of(path) for path in SRC.rglob("*.py")} == set(ALLOWED)


def test_packages_import_one_way():
    assert violations() == []


def test_the_table_holds_the_layer_rules():
    """The rules the table must keep, whatever else changes in it."""
    assert ALLOWED["neural"] == ()
    assert "config" not in ALLOWED["twin"] and "config" not in ALLOWED["deep"]
    for group, allowed in GROUND.items():
        assert set(allowed) <= set(GROUND), f"ground-level {group} imports a higher layer"
    assert not [group for group, allowed in ALLOWED.items() if "stages" in allowed]
    assert not [group for group, allowed in ALLOWED.items() if "testing" in allowed]


def test_the_catalogue_imports_no_heavy_library():
    """The workflow parses the catalogue for every job: it must not pull in torch, scikit-learn, LightGBM, xsdba."""
    code = f"import sys, sstbias.experiments.catalog; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
