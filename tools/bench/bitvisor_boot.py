"""Median wall time from QEMU start to the guest shell's first `$ ` with
the kernel as BitVisor's guest (`make qemu-bitvisor`). Runs only when
BITVISOR_ELF names a bitvisor.elf the user built; says so otherwise."""
import os
import statistics
import subprocess
import sys
import time

import pexpect

RUNS = 3
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def one_boot(elf):
    start = time.monotonic()
    child = pexpect.spawn("make", ["-s", "qemu-bitvisor", f"BITVISOR_ELF={elf}"],
                          cwd=TOP, encoding="latin-1", timeout=180)
    try:
        child.expect(r"\$ ")
        return time.monotonic() - start
    finally:
        child.terminate(force=True)


def main():
    elf = os.environ.get("BITVISOR_ELF")
    if not elf:
        print("bitvisor boot: skipped (set BITVISOR_ELF=path/to/bitvisor.elf)")
        return
    # Build the images first, so the runs time booting, not building.
    subprocess.run(["make", "-s", "bitvisor-images", f"BITVISOR_ELF={elf}"],
                   cwd=TOP, check=True, stdout=subprocess.DEVNULL)
    times = [one_boot(elf) for _ in range(RUNS)]
    print("boot to first prompt on BitVisor (make qemu-bitvisor, TCG, "
          f"-smp 1): median {statistics.median(times):.1f} s over {RUNS} boots "
          f"(min {min(times):.1f}, max {max(times):.1f})")


if __name__ == "__main__":
    sys.exit(main())
