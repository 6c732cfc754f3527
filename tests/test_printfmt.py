# The kernel's formatting core (kernel/printfmt.c), checked on the host:
# the file is compiled with the kernel's freestanding flags, so it must not
# need anything of the kernel but panic(), and linked with a small driver
# (tests/unit/test_printfmt.c) that compares snprintf's output with the
# expected text for a table of formats, at buffer sizes around every edge
# (n = 0, 1, exactly fitting, one short), and checks that no byte past n
# is written. cprintf formats through the same vformat(), so these cases
# are its formats too.

import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "kernel", "printfmt.c")
DRIVER = os.path.join(ROOT, "tests", "unit", "test_printfmt.c")

# The kernel's CFLAGS (Makefile) as far as they matter for one file; the
# rename keeps the kernel's snprintf apart from the C library's.
KERNEL_CFLAGS = ["-m32", "-std=gnu11", "-O2", "-Wall", "-Werror",
                 "-ffreestanding", "-fno-builtin", "-nostdinc",
                 "-fno-pic", "-fno-pie", "-fno-stack-protector",
                 "-I" + os.path.join(ROOT, "kernel"),
                 "-Dsnprintf=kernel_snprintf"]
HOST_CFLAGS = ["-m32", "-no-pie", "-std=gnu11", "-O2", "-Wall", "-Werror"]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    out = tmp_path_factory.mktemp("printfmt")
    obj, exe = str(out / "printfmt.o"), str(out / "test_printfmt")
    r = run(["gcc"] + KERNEL_CFLAGS + ["-c", "-o", obj, SRC])
    assert r.returncode == 0, \
        "kernel/printfmt.c does not compile freestanding on the host " \
        "(is gcc-multilib installed? `make setup` installs it):\n" + r.stderr
    r = run(["gcc"] + HOST_CFLAGS + ["-o", exe, DRIVER, obj])
    assert r.returncode == 0, "the test driver does not build:\n" + r.stderr
    return exe


def test_printfmt_needs_only_panic(driver):
    """printfmt.c calls nothing outside itself but panic()."""
    obj = os.path.join(os.path.dirname(driver), "printfmt.o")
    r = run(["nm", "--undefined-only", obj])
    assert r.returncode == 0, r.stderr
    undefined = sorted(line.split()[-1] for line in r.stdout.splitlines())
    assert undefined == ["panic"], \
        f"printfmt.c needs more of the kernel than panic(): {undefined}"


def test_snprintf_table(driver):
    """Every case in the driver's table gives the expected output, length
    and termination, and writes nothing past the size it was given."""
    r = run([driver])
    summary = r.stdout.strip().splitlines()[-1:] or ["(no output)"]
    assert r.returncode == 0, \
        f"snprintf: {summary[0]}\n{r.stdout[-3000:]}{r.stderr[-1000:]}"
    assert summary[0].endswith(" 0 failed") and int(summary[0].split()[0]) > 300, \
        f"the driver did not run its table: {r.stdout[-1000:]}"
