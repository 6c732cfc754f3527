"""Two graders started at the same moment in one tree both pass: the build
is serialised by the grader's lock, and ports and run directories are
chosen per run, so neither sees the other's QEMU or files."""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
from grader.context import RUN_VARS, clean_env  # noqa: E402

LAB = "1"


def start_grader(out_dir, i):
    env = clean_env(RUN_VARS)
    path = os.path.join(out_dir, f"results{i}.json")
    p = subprocess.Popen(["make", "-s", "grade", f"LAB={LAB}", f"GRADE_JSON={path}"],
                         cwd=ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    return p, path


def test_two_graders_at_once(tmp_path):
    runs = [start_grader(str(tmp_path), i) for i in range(2)]
    for p, path in runs:
        out, _ = p.communicate(timeout=900)
        with open(path) as f:
            res = json.load(f)
        total = sum(t["max_score"] for t in res["tests"])
        assert res["score"] == total, \
            f"expected {total}/{total} from each grader, saw {res['score']}:\n{out[-3000:]}"
