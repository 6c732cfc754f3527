"""Median wall time from QEMU start to the shell's first `$ ` (GRUB ISO, TCG)."""
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import qemuboot  # noqa: E402

RUNS = 5


def one_boot(logdir, i):
    m = qemuboot.Machine(qemuboot.qemu_command(mem=128, smp=1),
                         os.path.join(logdir, f"boot{i}.log"))
    try:
        return m.wait_prompt(timeout=60)
    finally:
        m.close()


def main():
    logdir = tempfile.mkdtemp(prefix="bvlab-bench-")
    times = [one_boot(logdir, i) for i in range(RUNS)]
    print("boot to first prompt (GRUB ISO, TCG, -m 128 -smp 1): "
          f"median {statistics.median(times):.3f} s over {RUNS} boots "
          f"(min {min(times):.3f}, max {max(times):.3f}; target <= 1.0 s)")


if __name__ == "__main__":
    main()
