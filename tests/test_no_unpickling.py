"""No load path of sstbias unpickles a file: the library and the workflow never call a loader that can run code
carried by the data (a model folder, a results folder or a dropped-in file from someone else)."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    [*(REPO / "src").rglob("*.py"), *(REPO / "workflow").rglob("*.py"), *(REPO / "workflow").rglob("*.smk")]
)
# Calls that construct objects named by the bytes they read (pickle and its wrappers), or that decode jsonpickle.
FORBIDDEN = re.compile(
    r"\b(pickle\.loads?|cPickle|cloudpickle|dill\.loads?|joblib\.load|read_pickle|shelve\.open|marshal\.loads?"
    r"|jsonpickle\.decode|import jsonpickle|from_dataset|allow_pickle\s*=\s*True|weights_only\s*=\s*False)\b"
)


def torch_load_calls(text: str) -> list[str]:
    """The text of each ``torch.load(...)`` call in ``text``, up to its closing parenthesis."""
    calls = []
    for start in (match.end() for match in re.finditer(r"torch\.load\(", text)):
        depth, end = 1, start
        while depth and end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        calls.append(text[start - len("torch.load(") : end])
    return calls


def test_the_sources_are_found():
    assert len(SOURCES) > 50 and any(path.name == "checkpoints.py" for path in SOURCES)


def test_no_source_calls_an_unpickling_loader():
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if FORBIDDEN.search(line) and not line.lstrip().startswith("#")
    ]
    assert not found, found


def test_every_torch_load_is_weights_only():
    calls = [(path, call) for path in SOURCES for call in torch_load_calls(path.read_text())]
    assert calls, "no torch.load found: the pattern is stale"
    unsafe = [f"{path.relative_to(REPO)}: {call}" for path, call in calls if "weights_only=True" not in call]
    assert not unsafe, unsafe
