"""`make bench`: run every benchmark in tools/bench/ and print its figures.

Each tools/bench/NAME.py is a script that prints its own lines of figures;
benchmarks measure and report, they never pass or fail a build.
"""
import glob
import os
import subprocess
import sys


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(here)
    status = 0
    for script in sorted(glob.glob(os.path.join(here, "bench", "*.py"))):
        name = os.path.basename(script)[:-3]
        print(f"== {name}", flush=True)
        r = subprocess.run([sys.executable, script], cwd=top)
        if r.returncode != 0:
            print(f"bench {name}: exited with status {r.returncode}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
