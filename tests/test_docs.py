"""The README stays short, and every relative link of the README and docs/ resolves."""

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = ["README.md", *sorted(path.relative_to(REPO).as_posix() for path in (REPO / "docs").glob("*.md"))]


def test_readme_is_short():
    lines = (REPO / "README.md").read_text().splitlines()
    assert len(lines) <= 200, len(lines)


LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_relative_links_resolve(document):
    """Every relative link of the README and docs/ names an existing file, and its #anchor a heading there."""
    source = REPO / document
    broken = []
    for target in LINK.findall(source.read_text()):
        if re.match(r"[a-z]+://|mailto:", target):
            continue
        path, _, anchor = target.partition("#")
        file = (source.parent / path).resolve() if path else source
        missing = not file.exists()
        if missing or (anchor and file.suffix == ".md" and anchor not in anchors(file)):
            broken.append(target)
    assert not broken, broken


def anchors(markdown: Path) -> set[str]:
    """GitHub's anchors of the headings of ``markdown``: lower case, punctuation dropped, spaces to hyphens."""
    found = set()
    for line in markdown.read_text().splitlines():
        heading = re.match(r"#+\s+(.*)", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
            found.add(slug)
    return found
