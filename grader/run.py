"""`make qemu`: the machine the grader boots, with this terminal as its
console.

    python3 -m grader.run [--boot iso|ide] [--mem MIB] [--smp N]
                          [--gdb PORT] [--extra "QEMU ARGS"] [--print]
    python3 -m grader.run --print-net

The command line comes from grader/platform.py, the same function that
builds every test's machine (BootSpec, Net, qemu_launch), so what a
student runs is what the grader runs; only the console differs: here the
serial line is the terminal, with QEMU's monitor behind Ctrl-a (Ctrl-a x
quits), where a test drives it through a pipe.

The NIC (from lab 2 on, when the tree has a driver) is on QEMU's
user-mode network, with the host forwards of INTERACTIVE_FORWARDS: the
one list of host ports that `make qemu` opens for the guest's services.
--print-net prints just the NIC's arguments (for the BitVisor targets).
"""

import argparse
import os
import shlex
import sys

from . import platform as plat

# (protocol, host port, guest port) that `make qemu` forwards on
# 127.0.0.1; the labs that add services add them here, and only here.
INTERACTIVE_FORWARDS = ()
# LAB 3: BEGIN
# The kernel's test services (kernel/net/services.c), which answer once
# the stack runs (from lab 3 on, unless KCMDLINE=net=off): host port 10000 + the
# service's port, as labs/3-lwip/README.md documents.
INTERACTIVE_FORWARDS += (
    ("tcp", 10007, 7),      # echo, RFC 862
    ("udp", 10007, 7),      # echo over UDP
    ("tcp", 10009, 9),      # discard, RFC 863
    ("tcp", 10019, 19),     # chargen, RFC 864
)
# LAB 3: END
# LAB 4: BEGIN
# User programs on the socket calls, by the same rule (host port 10000 +
# the guest's): the httpd that init starts on port 80 (so `curl
# http://127.0.0.1:10080/README.md` on the host fetches the guest's
# README.md), `nc -l 9000` and `nc -u -l 9000` typed in the guest, and
# echosrv's default port; README.md and handouts/en/lab4.md list them.
INTERACTIVE_FORWARDS += (
    ("tcp", 10080, 80),     # httpd
    ("tcp", 19000, 9000),   # nc -l 9000
    ("udp", 19000, 9000),   # nc -u -l 9000
    ("tcp", 17007, 7007),   # echosrv
)
# LAB 4: END


def has_nic_driver(root):
    return os.path.exists(os.path.join(root, "kernel", "virtio_net.c"))


def interactive_nets(root):
    """The NIC of `make qemu`: slirp, no pcap, the documented forwards."""
    if not has_nic_driver(root):
        return ()
    fwd = ",".join(f"hostfwd={p}:127.0.0.1:{h}-:{g}"
                   for p, h, g in INTERACTIVE_FORWARDS)
    return (plat.Net(kind="user", opts="romfile=", pcap=False, user_opts=fwd),)


def interactive_argv(spec, build_dir, gdb_port=None):
    """QEMU's argv for spec, booting build_dir's images, console on the
    terminal."""
    lf = plat.qemu_launch(spec, build_dir, plat.Image(build_dir))
    argv = list(lf.argv)
    i = argv.index("-serial")
    if argv[i + 1] != "stdio" or argv[i + 2:i + 4] != ["-monitor", "none"]:
        raise RuntimeError("grader.run: unexpected console arguments")
    argv[i:i + 4] = ["-serial", "mon:stdio"]
    if gdb_port is not None:
        argv += ["-S", "-gdb", f"tcp::{gdb_port}"]
    return argv


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m grader.run",
                                 description="boot the kit as the grader does")
    ap.add_argument("--boot", default="iso", choices=("iso", "ide"))
    ap.add_argument("--mem", type=int, default=256)
    ap.add_argument("--smp", type=int, default=2)
    ap.add_argument("--qemu", default="qemu-system-i386")
    ap.add_argument("--gdb", type=int, metavar="PORT",
                    help="start stopped, gdbstub on PORT")
    ap.add_argument("--extra", default="", help="more QEMU arguments")
    ap.add_argument("--build", default=os.path.join(plat.TOP, "build"))
    ap.add_argument("--print", action="store_true",
                    help="print the command instead of running it")
    ap.add_argument("--print-net", action="store_true",
                    help="print only the NIC's arguments")
    args = ap.parse_args(argv)

    nets = interactive_nets(plat.TOP)
    if args.print_net:
        lf = plat.Launch(argv=[])
        print(" ".join(shlex.quote(a) for a in
                       plat.nic_args(nets, args.build, lf)))
        return 0
    spec = plat.BootSpec(mem=args.mem, smp=args.smp, boot=args.boot,
                         qemu=args.qemu, nets=nets,
                         extra=tuple(shlex.split(args.extra)))
    cmd = interactive_argv(spec, os.path.abspath(args.build), args.gdb)
    if args.print:
        print(" ".join(shlex.quote(a) for a in cmd))
        return 0
    os.execvp(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
