"""Every script of benchmarks/ runs, with the arguments docs/recorded_results.md documents, at a tiny size
(``--smoke``).

The scripts run side by side as subprocesses (so the wait is that of the slowest); their figures at this size mean
nothing and are not checked, only that each finishes and prints its summary without a traceback. A script added to
benchmarks/ without a case here fails ``test_every_benchmark_is_smoke_tested``.
"""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from workflow_runs import REPO

pytestmark = pytest.mark.integration

BENCHMARKS = REPO / "benchmarks"


def smoke_model(folder: Path) -> Path:
    """A ConvGRU-SA folder trained by benchmarks/correct.py's builder at the smoke size (for its ``--model``)."""
    spec = importlib.util.spec_from_file_location("benchmark_correct_smoke", BENCHMARKS / "correct.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass resolves annotations through sys.modules
    spec.loader.exec_module(module)
    setup = module.make_setup(smoke=True)
    setup = type(setup)(folder, setup.config, setup.iterations)
    return module.build_model_folder(setup, threads=1)


# name -> (the arguments docs/recorded_results.md documents, given a temporary folder; a line of the printed summary)
CASES = {
    "workflow_run.py": (lambda tmp: ["--keep", str(tmp / "run2")], "no-op dry run afterwards"),
    "deep_models.py": (lambda tmp: [], "ConvGRU-SA training step, SDPA vs reference attention"),
    "deep_models.py --speed": (lambda tmp: ["--speed", "--rounds", "1"], "convgru_sa: after / before samples/s"),
    "deep_models.py --paper": (lambda tmp: ["--paper"], "config/paper.yaml's networks"),
    "deep_models.py --grid-sizes": (
        lambda tmp: ["--grid-sizes", "51", "76", "101", "--pools", "2", "auto"],
        "pool auto: ",
    ),
    "twin.py": (lambda tmp: [], "target: a month of realistic"),
    "twin.py --runs": (lambda tmp: ["--runs"], "month of runs / month of synthesis"),
    "download.py": (lambda tmp: [], "One download against the payload size"),
    "correct.py": (lambda tmp: [], "start-up (process start -> ready)"),
    "correct.py --model": (lambda tmp: ["--model", str(smoke_model(tmp / "model"))], "start-up (process start"),
    "correct.py --runs": (lambda tmp: ["--runs"], "[min - max]"),
}


def test_every_benchmark_is_smoke_tested():
    scripts = {path.name for path in BENCHMARKS.glob("*.py")}
    assert scripts <= {name.split()[0] for name in CASES}, scripts


def test_benchmarks_run_at_a_tiny_size(tmp_path):
    started = {}
    for index, (name, (arguments, expected)) in enumerate(CASES.items()):
        command = [sys.executable, str(BENCHMARKS / name.split()[0]), *arguments(tmp_path), "--smoke"]
        out, err = tmp_path / f"{index}.out", tmp_path / f"{index}.err"
        with out.open("w") as stdout, err.open("w") as stderr:  # files: no pipe fills while another is awaited
            process = subprocess.Popen(command, cwd=REPO, stdout=stdout, stderr=stderr, text=True)
        started[name] = (process, expected, out, err)
    failures = []
    for name, (process, expected, out, err) in started.items():
        process.wait(timeout=900)
        printed, errors = out.read_text(), err.read_text()
        if process.returncode != 0 or expected not in printed or "Traceback (most recent call last)" in errors:
            failures.append(f"{name}: exit {process.returncode}\n{printed[-1500:]}\n{errors[-3000:]}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.skipif(shutil.which("nvidia-smi", path="/usr/bin:/bin") is not None, reason="a machine with nvidia-smi")
def test_gpu_check_without_cuda_exits_with_one_line(tmp_path):
    """benchmarks/gpu_check.sh on a machine without an NVIDIA GPU (no nvidia-smi on PATH): a non-zero exit and one
    line saying so, before anything is installed. (``--cpu`` runs its other steps on the CPU: see its header.)"""
    env = {"PATH": "/usr/bin:/bin", "OUT": str(tmp_path / "out"), "HOME": str(tmp_path)}
    run = subprocess.run(["bash", str(BENCHMARKS / "gpu_check.sh")], env=env, capture_output=True, text=True)
    assert run.returncode == 3 and run.stdout == ""
    assert run.stderr.splitlines() == [
        "gpu_check: no CUDA GPU here (nvidia-smi missing or failing); --cpu checks the other steps"
    ]
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["nvidia-smi.txt"]
