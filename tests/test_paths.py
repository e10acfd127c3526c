"""The workflow's files by name (sstbias.experiments.paths): below the results folder, distinct, a deep run's in its
ModelFolder."""

from pathlib import Path

from sstbias.deep.folder import ModelFolder
from sstbias.experiments.paths import result_paths


def test_every_path_is_below_the_results_folder_and_distinct():
    paths = result_paths("results/twin")
    assert all(Path(path).is_relative_to("results/twin") for path in paths.values())
    assert len(set(paths.values())) == len(paths)


def test_a_deep_run_files_are_those_of_its_model_folder():
    paths = result_paths("results/twin")
    folder = ModelFolder("results/twin/models/convgru/seed_0")
    run = {"run": "convgru/seed_0", "it": "000200"}
    assert paths["deep_best"].format(**run) == str(folder.best)
    assert paths["deep_log"].format(**run) == str(folder.training_log)
    assert paths["deep_config"].format(**run) == str(folder.description)
    assert paths["deep_weights"].format(**run) == str(folder.exported_weights(200))
    assert paths["deep_selected_weights"].format(**run) == str(folder.selected_weights(200))


def test_with_leads_the_forecast_files_lie_below_their_lead():
    plain, by_lead = result_paths("results/twin"), result_paths("results/twin", by_lead=True)
    assert by_lead.keys() == plain.keys()
    assert by_lead["aligned"] == "results/twin/lead_{lead}/interim/aligned.nc"
    assert by_lead["deep_best"].startswith("results/twin/lead_{lead}/models/{run}/")
    for name in ("raw_hycom", "raw_hycom_runs", "raw_oisst", "settings", "by_lead_csv", "by_lead_figure"):
        assert by_lead[name] == plain[name]
    assert len(set(by_lead.values())) == len(by_lead)
