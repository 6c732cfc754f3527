# The GitHub Classroom feedback workflow, .github/workflows/grade.yml: it
# parses, has the shape GitHub needs (on: push, one job on Ubuntu, its
# steps), every `make` it runs is a target the student tree has (make -n
# there), its lab step names lab K on every branch of the student
# repository, its summary step turns a results.json into the score, and
# the generated branches carry it. No QEMU, no network.

import json
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import labtree  # noqa: E402

WORKFLOW = ".github/workflows/grade.yml"
LABS = sorted(labtree.labs_info(ROOT))


def load():
    with open(os.path.join(ROOT, WORKFLOW), encoding="utf-8") as f:
        return yaml.safe_load(f)


def steps():
    (job,) = load()["jobs"].values()
    return job["steps"]


def step(name_start):
    found = [s for s in steps() if s.get("name", "").startswith(name_start)]
    assert len(found) == 1, f"one step named {name_start!r}..., found {found}"
    return found[0]


def make_commands(lab):
    """Every `make ...` line of the run steps, with the lab step's output
    filled in and anything after a pipe or redirection dropped."""
    cmds = []
    for s in steps():
        for line in s.get("run", "").splitlines():
            line = line.replace("${{ steps.lab.outputs.lab }}", str(lab))
            words = shlex.split(line)
            if not words or words[0] != "make":
                continue
            cut = [i for i, w in enumerate(words) if w == "|" or
                   re.match(r"^\d?[<>]", w)]
            cmds.append(words[:cut[0]] if cut else words)
    return cmds


def test_workflow_shape():
    wf = load()
    # YAML 1.1 reads the bare key `on` as true.
    on = wf.get("on", wf.get(True))
    assert "push" in on, "runs on every push"
    (job,) = wf["jobs"].values()
    assert str(job["runs-on"]).startswith("ubuntu-")
    assert job.get("timeout-minutes"), "a stuck kernel must not hold a runner for 6 h"
    uses = [s["uses"] for s in job["steps"] if "uses" in s]
    assert any(re.fullmatch(r"actions/checkout@v\d+", u) for u in uses)
    (upload,) = [s for s in job["steps"]
                 if s.get("uses", "").startswith("actions/upload-artifact@v")]
    assert "results.json" in upload["with"]["path"].split()
    assert upload.get("if") == "always()"
    assert "$GITHUB_STEP_SUMMARY" in step("Score")["run"]
    assert step("Score").get("if") == "always()"
    names = [c[1] for c in make_commands(1)]
    assert names == ["setup", "grade"], names
    (grade,) = [c for c in make_commands(3) if c[1] == "grade"]
    assert "LAB=3" in grade and "GRADE_JSON=results.json" in grade


def branch_trees():
    """(branch, tree paths) of every branch student-repo writes."""
    for k in LABS:
        yield f"lab{k}", labtree.tree_contents(ROOT, k, 0)
        if k > LABS[0]:
            yield f"lab{k}-catchup", labtree.tree_contents(ROOT, k, k - 1)


@pytest.mark.parametrize("branch,files", branch_trees(),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_every_branch_carries_it_and_grades_its_lab(branch, files, tmp_path):
    with open(os.path.join(ROOT, WORKFLOW), "rb") as f:
        assert files[WORKFLOW][0] == f.read(), f"{branch} lacks {WORKFLOW}"
    lab = int(re.match(r"lab(\d+)", branch).group(1))
    # The lab step, run in a folder holding this branch's labs/ entries.
    for path in files:
        if path.startswith("labs/"):
            os.makedirs(tmp_path / os.path.dirname(path), exist_ok=True)
    out = tmp_path / "github_output"
    subprocess.run(["bash", "-e", "-c", step("Which lab")["run"]], cwd=tmp_path,
                   env=dict(os.environ, GITHUB_OUTPUT=str(out)), check=True)
    assert out.read_text() == f"lab={lab}\n"


@pytest.mark.parametrize("lab", [LABS[0], LABS[-1]])
def test_its_make_commands_exist_in_the_student_tree(lab, tmp_path):
    labtree.write_tree(ROOT, str(tmp_path), lab, 0)
    for cmd in make_commands(lab):
        r = subprocess.run([*cmd, "-n"], cwd=tmp_path, capture_output=True,
                           text=True)
        assert r.returncode == 0, f"{' '.join(cmd)} -n in lab {lab}'s tree:\n{r.stderr}"
        assert "staff-only" not in r.stdout


def test_summary_step_writes_the_score(tmp_path):
    results = {"score": 15, "output": "Lab 1: 15/100 points", "tests": [
        {"name": "Lab 1: boots", "score": 15, "max_score": 15, "status": "passed"},
        {"name": "Lab 1: own GDT", "score": 0, "max_score": 85, "status": "failed"}]}
    (tmp_path / "results.json").write_text(json.dumps(results))
    summary = tmp_path / "summary.md"
    run = ["bash", "-e", "-c", step("Score")["run"]]
    env = dict(os.environ, GITHUB_STEP_SUMMARY=str(summary))
    subprocess.run(run, cwd=tmp_path, env=env, check=True)
    text = summary.read_text()
    assert "## Lab 1: 15/100 points" in text
    assert "| Lab 1: own GDT | 0/85 | failed |" in text
    # No results.json (the build or setup failed): a line, not a crash.
    (tmp_path / "results.json").unlink()
    summary.unlink()
    subprocess.run(run, cwd=tmp_path, env=env, check=True)
    assert "No score" in summary.read_text()
