#!/usr/bin/python3
"""Write a Gradescope autograder zip for one lab (make gradescope LAB=N).

Gradescope unzips the autograder into /autograder/source, runs setup.sh
there once when it builds the image, and then run_autograder for each
submission. The zip holds:

  setup.sh         installs the kit's packages and lwIP, builds the base tree
  run_autograder   grades /autograder/submission with tools/trusted_grade.py
  kit/             the staff kit: this repository's tracked files, less
                   what grading never reads (KIT_LEAVES_OUT)
  hidden/          the hidden tests (GRADER_EXTRA), if any

    make_zip.py --lab N --out FILE [--extra DIR]
"""

import argparse
import fnmatch
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import labtree  # noqa: E402

# The kit's own checks, the answer key's diffs, the mutants and this folder:
# trusted grading makes its trees from kernel/'s solution regions and labs/.
KIT_LEAVES_OUT = ["tests/*", "solutions/*", "labs/*/mutants/*",
                  "tools/gradescope/*"]


def kit_files():
    return [p for p in labtree.tracked_files(ROOT)
            if not any(fnmatch.fnmatch(p, g) for g in KIT_LEAVES_OUT)
            and not os.path.islink(os.path.join(ROOT, p))]


def add(z, name, data, mode):
    """A file with its Unix mode, so that scripts stay executable."""
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def add_file(z, name, path):
    with open(path, "rb") as f:
        add(z, name, f.read(), os.stat(path).st_mode & 0o777)


def script(name, lab):
    with open(os.path.join(HERE, name)) as f:
        return f.read().replace("@LAB@", str(lab)).encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lab", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--extra", help="hidden tests (as GRADER_EXTRA)")
    opts = ap.parse_args()
    if opts.lab not in labtree.labs_info(ROOT, unreleased=True):
        raise SystemExit(f"gradescope: no lab {opts.lab} in this kit")
    if opts.extra and not os.path.isdir(opts.extra):
        raise SystemExit(f"gradescope: GRADER_EXTRA={opts.extra} is not a directory")
    os.makedirs(os.path.dirname(os.path.abspath(opts.out)), exist_ok=True)
    tmp = opts.out + ".new"
    with zipfile.ZipFile(tmp, "w") as z:
        for name in ("setup.sh", "run_autograder"):
            add(z, name, script(name, opts.lab), 0o755)
        files = kit_files()
        for p in files:
            add_file(z, f"kit/{p}", os.path.join(ROOT, p))
        hidden = 0
        for dirpath, dirnames, filenames in os.walk(opts.extra) if opts.extra else ():
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for n in filenames:
                path = os.path.join(dirpath, n)
                if not n.endswith(".pyc") and os.path.isfile(path):
                    add_file(z, "hidden/" + os.path.relpath(path, opts.extra), path)
                    hidden += 1
    os.replace(tmp, opts.out)
    print(f"gradescope: wrote {opts.out} (lab {opts.lab}: {len(files)} kit "
          f"files, {hidden} hidden)")


if __name__ == "__main__":
    main()
