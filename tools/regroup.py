"""Group the flat modules of src/sstbias into packages by phase (issue 21 item 4): data/, evaluation/, experiments/.

Re-runnable and idempotent: run from anywhere inside a checkout (``python tools/regroup.py``). It ``git mv``s each
module that still sits at the top level (absent ones are skipped with a message), writes the new packages'
``__init__.py``, rewrites every reference (dotted names, ``from sstbias import ...``, ``python -m``, mock strings,
file paths), bumps ``Path(__file__).parents[N]`` in moved files, regroups tests/test_layers.py's table, and ends by
listing the old references it could not fix.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGES = {
    "data": (
        "align daily forecast io local_files regrid split normalise download features",
        "The data: readers of the raw products (io), their downloads (download), user files (local_files), the daily\n"
        "reduction (daily), the forecast's preparation (forecast), regridding (regrid), alignment (align), the split\n"
        "(split), the normalisation (normalise) and the tree correctors' tabular samples (features).\n\n"
        "Layer rule: data/ imports the ground-level modules only (errors, atomic, box, grid, ncformat, netcdf,\n"
        "plausible, the package version); twin, the models, config, correct and stages import it.\n",
    ),
    "evaluation": (
        "metrics uncertainty tables figures budget_curve results_doc",
        "The evaluation: verification metrics, their uncertainty, the results tables and figures, the budget curve\n"
        "and the results document built from the workflow's outputs.\n\n"
        "Layer rule: evaluation/ imports the ground-level modules and experiments/ (the catalogue, the ablation's\n"
        "steps); never deep, twin, config or stages. Config and stages import it.\n",
    ),
    "experiments": (
        "catalog runs ablation paths schema",
        "The experiments: the model catalogue and the schema generated from it, run names, the workflow's paths and\n"
        "the deep models' ablation.\n\n"
        "Layer rule: experiments/ imports the models' torch-free settings (baselines, deep,\n"
        "neural.blocks.attention_options) and the ground-level modules; never config, twin or stages. The\n"
        "catalogue imports no heavy library.\n",
    ),
}
PACKAGE_OF = {module: package for package, (modules, _) in PACKAGES.items() for module in modules.split()}
TEXT_PLACES = ("src", "tests", "benchmarks", "workflow", "docs", "config", "envs", ".ci", "profiles")
TEXT_FILES = ("README.md", "pyproject.toml", "Snakefile")
SELF = Path("tools/regroup.py")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def features_used_beyond_baselines(src: Path) -> list[str]:
    users = []
    for path in src.rglob("*.py"):
        rel = path.relative_to(src)
        if rel.parts[0] in ("baselines", "features.py") or rel.parts[-1] == "features.py":
            continue
        if re.search(r"sstbias\.features\b|from sstbias import [^\n]*\bfeatures\b", path.read_text()):
            users.append(str(rel))
    return users


def move(root: Path, src: Path) -> tuple[dict[str, str], list[Path]]:
    """git mv every module still at the top level; returns {module: package} of those now in a package."""
    users = features_used_beyond_baselines(src)
    if users and (src / "features.py").exists():
        print(f"features: kept at the top level (also imported by {', '.join(users)})")
        PACKAGE_OF.pop("features")
    done, moved_files = {}, []
    for module, package in PACKAGE_OF.items():
        old = src / f"{module}.py" if (src / f"{module}.py").exists() else src / module
        new = src / package / old.name
        new_alt = [src / package / f"{module}.py", src / package / module]
        if old.exists() and any(p.exists() for p in new_alt):
            print(f"{module}: both {old.relative_to(root)} and {package}/ hold it; left alone")
            continue
        if any(p.exists() for p in new_alt):
            print(f"{module}: already in {package}/")
            done[module] = package
            continue
        if not old.exists():
            print(f"{module}: not in this tree, skipped")
            continue
        init = src / package / "__init__.py"
        if not init.exists():
            init.parent.mkdir(exist_ok=True)
            init.write_text(f'"""{PACKAGES[package][1]}"""\n')
            git("add", str(init), cwd=root)
        git("mv", str(old), str(new), cwd=root)
        print(f"{module}: moved to {package}/")
        done[module] = package
        moved_files += [new] if new.is_file() else sorted(new.rglob("*.py"))
    return done, moved_files


def bump_parents(path: Path) -> None:
    """A moved module sits one folder deeper: Path(__file__)...parents[N] -> parents[N + 1]."""
    text = path.read_text()
    pattern = re.compile(r"(__file__\)(?:\.resolve\(\))?\.parents\[)(\d+)\]")
    new = pattern.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1}]", text)
    if re.search(r"__file__\)(?:\.resolve\(\))?\.parent\b", new):
        print(f"{path}: uses Path(__file__).parent; check its depth by hand")
    if new != text:
        path.write_text(new)


def split_import(match: re.Match, done: dict[str, str], unfixed: list[str]) -> str:
    indent, names, comment = match.group(1), match.group(2), match.group(3) or ""
    groups: dict[str, list[str]] = {}
    for name in (n.strip() for n in names.split(",")):
        groups.setdefault(done.get(name.split()[0], ""), []).append(name)
    if set(groups) == {""}:
        return match.group(0)
    lines = [
        f"{indent}from sstbias{'.' + package if package else ''} import {', '.join(items)}{comment}"
        for package, items in groups.items()
    ]
    return "\n".join(lines)


def rewrite_text(text: str, done: dict[str, str], unfixed: list[str]) -> str:
    if not done:
        return text
    alternatives = "|".join(sorted(done, key=len, reverse=True))
    # whole-line imports, possibly of several packages
    text = re.sub(
        r"(?m)^([ \t]*)from sstbias import ((?:\w+(?: as \w+)?)(?:, *\w+(?: as \w+)?)*)([ \t]*#[^\n]*)?$",
        lambda m: split_import(m, done, unfixed),
        text,
    )

    # inline `from sstbias import x` (strings, prose): one package only
    def inline(m: re.Match) -> str:
        names = [n.strip() for n in m.group(1).split(",")]
        packages = {done.get(n.split()[0], "") for n in names}
        if packages == {""}:
            return m.group(0)
        if len(packages) == 1:
            return f"from sstbias.{packages.pop()} import {m.group(1)}"
        unfixed.append(m.group(0))
        return m.group(0)

    text = re.sub(r"(?:(?<=\\n)|(?<![\w.]))from sstbias import (\w+(?:, *\w+)*)", inline, text)
    text = re.sub(
        rf"(?<![\w.])sstbias\.({alternatives})(?!\w)", lambda m: f"sstbias.{done[m.group(1)]}.{m.group(1)}", text
    )
    text = re.sub(
        rf"(?<![\w.-])sstbias/({alternatives})(?![\w-])", lambda m: f"sstbias/{done[m.group(1)]}/{m.group(1)}", text
    )
    return text


def wrap_long_lines(path: Path, limit: int = 120) -> None:
    """Docstring and comment lines the longer names pushed past ``limit``: split at the last space before it."""
    lines = path.read_text().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        indent = re.match(r"\s*", line).group(0)
        if len(line) > limit and " " in line[len(indent) + 1 : limit]:
            cut = line.rindex(" ", len(indent) + 1, limit)
            prefix = indent + ("# " if line.lstrip().startswith("#") else "")
            candidate = [*lines[:i], line[:cut], prefix + line[cut + 1 :], *lines[i + 1 :]]
            try:
                ast.parse("\n".join(candidate))
                lines = candidate
            except SyntaxError:
                pass
        i += 1
    path.write_text("\n".join(lines) + "\n")


def text_files(root: Path) -> list[Path]:
    listed = git("ls-files", "-z", "--", *TEXT_PLACES, *TEXT_FILES, cwd=root).split("\0")
    files = []
    for name in listed:
        path = root / name
        if name and Path(name) != SELF and path.is_file() and path.stat().st_size < 2_000_000:
            files.append(path)
    return files


def regroup_table(path: Path, done: dict[str, str]) -> None:
    """tests/test_layers.py: map old group names to packages, merging rows; merged groups sit above ground."""
    text = path.read_text()
    group = {**{m: p for m, p in done.items()}}
    text = re.sub(r'\((\d+), "(\w+)"\)', lambda m: f'({m.group(1)}, "{group.get(m.group(2), m.group(2))}")', text)
    tree = ast.parse(text)
    tables = {}
    for node in tree.body:
        named = isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
        if named and node.targets[0].id in ("GROUND", "ABOVE_GROUND"):
            tables[node.targets[0].id] = node
    if len(tables) < 2:
        print(f"{path}: GROUND / ABOVE_GROUND not found; regroup its table by hand")
        path.write_text(text)
        return
    lines = text.splitlines()
    values = {name: ast.literal_eval(node.value) for name, node in tables.items()}
    merged: dict[str, set[str]] = {}
    for table in ("GROUND", "ABOVE_GROUND"):
        for key, allowed in values[table].items():
            new_key = group.get(key, key)
            merged.setdefault(new_key, set()).update(group.get(a, a) for a in allowed)
    new_tables = {"GROUND": [], "ABOVE_GROUND": []}
    emitted = set()

    def row(key: str, indent: str, trailing: str) -> str:
        allowed = sorted(merged[key] - {key})
        inner = ", ".join(f'"{a}"' for a in allowed) + ("," if len(allowed) == 1 else "")
        return f'{indent}"{key}": ({inner}),{trailing}'

    for table in ("GROUND", "ABOVE_GROUND"):
        node = tables[table]
        body = lines[node.lineno : node.end_lineno - 1]
        keys = node.value.keys
        starts = {k.lineno - 1 - node.lineno: k for k in keys}
        i, pending_comments = 0, []
        while i < len(body):
            line = body[i]
            if i in starts:
                key_node = starts[i]
                value = node.value.values[keys.index(key_node)]
                end = value.end_lineno - 1 - node.lineno
                key = key_node.value
                new_key = group.get(key, key)
                trailing = ""
                last = body[end]
                if "#" in last[value.end_col_offset :]:
                    trailing = "  " + last[last.index("#", value.end_col_offset) :]
                indent = re.match(r"\s*", line).group(0)
                is_ground = table == "GROUND" and new_key == key
                target = new_tables["GROUND" if is_ground else "ABOVE_GROUND"]
                if new_key not in emitted and (table == "ABOVE_GROUND" or new_key == key):
                    target += pending_comments
                    if new_key != key:
                        target.append(f"{indent}# {new_key}/: {PACKAGES[new_key][1].split(':')[0].lower()}")
                        trailing = ""
                    target.append(row(new_key, indent, trailing))
                    emitted.add(new_key)
                pending_comments = []
                i = end + 1
                continue
            pending_comments.append(line)
            i += 1
        new_tables[table] += pending_comments
    for key in merged:
        if key not in emitted:
            new_tables["ABOVE_GROUND"].append(row(key, "    ", ""))
    # replace bottom-up
    for table in sorted(tables, key=lambda t: -tables[t].lineno):
        node = tables[table]
        lines[node.lineno : node.end_lineno - 1] = new_tables[table]
    path.write_text("\n".join(lines) + "\n")


PLACED = {"sstbias", "data", "neural", "baselines", "deep", "experiments", "twin", "evaluation", "stages", "__main__"}


def groups_of(layers: Path) -> tuple[list[str], list[str]]:
    """(ground-level groups, all groups) of tests/test_layers.py's table."""
    tree = ast.parse(layers.read_text())
    tables = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            tables[node.targets[0].id] = node.value
    ground = list(ast.literal_eval(tables["GROUND"]))
    return ground, ground + list(ast.literal_eval(tables["ABOVE_GROUND"]))


def write_layer_list(init: Path, ground: list[str], groups: list[str]) -> None:
    """The numbered layer list of sstbias/__init__.py's docstring, from the table."""
    text = init.read_text()
    start = text.find("1. ground level:")
    end = text.find('"""', start)
    if start < 0 or end < 0:
        print(f"{init}: no layer list found; update it by hand")
        return
    rest = [g for g in groups if g not in PLACED and g not in ground]
    top = sorted(rest, key=lambda g: (["config", "correct", "cli"] + rest).index(g))
    lines = [
        f"1. ground level: {', '.join(g for g in ground if g != 'sstbias')};",
        "2. data/: the raw products' readers and downloads, the daily forecast, regridding, alignment, split,",
        "   normalisation, the tree correctors' features;",
        "3. the models: neural (a leaf: nothing of sstbias), baselines and deep (deep builds neural's networks from",
        "   plain values); experiments/: the catalogue and the schema generated from it (the catalogue imports only",
        "   the torch-free settings), run names, paths, the ablation; the twin (never config);",
        "4. evaluation/: metrics, uncertainty, tables, figures, the budget curve, the results document;",
        f"5. {', '.join(top)};",
        "6. stages, the workflow's steps: they may import anything above, and nothing imports them.",
    ]
    init.write_text(text[:start] + "\n".join(lines) + "\n" + text[end:])


LAYOUT_START = "<!-- layout: start (written by tools/regroup.py) -->"
LAYOUT_END = "<!-- layout: end -->"
OWNS = {
    "data": "the raw products: readers (`io`), downloads (`download`), user files, daily reduction, the forecast's "
    "preparation, regridding, alignment, split, normalisation, the tree correctors' features",
    "experiments": "what runs: the model catalogue (`catalog.SPECS`), the generated schema parts (`schema`), run "
    "names (`runs`), the workflow's paths (`paths`), the ablation's steps and table (`ablation`)",
    "evaluation": "what is reported: metrics, their uncertainty, tables, figures, the budget curve, docs/results.md "
    "(`results_doc`)",
    "baselines": "the baseline correctors, their settings and registry",
    "deep": "training and prediction of the deep correctors, their settings, model folders",
    "neural": "the networks, cells and blocks (a leaf: plain arguments only)",
    "twin": "the embedded twin dataset (synthetic HYCOM and OISST files)",
    "testing": "test-only helpers (the twin's server and writers)",
    "stages": "the workflow's file-to-file steps (nothing imports them)",
}


def write_layout(design: Path, ground: list[str], groups: list[str]) -> None:
    """docs/design.md: the "Where each fact lives" table, package -> what it owns, between markers."""
    rows = ["| package | owns |", "|---|---|"]
    rows.append(
        f"| ground level: {', '.join(f'`{g}`' for g in ground if g != 'sstbias')} | errors, logging, "
        "settings fields, periods, atomic writes, boxes, grids, netCDF, plausibility, provenance |"
    )
    for group in ("data", "experiments", "evaluation", "baselines", "deep", "neural", "twin", "testing", "stages"):
        if group in groups:
            rows.append(f"| `sstbias.{group}` | {OWNS[group]} |")
    rest = [g for g in groups if g not in PLACED and g not in ground and g not in OWNS]
    rows.append(
        f"| {', '.join(f'`{g}`' for g in rest)} | the config check, the standalone corrector, its command line |"
    )
    block = "\n".join([LAYOUT_START, "### Where each fact lives", "", *rows, LAYOUT_END])
    text = design.read_text()
    if LAYOUT_START in text:
        head, _, tail = text.partition(LAYOUT_START)
        text = head + block + tail.partition(LAYOUT_END)[2]
    elif "### Worked example" in text:
        text = text.replace("### Worked example", block + "\n\n### Worked example", 1)
    else:
        text += "\n" + block + "\n"
    design.write_text(text)


def main() -> int:
    root = Path(git("rev-parse", "--show-toplevel", cwd=Path.cwd()).strip())
    src = root / "src" / "sstbias"
    done, moved_files = move(root, src)
    for path in moved_files:
        bump_parents(path)
    unfixed: list[str] = []
    changed = []
    for path in text_files(root):
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        new = rewrite_text(text, done, unfixed)
        if new != text:
            path.write_text(new)
            changed.append(path)
    layers = root / "tests" / "test_layers.py"
    if layers.exists():
        regroup_table(layers, done)
    if layers.exists():
        ground, groups = groups_of(layers)
        write_layer_list(src / "__init__.py", ground, groups)
        if (root / "docs" / "design.md").exists():
            write_layout(root / "docs" / "design.md", ground, groups)
    python = [str(p) for p in changed if p.suffix == ".py"] + [str(layers)]
    subprocess.run(["ruff", "format", "-q", *python], cwd=root, check=False)
    for name in python:
        wrap_long_lines(Path(name))
    subprocess.run(["ruff", "check", "--fix", "--select", "I", "-q", *python], cwd=root, check=False)
    subprocess.run(["ruff", "format", "-q", *python], cwd=root, check=False)
    for path in unfixed:
        print(f"could not split: {path}")
    if done:
        alternatives = "|".join(done)
        left = subprocess.run(
            [
                "git",
                "grep",
                "-nE",
                rf"(^|[^.[:alnum:]_])sstbias[./]({alternatives})([^[:alnum:]_]|$)",
                "--",
                ".",
                f":!{SELF}",
            ],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout
        if left:
            print("old references left:\n" + left)
    return 0


if __name__ == "__main__":
    sys.exit(main())
