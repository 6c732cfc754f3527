"""Write compile_commands.json (for clangd and other editors) to stdout.

Runs `make -n -B` so the flags are exactly the ones the build uses, and keeps
every compiler command that has a `-c` (one translation unit each).
"""
import json
import os
import shlex
import subprocess
import sys


def compile_lines(top):
    out = subprocess.run(["make", "-n", "-B", "all", "ide-image"], cwd=top,
                         capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        words = shlex.split(line) if line.startswith("gcc ") else []
        if "-c" in words:
            yield words


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    entries = []
    for words in compile_lines(top):
        source = words[-1]
        entries.append({"directory": top, "arguments": words,
                        "file": os.path.join(top, source)})
    json.dump(entries, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
