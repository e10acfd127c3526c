"""Each rule's conda environment lists every third-party package its script imports (also through sstbias),
and the conda environments stay consistent with pyproject.toml."""

import ast
import re
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"

# import name -> conda/PyPI package name, where they differ
PACKAGE_OF = {
    "netCDF4": "netcdf4",
    "sklearn": "scikit-learn",
    "yaml": "pyyaml",
    "xarray_regrid": "xarray-regrid",
    "torch": "pytorch",
    "arch": "arch-py",
}
# conda-forge name -> PyPI name, where they differ
PYPI_NAME = {"pytorch": "torch", "arch-py": "arch"}
# provided by a package that is listed (dependencies of the listed ones, not imported on their own)
NOT_PACKAGES = {"sstbias", "snakemake"}
CONDA_ONLY = {"python", "esmpy", "xesmf"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_file(name: str) -> Path | None:
    parts = name.split(".")
    candidate = SRC.joinpath(*parts)
    for path in (candidate.with_suffix(".py"), candidate / "__init__.py"):
        if path.exists():
            return path
    return None


def third_party_imports(script: Path) -> set[str]:
    """Top-level third-party modules imported by ``script`` directly or through sstbias modules."""
    seen_files, found = set(), set()
    pending = [script]
    while pending:
        path = pending.pop()
        if path in seen_files:
            continue
        seen_files.add(path)
        for name in imported_modules(path):
            top = name.split(".")[0]
            if top == "sstbias":
                target = module_file(name)
                if target is not None:
                    pending.append(target)
                    # a package's __init__ is executed on import of any submodule
                    parent = module_file(name.rsplit(".", 1)[0]) if "." in name else None
                    if parent is not None:
                        pending.append(parent)
            elif top not in sys.stdlib_module_names and top not in NOT_PACKAGES:
                found.add(PACKAGE_OF.get(top, top))
    return found


def env_packages(env_file: Path) -> set[str]:
    deps = yaml.safe_load(env_file.read_text())["dependencies"]
    return {re.split(r"[=<>! ]", dep)[0].lower() for dep in deps if isinstance(dep, str)}


def rules_with_script_and_env() -> list[tuple[str, Path, Path]]:
    found = []
    for smk in sorted((REPO / "workflow" / "rules").glob("*.smk")):
        for block in re.split(r"^rule ", smk.read_text(), flags=re.M)[1:]:
            name = block.split(":")[0]
            env = re.search(r'conda:\s*\n\s*"([^"]+)"', block)
            script = re.search(r'script:\s*\n\s*"([^"]+)"', block)
            if script:
                assert env, f"rule {name} in {smk.name} has a script but no conda env"
                found.append((name, (smk.parent / env.group(1)).resolve(), (smk.parent / script.group(1)).resolve()))
    return found


RULES = rules_with_script_and_env()


@pytest.mark.parametrize(("rule", "env", "script"), RULES, ids=[r[0] for r in RULES])
def test_rule_env_lists_script_imports(rule, env, script):
    missing = third_party_imports(script) - env_packages(env)
    assert not missing, f"rule {rule}: {env.name} lacks {sorted(missing)} imported by {script.name}"


def test_conda_envs_match_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    pip_names = {re.split(r"[=<>!\[ ]", dep)[0].lower() for dep in listed}
    for env in (REPO / "envs").glob("*.yaml"):
        extra = {PYPI_NAME.get(name, name) for name in env_packages(env)} - pip_names - CONDA_ONLY
        assert not extra, f"{env.name} lists {sorted(extra)} that pyproject.toml does not"
