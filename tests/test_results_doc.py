"""docs/results.md's generator (sstbias.evaluation.results_doc) on fake results folders."""

import json
import subprocess
from pathlib import Path

import pytest

from sstbias.evaluation import results_doc

REPO = Path(__file__).resolve().parents[1]
METRICS = "| Model | RMSE (°C) |\n|---|---:|\n| Uncorrected forecast | 0.52 |\n"


def fake_checkout(root: Path) -> Path:
    """A checkout with the two config files the benchmarks name (only the keys that name the folders)."""
    (root / "config").mkdir(parents=True)
    (root / "config" / "config.yaml").write_text("dataset: twin\nresults_root: results\n")
    (root / "config" / "multiyear.yaml").write_text("dataset: multiyear\nresults_root: results\n")
    (root / "config" / "leads.yaml").write_text("dataset: twin_leads\nresults_root: results\n")
    (root / "config" / "validation_blocks.yaml").write_text("dataset: multiyear_blocks\n")
    (root / "config" / "per_lead.yaml").write_text("dataset: twin_leads_per_lead\n")
    return root


def write_tables(tables: Path, names: dict[str, str], commit: str | None, rule: str = "tables") -> None:
    tables.mkdir(parents=True, exist_ok=True)
    for name, text in names.items():
        (tables / name).write_text(text)
    if commit is not None:
        first = Path(sorted(names)[0]).stem
        record = {"commit": commit, "rule": rule, "tables": sorted(names)}
        (tables / f"{first}{results_doc.SUFFIX}").write_text(json.dumps(record))


def test_tables_are_copied_verbatim_with_their_commit_and_missing_runs_listed(tmp_path):
    root = fake_checkout(tmp_path)
    twin = root / "results" / "twin" / "tables"
    write_tables(twin, {"metrics.md": METRICS, "skill.md": "| a |\n|---|\n| 1 |\n"}, "abc1234")
    write_tables(twin, {"error_budget.md": "| budget |\n|---|\n| 0.5 |\n"}, None)  # made before provenance files
    write_tables(twin, {"ablation.md": "**Ablation**\n\n| step |\n|---|\n| before |\n"}, "def5678-dirty", "ablation")
    (twin / "metrics.csv").write_text("model,rmse\nraw,0.52\n")  # CSV files are not copied

    block = results_doc.render_results(root)

    assert METRICS.rstrip("\n") in block and "| before |" in block and "| 0.5 |" in block
    assert "`metrics.md`, commit: `abc1234` (rule `tables`)" in block
    assert "`skill.md`, commit: `abc1234` (rule `tables`)" in block
    assert "`ablation.md`, commit: `def5678-dirty` (rule `ablation`)" in block
    assert "`error_budget.md`, commit: not recorded" in block
    assert "raw,0.52" not in block
    # the ablation table belongs to the ablation's section, not to the default run's
    default, ablation = block.split("### Ablation of the deep models")[0], block.split("### Budget curve")[0]
    assert "| before |" not in default and "| before |" in ablation
    for command in (
        "snakemake budget --cores all",
        "snakemake --configfile config/multiyear.yaml --cores all",
        f"snakemake --cores all {results_doc.BIAS_COMMAND}",
        f"snakemake ablation --cores all {results_doc.BIAS_COMMAND}",
    ):
        assert f"not run yet: `{command}`" in block
    assert "not run yet: `snakemake --cores all`" not in block
    assert "`results/twin_bias_dominated/tables/`" in block and "`results/multiyear/tables/`" in block


def test_lead_tables_follow_the_tables_across_leads_in_lead_order(tmp_path):
    root = fake_checkout(tmp_path)
    folder = root / "results" / "twin_leads"
    write_tables(folder / "tables", {"by_lead.md": "| lead |\n|---|\n| 0 |\n"}, "aaa1111", "by_lead_table")
    for lead in (0, 2, 10):
        write_tables(folder / f"lead_{lead}" / "tables", {"metrics.md": f"| lead {lead} |\n|---|\n"}, f"c{lead}")
    write_tables(folder / "lead_2" / "tables", {"monthly_rmse.md": "| monthly |\n|---|\n"}, "c2")  # not listed

    section = results_doc.render_results(root).split("### Forecast lead times")[1]

    assert "not run yet" not in section and "| monthly |" not in section
    assert "`by_lead.md`, commit: `aaa1111` (rule `by_lead_table`)" in section
    assert "`lead_2/tables/metrics.md`, commit: `c2` (rule `tables`)" in section
    order = [section.index(f"| lead {lead} |") for lead in (0, 2, 10)]
    assert section.index("| 0 |") < order[0] and order == sorted(order)


def test_tables_made_elsewhere_are_kept_until_this_machine_has_them(tmp_path):
    root = fake_checkout(tmp_path)
    write_tables(root / "results" / "multiyear" / "tables", {"metrics.md": METRICS}, "0123abc")
    doc = root / "results.md"
    doc.write_text(f"head\n{results_doc.START}\n{results_doc.END}\n")
    results_doc.main(["--document", str(doc), "--root", str(root)])
    other = fake_checkout(tmp_path / "other")  # another machine: only the default run's tables
    write_tables(other / "results" / "twin" / "tables", {"metrics.md": "| twin |\n|---|\n"}, "4567def")

    results_doc.main(["--document", str(doc), "--root", str(other)])

    text = doc.read_text()
    multiyear = text.split("### Multi-year benchmark")[1].split("###")[0]
    assert "`metrics.md`, commit: `0123abc`" in multiyear and "| Uncorrected forecast | 0.52 |" in multiyear
    assert "| twin |" in text.split("### Default run")[1].split("###")[0]
    assert "not run yet: `snakemake budget --cores all`" in text  # never run anywhere: still listed
    results_doc.main(["--document", str(doc), "--root", str(other)])
    assert doc.read_text() == text  # idempotent


def test_render_into_replaces_only_the_marked_block(tmp_path):
    doc = tmp_path / "results.md"
    doc.write_text(f"# Results\nintro\n{results_doc.START}\nold\n{results_doc.END}\nafter\n")
    results_doc.render_into(doc, "### new\n\ntable\n")
    text = doc.read_text()
    assert text.startswith("# Results\nintro\n") and text.endswith(f"{results_doc.END}\nafter\n")
    assert "old" not in text and "### new\n\ntable\n" in text
    results_doc.render_into(doc, "### new\n\ntable\n")
    assert doc.read_text() == text  # idempotent
    doc.write_text("no markers")
    with pytest.raises(ValueError, match="no results markers"):
        results_doc.render_into(doc, "x")


def test_main_writes_the_document_from_the_root(tmp_path):
    root = fake_checkout(tmp_path)
    write_tables(root / "results" / "multiyear" / "tables", {"metrics.md": METRICS}, "0123abc")
    doc = root / "results.md"
    doc.write_text(f"head\n{results_doc.START}\n{results_doc.END}\n")
    results_doc.main(["--document", str(doc), "--root", str(root)])
    text = doc.read_text()
    assert "not run yet: `snakemake --cores all`" in text
    multiyear = text.split("### Multi-year benchmark")[1].split("###")[0]
    assert "`metrics.md`, commit: `0123abc`" in multiyear and "| Uncorrected forecast | 0.52 |" in multiyear


def test_write_provenance_records_the_commit_or_unknown(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    path = tmp_path / "metrics.provenance.json"
    results_doc.write_provenance(path, [tmp_path / "metrics.md", tmp_path / "skill.md"], "tables", outside)
    assert json.loads(path.read_text()) == {"commit": "unknown", "rule": "tables", "tables": ["metrics.md", "skill.md"]}

    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    (repo / "f").write_text("1")
    subprocess.run([*git, "add", "f"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "one"], check=True)
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    assert results_doc.describe_commit(repo) == head
    (repo / "f").write_text("2")
    assert results_doc.describe_commit(repo) == f"{head}-dirty"


def test_a_copy_outside_git_records_the_commit_it_was_copied_from(tmp_path, monkeypatch):
    monkeypatch.delenv(results_doc.SOURCE_COMMIT_VARIABLE, raising=False)
    assert results_doc.describe_commit(tmp_path) == results_doc.UNKNOWN
    monkeypatch.setenv(results_doc.SOURCE_COMMIT_VARIABLE, "abc1234")
    assert results_doc.describe_commit(tmp_path) == "abc1234"


def test_a_missing_document_is_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        results_doc.main(["--document", str(tmp_path / "absent.md"), "--root", str(tmp_path)])
    assert str(exit_.value).startswith(f"{tmp_path / 'absent.md'}: no such document")


def test_provenance_path_sits_beside_the_table():
    assert results_doc.provenance_path("results/twin/tables/grid_{grid}_{model}.md") == (
        "results/twin/tables/grid_{grid}_{model}.provenance.json"
    )
    with pytest.raises(ValueError):
        results_doc.provenance_path("tables/metrics.csv")


def test_results_document_has_the_markers():
    text = (REPO / "docs" / "results.md").read_text()
    assert text.count(results_doc.START) == 1 and text.count(results_doc.END) == 1
