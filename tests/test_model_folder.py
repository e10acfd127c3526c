"""The names of a deep model folder's files (sstbias.deep.folder): the trainer, the loader and the workflow's paths."""

from pathlib import Path

from sstbias.deep.folder import CHECKPOINT_GLOB, ModelFolder, iteration_of, sidecar


def test_files_of_a_folder():
    folder = ModelFolder("models/convgru/seed_0")
    names = {
        "description": "model_config.json",
        "best": "best.pt",
        "last": "last.pt",
        "training_log": "training_log.csv",
        "climatology": "climatology.nc",
        "checkpoints": "checkpoints",
        "weights": "weights",
    }
    for attribute, name in names.items():
        assert getattr(folder, attribute) == Path("models/convgru/seed_0", name)
    assert folder.checkpoint(200) == Path("models/convgru/seed_0/checkpoints/iter_000200.pt")
    assert folder.exported_weights(200) == Path("models/convgru/seed_0/weights/iter_000200.pt")
    assert folder.selected_weights(1200) == Path("models/convgru/seed_0/weights/best_001200.pt")


def test_wildcards_are_kept():
    """A workflow path: the folder and the iteration are wildcards, filled in by Snakemake."""
    folder = ModelFolder("models/{run}")
    assert str(folder.exported_weights("{it}")) == "models/{run}/weights/iter_{it}.pt"
    assert str(folder.selected_weights("{it}")) == "models/{run}/weights/best_{it}.pt"


def test_iteration_files_read_back(tmp_path):
    folder = ModelFolder(tmp_path)
    for path in (folder.checkpoint(400), folder.exported_weights(400)):
        assert iteration_of(path) == 400
        assert path.match(CHECKPOINT_GLOB)
    assert not folder.selected_weights(400).match(CHECKPOINT_GLOB)  # never taken for a resumable state
    assert sidecar(folder.best) == tmp_path / "best.pt.sha256"
