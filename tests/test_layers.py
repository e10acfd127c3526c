"""Packages point one way: each package imports only the sstbias packages its layer rule allows (the rule is
written at the top of its __init__.py)."""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sstbias"
# package -> the sstbias modules or packages it must not import
FORBIDDEN = {
    "neural": ("",),  # a leaf: nothing of sstbias outside neural
    "twin": ("config",),
    "deep": ("config",),
    "baselines": ("config", "stages", "deep", "twin"),
}
GROUND = ("period", "setting")  # ground-level modules: nothing of sstbias but errors


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every sstbias import in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sstbias"):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("sstbias")]
    return found


def violations() -> list[str]:
    bad = []
    for package, forbidden in FORBIDDEN.items():
        for path in sorted((SRC / package).rglob("*.py")):
            for line, module in imports(path):
                inside = module.split(".")[1:2] == [package]
                target = module.removeprefix("sstbias.")
                if any(target == f or target.startswith(f + ".") or (f == "" and not inside) for f in forbidden):
                    bad.append(f"{path.relative_to(SRC.parent)}:{line}: {package}/ imports {module}")
    for name in GROUND:
        path = SRC / f"{name}.py"
        bad += [
            f"{path.relative_to(SRC.parent)}:{line}: ground-level {name} imports {module}"
            for line, module in imports(path)
            if module != "sstbias.errors"
        ]
    return bad


def test_packages_import_one_way():
    assert violations() == []
