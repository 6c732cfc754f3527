# Lab 1 tests: the kernel boots from GRUB, finds its memory in the
# multiboot memory map, and serves its file system from a RAM disk.
#
# Every check is on data the host chose (random nonces, file contents,
# memory sizes) and compares bytes the host received, or on what the CPU
# holds, read through QEMU's gdbstub; no test passes on a line the guest
# prints by itself.

import os
import re
import secrets
import time

from grader import check, nonce, platform_skip, points
from grader.gdbstub import GdbError, GdbRemote, elf_symbol
from grader.machine import GradeFailure, scale
from grader.platform import platform_name

M32 = 0xFFFFFFFF


def lines(out):
    return [s.rstrip() for s in out.split("\n")]


def echo_back(m):
    """Send `echo <nonce>`; the nonce must come back on a line of its own."""
    n = nonce()
    out = m.run(f"echo {n}")
    check(n in lines(out), "the shell echoes a host-chosen nonce",
          f"a line {n!r}", out)


@points(20, "boots to a shell through GRUB")
def test_grub_boot(boot):
    echo_back(boot())


@points(10, "boots on -machine q35, which has no IDE controller")
def test_q35(boot):
    m = boot(machine="q35")
    echo_back(m)
    data = nonce(12)
    m.run(f"echo {data} > q35")
    out = m.run("cat q35")
    check(lines(out)[0] == data, "a file written on q35 reads back",
          data, out)


# ---------------------------------------------------------------- GDT

SEG_KCODE, SEG_KDATA = 6, 7     # kernel/mmu.h
KCODE_SEL, KDATA_SEL = SEG_KCODE << 3, SEG_KDATA << 3
MAIN_WAIT = 60                  # seconds from `continue` to main (about 1 s)


def wait_for_main(m, gdb, main):
    """Continue and wait for the breakpoint at main, watching the serial
    console meanwhile: GRUB's error (no multiboot header), a panic or QEMU
    exiting fail at once instead of after MAIN_WAIT."""
    what = f"the CPU to reach main ({main:#x}), stopped there by the host's breakpoint"
    gdb.cont()
    limit = MAIN_WAIT * scale()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if gdb.wait_stop(0.5) is not None:
                return
        except GdbError as e:
            m.watch(2, what)             # QEMU gone: say why, if it says
            raise GradeFailure("QEMU's gdbstub went away", what, str(e))
        m.watch(0.5, what)
    raise GradeFailure(f"main was not reached in {limit:.0f} s", what,
                       "the CPU still running, nothing on the console to say why")


# GRUB enters the kernel with CS = 0x10 and data selectors 0x18 of a GDT in
# its own memory; seginit() in main() replaces whatever is loaded, so only
# the CPU's state on the way into main shows whether entry.S loaded a GDT
# of its own. The host stops the CPU there and reads the selectors, then
# lets it run on: the kernel must still reach the shell (a GDT that is
# right at main but breaks the boot earns nothing).
@points(10, "own GDT: CS, DS, ES, SS hold the kernel's selectors at main")
def test_own_gdt(boot, image):
    if platform_name() != "qemu":
        platform_skip(f"BVLAB_PLATFORM={platform_name()}: QEMU's gdbstub sees "
                      "the hypervisor's CPU, not the guest kernel's; this check "
                      "runs on the qemu platform only")
    main = elf_symbol(image.path("kernel.elf"), "main")
    check(main is not None, "kernel.elf has a symbol main",
          "a function main", "no such symbol")
    m = boot(gdb=True, wait=False)
    try:
        gdb = GdbRemote("127.0.0.1", m.gdb_port, connect_timeout=10 * scale())
    except GdbError as e:
        m.watch(2, "QEMU's gdbstub to accept a connection")
        raise GradeFailure("cannot talk to QEMU's gdbstub",
                           f"a gdbstub on 127.0.0.1:{m.gdb_port}", str(e))
    try:
        gdb.halt_reason()
        gdb.set_breakpoint(main)
        wait_for_main(m, gdb, main)
        regs = gdb.read_registers()
        m.watch(0.3, "nothing more")    # GRUB's output so far into the log
        gdb.detach()                    # the boot goes on
    except GdbError as e:
        raise GradeFailure("talking to QEMU's gdbstub failed",
                           "a breakpoint at main and the registers there", str(e))
    finally:
        gdb.close()
    seen = ", ".join(f"{r}={regs[r]:#x}" for r in ("cs", "ds", "es", "ss",
                                                   "fs", "gs", "eip"))
    cs = regs["cs"]
    check(cs == KCODE_SEL,
          f"CS at main is {cs:#x}: "
          + ("still GRUB's code segment; " if cs == 0x10 else "not SEG_KCODE<<3; ")
          + "entry.S must lgdt its own GDT and far-jump before touching "
          "segment registers",
          f"cs={KCODE_SEL:#x} (SEG_KCODE<<3)", seen)
    for r in ("ds", "es", "ss"):
        check(regs[r] == KDATA_SEL,
              f"{r.upper()} at main is {regs[r]:#x}: entry.S must reload "
              f"DS, ES, SS (and FS, GS) with SEG_KDATA<<3 after loading its GDT",
              f"{r}={KDATA_SEL:#x} (SEG_KDATA<<3)", seen)
    for r in ("fs", "gs"):
        check(regs[r] in (0, KDATA_SEL),
              f"{r.upper()} at main is {regs[r]:#x}, not the kernel's (GRUB "
              "leaves 0x18): reload it with SEG_KDATA<<3 (or the null selector)",
              f"{r}={KDATA_SEL:#x} or 0", seen)
    m.wait_boot()
    echo_back(m)


def ls_entries(out):
    """{name: (type, size)} from ls's `name type inode size` lines."""
    entries = {}
    for s in lines(out):
        f = s.split()
        if len(f) == 4 and f[1].isdigit() and f[3].isdigit():
            entries[f[0]] = (int(f[1]), int(f[3]))
    return entries


@points(15, "RAM-disk file system: write, read, list, remove, in directories")
def test_ramdisk_fs(boot, tree):
    m = boot()
    d1, d2 = "d" + nonce(4), "e" + nonce(4)
    files = {f"{d1}/a": nonce(20), f"{d1}/{d2}/b": nonce(30), "top": nonce(5)}
    for d in (d1, f"{d1}/{d2}"):
        out = m.run(f"mkdir {d}")
        check(out.strip() == "", f"mkdir {d} succeeds silently", "no output", out)
    for path, data in files.items():
        m.run(f"echo {data} > {path}")

    # A file bigger than a few blocks: 8 copies of a, then 8 of that.
    big, mid = f"{d1}/{d2}/big", f"{d1}/mid"
    a = files[f"{d1}/a"] + "\n"
    m.run(f"cat {' '.join([d1 + '/a'] * 8)} > {mid}")
    m.run(f"cat {' '.join([mid] * 8)} > {big}")
    expected = {path: data + "\n" for path, data in files.items()}
    expected[mid] = a * 8
    expected[big] = a * 64

    tok = nonce()
    for path, want in expected.items():
        out = m.run(f"cat {path}; echo {tok}", until=tok)
        got = out[:out.rfind(tok)]
        check(got == want, f"cat {path} returns the bytes written",
              f"{len(want)} bytes starting {want[:40]!r}",
              f"{len(got)} bytes starting {got[:40]!r}")

    listing = ls_entries(m.run(f"ls {d1}"))
    check(listing.get("a", (0, -1))[1] == len(expected[f"{d1}/a"]) and
          listing.get(d2, (0,))[0] == 1 and "mid" in listing,
          f"ls {d1} lists a (with its size), mid, and directory {d2}",
          f"a {len(expected[d1 + '/a'])} bytes, mid, {d2} of type 1",
          listing)

    # A file that was in fs.img from the start reads back byte for byte.
    with open(os.path.join(tree, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    out = m.run(f"cat README.md; echo {tok}", until=tok)
    got = out[:out.rfind(tok)]
    check(got == readme, "README.md from the file-system image reads back",
          f"{len(readme)} bytes (the tree's README.md)", f"{len(got)} bytes")

    m.run(f"rm {d1}/{d2}/b")
    listing = ls_entries(m.run(f"ls {d1}/{d2}"))
    check("b" not in listing and "big" in listing,
          f"after rm {d1}/{d2}/b, ls shows big but not b",
          "big only", listing)
    out = m.run(f"cat {d1}/{d2}/b")
    check(files[f"{d1}/{d2}/b"] not in out, "a removed file's data is gone",
          "an error from cat", out)
    echo_back(m)


# ---------------------------------------------------------------- memory

def memtest_sum(mib, seed):
    """What `memtest MIB SEED` must print: the 32-bit sum of the pattern
    memtest.c describes, computed per bit instead of per word."""
    x = seed or 1
    block = []
    for _ in range(1024):
        x ^= (x << 13) & M32
        x ^= x >> 17
        x ^= (x << 5) & M32
        block.append(x)
    ones = [sum((b >> k) & 1 for b in block) for k in range(32)]
    chunks = mib * 256
    flipped = [0] * 32          # chunks whose mask has bit k set
    for c in range(chunks):
        mask = (c * 0x9E3779B9) & M32
        while mask:
            low = mask & -mask
            flipped[low.bit_length() - 1] += 1
            mask ^= low
    total = 0
    for k in range(32):
        total += (1 << k) * ((chunks - flipped[k]) * ones[k] +
                             flipped[k] * (1024 - ones[k]))
    return total & M32


def run_memtest(m, mib, timeout=300):
    seed = secrets.randbelow(2**31 - 1) + 1
    out = m.run(f"memtest {mib} {seed}", timeout=timeout)
    return seed, out


def check_memtest_ok(m, mib):
    seed, out = run_memtest(m, mib)
    want = memtest_sum(mib, seed)
    found = re.search(r"memtest: (\d+) MiB sum ([0-9a-fA-F]+)", out)
    got = int(found.group(2), 16) if found else None
    check(got == want, f"{mib} MiB of distinct, working memory for a process",
          f"memtest {mib} {seed} to print sum {want:x}", out.strip())


@points(10, "uses the memory map: a 160 MiB process fits in -m 256")
def test_memory_map_large(boot):
    m = boot(mem=256)
    check_memtest_ok(m, 160)
    echo_back(m)


# BitVisor keeps the top 128 MiB of RAM and takes it out of the usable
# RAM in the memory map its guest sees; the CMOS still counts it. GRUB's
# `badram` does the same here: QEMU has 256 MiB, and the map lists
# [128 MiB, 256 MiB) as bad RAM (type 5), not available (type 1). A kernel
# that sizes memory from CMOS, or that takes every entry of the map
# whatever its type, hands out those pages (which QEMU happens to back, so
# nothing crashes) and lets a 160 MiB process grow; one that uses only the
# available entries refuses.
@points(10, "uses the memory map: RAM the map hides stays unused")
def test_memory_map_hidden(boot):
    m = boot(mem=256, grub=("badram 0x08000000,0xf8000000",))
    check_memtest_ok(m, 64)
    seed, out = run_memtest(m, 160)
    check("sbrk failed" in out and "sum" not in out,
          "with [128 MiB, 256 MiB) marked as bad RAM in the memory map, a "
          "160 MiB process does not fit (sbrk returns -1); if it fits, the "
          "kernel sized memory some other way (CMOS?) than by the map's "
          "available entries",
          "memtest: sbrk failed after K MiB", out.strip())
    echo_back(m)        # and the kernel is still alive


# The map also lists RAM that is not the kernel's: QEMU's firmware keeps
# its ACPI tables in a range at the very top of RAM that the map marks
# reserved. A kernel that takes every entry as usable RAM hands those pages
# out. The host fills the guest's memory with a large process, then reads
# the top of RAM itself (QEMU's QMP, not the guest): the tables must still
# be there.
RAM_TOP_WINDOW = 256 << 10
ACPI_SIGNATURES = (b"FACP", b"APIC", b"DSDT")


def acpi_tables_at_top(m, mib):
    top = m.read_physical((mib << 20) - RAM_TOP_WINDOW, RAM_TOP_WINDOW)
    return [s.decode() for s in ACPI_SIGNATURES if s in top]


@points(5, "uses the memory map: reserved RAM (the firmware's ACPI tables) stays untouched")
def test_memory_map_reserved(boot):
    if platform_name() != "qemu":
        platform_skip(f"BVLAB_PLATFORM={platform_name()}: the host reads the "
                      "firmware's tables through QEMU's QMP; qemu platform only")
    m = boot(mem=256, qmp=True)
    everything = [s.decode() for s in ACPI_SIGNATURES]
    found = acpi_tables_at_top(m, 256)
    check(found == everything, "after boot, the firmware's ACPI tables are in "
          "the top 256 KiB of RAM, as QEMU put them", everything, found)
    check_memtest_ok(m, 240)
    found = acpi_tables_at_top(m, 256)
    check(found == everything, "after a 240 MiB process ran, the ACPI tables "
          "in the range the memory map marks reserved are intact (a kernel "
          "that takes every map entry as RAM, whatever its type, hands those "
          "pages out)", everything, found)
    echo_back(m)


@points(20, "usertests passes")
def test_usertests(boot):
    m = boot()
    out = m.run("usertests", timeout=900)
    found = re.findall(r"usertests: (\d+) passed, (\d+) failed", out)
    check(found and int(found[-1][1]) == 0 and int(found[-1][0]) > 0,
          "usertests reports no failures and returns to the prompt",
          "usertests: P passed, 0 failed", "\n".join(lines(out)[-15:]))
    echo_back(m)
