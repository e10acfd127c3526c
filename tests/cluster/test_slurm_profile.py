"""The tiny workflow (its default target and its grids) through ``--profile profiles/slurm`` on a real SLURM
cluster (one node on localhost).

Every job must reach SLURM through sbatch (sacct lists it), the profile's resources must arrive in SLURM's records,
and the results must equal a local run's (deep models are deterministic on the CPU for a fixed seed and thread
count; inside a job Snakemake caps threads at the node's real cores, as many as the local run uses). To bound the
time the cluster run takes, it runs the tiny config with its first seed only; every run it makes must equal the same
run of the local reference (which has two seeds). During the run
SLURM sends SIGTERM to the ConvGRU-SA training, as it does at a job's time limit: the job fails after writing a
checkpoint, Snakemake resubmits it (the profile's retries) and the new job resumes; the results still equal the
uninterrupted local run's. With SSTBIAS_CLUSTER_TIME_LIMIT=1 a training also runs into a real 1-minute time limit
(about 3 minutes more).
"""

import json
import os
import re
import subprocess
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import yaml
from workflow_runs import (
    TINY_TARGETS,
    copy_workflow,
    planned_jobs,
    snakemake,
    start_snakemake,
    stop_snakemake,
    time_limit,
)

pytestmark = [pytest.mark.cluster, pytest.mark.integration]

TRAINING_RULES = {"train_deep", "train_iteration_grid"}
SACCT_FIELDS = ["JobID", "Comment", "Partition", "Account", "State", "Timelimit", "AllocTRES"]
# First status poll 1 s after a submission instead of the profile's 40 s (a single-node test cluster starts jobs at
# once); the plugin adds 10 s after each poll that finds no finished job and comes back to 1 s after one that does.
FAST_POLLING = ("--slurm-init-seconds-before-status-checks", "1")
CONFIG = "cluster.yaml"  # the tiny config with one seed


def write_cluster_config(workdir: Path) -> None:
    """``cluster.yaml``: ``tiny.yaml`` with only its first seed."""
    config = yaml.safe_load((workdir / "tiny.yaml").read_text())
    config["seeds"] = config["seeds"][:1]
    (workdir / CONFIG).write_text(yaml.safe_dump(config))


def run_id(output: str) -> str:
    """The plugin's id of a Snakemake run: every job it submits carries it as its SLURM job name."""
    found = re.search(r"SLURM run ID: (\S+)", output)
    assert found, output[-3000:]
    return found.group(1)


def sacct_jobs(env: dict[str, str], name: str) -> pd.DataFrame:
    """SLURM's accounting records (one row per job, no steps) of the jobs named ``name``."""
    listing = subprocess.run(
        ["sacct", "-X", "-P", "-n", "--starttime=2020-01-01", f"--name={name}", "-o", ",".join(SACCT_FIELDS)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    rows = [line.split("|") for line in listing.splitlines() if line]
    return pd.DataFrame(rows, columns=SACCT_FIELDS)


def rule_of(comment: str) -> str:
    """The rule of a job from the comment the plugin gives it: rule_<rule>[_wildcards_<values>]."""
    found = re.fullmatch(r"rule_(\w+?)(?:_wildcards_.*)?", comment)
    assert found, comment
    return found.group(1)


def squeue_job(env: dict[str, str], comment: str) -> str | None:
    """The id of the running job whose comment is ``comment``, if any."""
    listing = subprocess.run(
        ["squeue", "-h", "-t", "running", "-o", "%i|%k"], env=env, capture_output=True, text=True, check=True
    ).stdout
    return next((job for job, note in (line.split("|", 1) for line in listing.splitlines()) if note == comment), None)


def training_comment(run: str) -> str:
    """The comment the plugin gives the train_deep job of ``run`` (its wildcard, slashes made underscores)."""
    return f"rule_train_deep_wildcards_{run.replace('/', '_')}"


def stop_training_with_sigterm(workdir: Path, env: dict[str, str], run: str, snakemake_run) -> str:
    """When ``run``'s training is half done (its checkpoint at iteration 10 of 20 appears), have SLURM send SIGTERM
    to the job's step, as it does at the time limit; returns the job id."""
    halfway = workdir / "results" / "twin" / "models" / run / "checkpoints" / "iter_000010.pt"
    deadline = time.monotonic() + time_limit(1200)
    while not halfway.exists():
        assert snakemake_run.poll() is None and time.monotonic() < deadline, "the training never got half way"
        time.sleep(0.1)
    job = squeue_job(env, training_comment(run))
    assert job, "the training job is not running"
    subprocess.run(["scancel", "--signal=TERM", job], env=env, check=True)
    return job


@pytest.fixture(scope="module")
def slurm_run(slurm_env: dict[str, str], tmp_path_factory, request) -> tuple[Path, str, dict[str, str], str]:
    """The tiny workflow through profiles/slurm, ConvGRU-SA's training stopped once by SIGTERM.

    The local reference run (a session fixture the other workflow tests share) runs meanwhile: it fills the time
    the cluster run spends waiting for SLURM. Returns the working copy, Snakemake's output, the environment and the
    id of the stopped job.
    """
    workdir = copy_workflow(tmp_path_factory.mktemp("slurm") / "repo")
    write_cluster_config(workdir)
    # One torch thread per training, as the local reference's trainings have (threads change ConvGRU-SA's numbers)
    env = {
        **slurm_env,
        "SSTBIAS_SLURM_ACCOUNT": "sstbias",
        "SSTBIAS_SLURM_GPU_PARTITION": "gpu",
        "SSTBIAS_SLURM_TRAIN_CPUS": "1",
    }
    output = workdir / "snakemake.out"
    run = start_snakemake(
        workdir,
        "--profile",
        "profiles/slurm",
        "--configfile",
        CONFIG,
        *FAST_POLLING,
        "--",
        *TINY_TARGETS,
        output=output,
        env=env,
    )
    stopper = ThreadPoolExecutor(max_workers=1)
    try:
        stopped = stopper.submit(stop_training_with_sigterm, workdir, env, "convgru_sa/seed_0", run)
        request.getfixturevalue("tiny_local_run")
        stopped = stopped.result(timeout=time_limit(1500))
        try:
            run.wait(timeout=time_limit(1500))
        except subprocess.TimeoutExpired as err:
            raise AssertionError(
                f"the cluster run (snakemake --profile profiles/slurm) still running after {time_limit(1500)} s; "
                "on a loaded machine set SSTBIAS_TEST_TIME_SCALE"
            ) from err
    finally:
        stop_snakemake(run)  # whatever failed: no Snakemake is left waiting on the cluster
        stopper.shutdown(wait=False, cancel_futures=True)
    assert run.returncode == 0, output.read_text()[-6000:]
    return workdir, output.read_text(), env, stopped


def test_every_job_went_through_sbatch(slurm_run):
    workdir, output, env, stopped = slurm_run
    jobs = sacct_jobs(env, run_id(output))
    assert jobs.loc[jobs["State"] != "COMPLETED", "JobID"].tolist() == [stopped]
    completed = jobs[jobs["State"] == "COMPLETED"]
    planned = planned_jobs(output)
    for target in TINY_TARGETS:
        planned.pop(target)  # target rules run no code
    planned.pop("data_settings", None)  # a local rule: it writes a settings file in the main process
    assert sum(planned.values()) >= 40
    assert Counter(completed["Comment"].map(rule_of)) == Counter(planned)
    # and each rule's log was written inside one of those SLURM jobs
    logs = [
        log
        for log in (workdir / "results" / "twin" / "logs").rglob("*.log")
        if log.parent.name != "data_settings"  # a local rule's, written in the main process
    ]
    assert len(logs) == sum(planned.values())
    for log in logs:
        found = re.search(r"SLURM job (\d+) on ", log.read_text())
        assert found and found.group(1) in set(jobs["JobID"]), log


def test_profile_resources_reach_slurm(slurm_run):
    _, output, env, stopped = slurm_run
    jobs = sacct_jobs(env, run_id(output))
    jobs = jobs[jobs["JobID"] != stopped]
    assert (jobs["Account"] == "sstbias").all()  # $SSTBIAS_SLURM_ACCOUNT
    training = jobs[jobs["Comment"].map(rule_of).isin(TRAINING_RULES)]
    assert len(training) == 6
    assert (training["Partition"] == "gpu").all()  # $SSTBIAS_SLURM_GPU_PARTITION
    assert (training["Timelimit"] == "12:00:00").all()
    for tres in training["AllocTRES"]:
        assert {"cpu=1", "gres/gpu=1", "mem=8000M"} <= set(tres.split(",")), tres
    others = jobs.drop(training.index)
    assert (others["Partition"] == "main").all()  # the cluster's default partition
    assert not others["AllocTRES"].str.contains("gres/gpu").any()


def test_stopped_training_resumed_in_the_next_attempt(slurm_run):
    workdir, output, env, stopped = slurm_run
    jobs = sacct_jobs(env, run_id(output)).set_index("JobID")
    comment = training_comment("convgru_sa/seed_0")
    assert jobs.loc[stopped, ["Comment", "State"]].tolist() == [comment, "FAILED"]
    retry = jobs[(jobs["Comment"] == comment) & (jobs["State"] == "COMPLETED")]
    assert len(retry) == 1 and int(retry.index[0]) > int(stopped)
    slurm_log = next((workdir / ".snakemake" / "slurm_logs" / "rule_train_deep").rglob(f"{stopped}.log"))
    found = re.search(r"TrainingInterrupted: SIGTERM at iteration (\d+) of 20", slurm_log.read_text())
    assert found and 10 <= int(found.group(1)) <= 20, slurm_log.read_text()[-3000:]
    rule_log = (workdir / "results" / "twin" / "logs" / "train_deep" / "convgru_sa" / "seed_0.log").read_text()
    assert f"SLURM job {retry.index[0]} on " in rule_log
    assert re.search(rf"resuming from \S+iter_{int(found.group(1)):06d}\.pt \(iteration {found.group(1)}\)", rule_log)


def test_results_equal_the_local_run(slurm_run, tiny_local_reference: Path):
    """Every run of the cluster's one-seed config equals the same run of the local reference (metrics bit for bit,
    per-day errors, per-run table rows, training logs); also ConvGRU-SA, stopped and resumed on the cluster,
    uninterrupted in the local run."""
    workdir, _, _, _ = slurm_run
    results = workdir / "results" / "twin"
    metric_files = sorted((results / "metrics").rglob("*.json"))
    # 10 runs (3 deterministic, the twin's floor and static oracle, 5 seeded models' seed 0), 4 grid points
    assert len(metric_files) == 10 + 4
    for cluster in metric_files:
        local = tiny_local_reference / "metrics" / cluster.relative_to(results / "metrics")
        assert json.loads(cluster.read_text()) == json.loads(local.read_text()), cluster
        daily = cluster.with_name(cluster.stem + "_daily.csv")
        local_daily = local.with_name(local.stem + "_daily.csv")
        pd.testing.assert_frame_equal(pd.read_csv(daily), pd.read_csv(local_daily), check_exact=True)
    by_seed = pd.read_csv(results / "tables" / "metrics_by_seed.csv")
    local_by_seed = pd.read_csv(tiny_local_reference / "tables" / "metrics_by_seed.csv")
    same_runs = local_by_seed[local_by_seed["seed"].isna() | (local_by_seed["seed"] == 0)].reset_index(drop=True)
    pd.testing.assert_frame_equal(by_seed, same_runs, check_exact=True)
    training_logs = sorted((results / "models").rglob("training_log.csv"))
    assert len(training_logs) == 6
    for cluster in training_logs:
        local = tiny_local_reference / "models" / cluster.relative_to(results / "models")
        columns = ["iteration", "train_loss", "val_rmse"]  # bit for bit; only the seconds differ
        pd.testing.assert_frame_equal(pd.read_csv(cluster)[columns], pd.read_csv(local)[columns], check_exact=True)


def test_partition_and_account_from_the_command_line(slurm_run):
    """`--default-resources slurm_partition=... slurm_account=...` chooses them without editing the profile."""
    workdir, _, env, _ = slurm_run
    env = {key: value for key, value in env.items() if not key.startswith("SSTBIAS_SLURM_")}
    target = "results/twin/interim/normalisation.json"
    run = snakemake(
        workdir,
        "--profile",
        "profiles/slurm",
        "--configfile",
        CONFIG,
        *FAST_POLLING,
        "--default-resources",
        "slurm_partition=gpu",
        "slurm_account=other",
        "--forcerun",
        "normalisation",
        "--",
        target,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-4000:]
    jobs = sacct_jobs(env, run_id(run.stdout + run.stderr))
    assert list(jobs["Comment"]) == ["rule_normalisation"]
    assert jobs.loc[0, ["Partition", "Account", "State"]].tolist() == ["gpu", "other", "COMPLETED"]
    assert jobs.loc[0, "Timelimit"] == "00:05:00"  # the rule's own runtime survives the replaced defaults


@pytest.mark.skipif(os.environ.get("SSTBIAS_CLUSTER_TIME_LIMIT") != "1", reason="SSTBIAS_CLUSTER_TIME_LIMIT=1 runs it")
def test_training_killed_at_its_time_limit_resumes_after_resubmission(slurm_run):
    """A real time limit: a long ConvGRU training gets 1 minute per job; SLURM ends the first job (TIMEOUT),
    Snakemake resubmits it and the second job resumes from the checkpoint written on SIGTERM. Stopped there."""
    workdir, _, env, _ = slurm_run
    config = yaml.safe_load((workdir / CONFIG).read_text())
    config["models"]["convgru"].update(iterations=10**6, checkpoint_every=10**6)  # continues the 20-iteration run
    (workdir / "long.yaml").write_text(yaml.safe_dump(config))
    output = workdir / "time_limit.out"
    run = start_snakemake(
        workdir,
        "--profile",
        "profiles/slurm",
        "--configfile",
        "long.yaml",
        *FAST_POLLING,
        "--set-resources",
        "train_deep:runtime=1",
        "--",
        "results/twin/models/convgru/seed_0/best.pt",
        output=output,
        env=env,
    )
    log_file = workdir / "results" / "twin" / "logs" / "train_deep" / "convgru" / "seed_0.log"

    def rule_log() -> str:
        """The training's log (each attempt starts it afresh)."""
        return log_file.read_text() if log_file.exists() else ""

    def resumed_after_time_limit() -> bool:
        text = output.read_text()
        if "SLURM run ID" not in text:
            return False
        jobs = sacct_jobs(env, run_id(text))
        timed_out = jobs.loc[jobs["State"] == "TIMEOUT", "JobID"].astype(int)
        later = [job for job in jobs["JobID"].astype(int) if len(timed_out) and job > timed_out.min()]
        log = rule_log()
        return any(f"SLURM job {job} on " in log for job in later) and "resuming from" in log

    try:
        deadline = time.monotonic() + time_limit(600)
        while run.poll() is None and time.monotonic() < deadline and not resumed_after_time_limit():
            time.sleep(2)
    finally:
        stop_snakemake(run, grace=120)  # Ctrl-C (Snakemake cancels its SLURM jobs), then nothing left running
    jobs = sacct_jobs(env, run_id(output.read_text()))
    first = jobs[jobs["State"] == "TIMEOUT"]
    assert len(first) == 1 and first["Timelimit"].tolist() == ["00:01:00"], jobs
    slurm_log = next((workdir / ".snakemake" / "slurm_logs" / "rule_train_deep").rglob(f"{first.iloc[0]['JobID']}.log"))
    found = re.search(r"TrainingInterrupted: SIGTERM at iteration (\d+) of 1000000", slurm_log.read_text())
    assert found and int(found.group(1)) > 20, slurm_log.read_text()[-3000:]
    second = jobs[jobs["JobID"].astype(int) > int(first.iloc[0]["JobID"])]
    assert len(second) == 1 and f"SLURM job {second.iloc[0]['JobID']} on " in rule_log()
    assert f"(iteration {found.group(1)})" in rule_log()
