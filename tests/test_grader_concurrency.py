"""Two graders started at the same moment in one tree both pass: the build
is serialised by the grader's lock, and ports and run directories are
chosen per run, so neither sees the other's QEMU or files."""
import os

from grading import finish_grade, kill_group, start_grade

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAB = 1


def test_two_graders_at_once(tmp_path):
    dirs = [tmp_path / f"grader{i}" for i in range(2)]
    for d in dirs:
        d.mkdir()
    runs = [start_grade(ROOT, LAB, str(d)) for d in dirs]
    try:
        for p in runs:
            res, out = finish_grade(p, timeout=900)
            total = sum(t["max_score"] for t in res["tests"])
            assert res["score"] == total, \
                f"expected {total}/{total} from each grader, saw {res['score']}:\n{out[-3000:]}"
    finally:
        for p in runs:      # the other grader, when the first one failed
            if p.poll() is None:
                kill_group(p)
                p.wait()
