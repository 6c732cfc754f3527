"""How a test machine is started: the one place that builds a command line.

A test describes the machine it wants with a BootSpec (memory, CPUs,
machine type, kernel command line, boot path, NICs). launch() turns that
into a Launch: the argv to spawn plus the files to prepare first. Which
function does the turning is chosen by the environment variable
BVLAB_PLATFORM (default "qemu"): any other name N loads the module
grader/platform_N.py, which must define

    def launch(spec: BootSpec, tdir: str, image: Image) -> Launch

so a new platform (e.g. BitVisor as the host of our kernel) is one new
file and no test changes. Such a module may reuse qemu_launch(), nic_args()
and make_iso() from here.

Boot paths:
  "iso"     the tree's GRUB ISO (-cdrom), the way students run it. A test
            that needs another kernel command line gets its own ISO,
            built with grub-mkrescue into its test directory, so the boot
            path stays GRUB's. So does a test that gives GRUB commands to
            run before the kernel is loaded (BootSpec.grub; e.g. `cutmem
            128M 256M` hides the top 128 MiB from the memory map, as
            BitVisor does).
  "kernel"  QEMU's own multiboot loader (-kernel kernel.elf -append ...
            -initrd fs.img): faster, but skips GRUB.
  "ide"     the lab-1 starting point: our boot sector on IDE disk 0,
            the file system on IDE disk 1.
Disks are opened with snapshot=on, so a run never changes the built image
and concurrent runs can share it.

BootSpec.gdb: QEMU starts with every CPU stopped (-S) and its gdbstub on a
free 127.0.0.1 port (Launch.gdbport, Machine.gdb_port), for tests that
judge what the CPU holds at a breakpoint (grader/gdbstub.py). Only this
platform offers it: under a hypervisor QEMU's gdbstub sees the hypervisor's
CPU, not our kernel's, so launch() refuses it elsewhere.
"""

import dataclasses
import importlib
import os
import shlex
import subprocess

from . import net as netmod

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclasses.dataclass
class Net:
    """One NIC and its host side.

    kind "dgram": -netdev dgram to a Python Peer on 127.0.0.1 (one UDP
    datagram per Ethernet frame); "user": QEMU's slirp with hostfwd and
    guestfwd rules. The NIC model and its options are free-form so a lab
    can ask for e.g. virtio-net-pci with disable-modern=on.
    """
    kind: str = "dgram"
    model: str = "virtio-net-pci"
    opts: str = ""                      # extra -device options, "a=b,c=d"
    mac: str = "52:54:00:12:34:56"
    id: str = "n0"
    pcap: bool = True                   # -object filter-dump into the test dir
    hostfwd: tuple = ()                 # (("tcp", guest_port), ...)
    guestfwd: tuple = ()                # (("tcp", "10.0.2.100", 7000, host_port), ...)
    user_opts: str = ""                 # extra -netdev user options


@dataclasses.dataclass
class BootSpec:
    # MiB (-m); GRADER_MEM=64 runs every test that does not ask for its
    # own size on a smaller machine.
    mem: int = dataclasses.field(
        default_factory=lambda: int(os.environ.get("GRADER_MEM", "128")))
    smp: int = 2
    machine: str = None                 # e.g. "q35"; None = QEMU's pc
    cmdline: str = None                 # kernel command line; None = the ISO's
    grub: tuple = ()                    # GRUB commands before `multiboot` (iso only)
    boot: str = "iso"                   # "iso", "kernel" or "ide"
    nets: tuple = ()                    # Net(...) per NIC
    qemu: str = "qemu-system-i386"
    extra: tuple = ()                   # more QEMU arguments, verbatim
    gdb: bool = False                   # start stopped, gdbstub on a free port
    qmp: bool = False                   # QMP on a free port (Machine.read_physical)


@dataclasses.dataclass
class Image:
    """The built files of the tree under test (a per-run snapshot)."""
    dir: str

    def path(self, name):
        return os.path.join(self.dir, name)


@dataclasses.dataclass
class Launch:
    argv: list
    prepare: list = dataclasses.field(default_factory=list)  # shell lines for repro.sh
    peers: dict = dataclasses.field(default_factory=dict)    # netdev id -> Peer
    hostports: dict = dataclasses.field(default_factory=dict)  # (proto, guest port) -> host port
    pcaps: list = dataclasses.field(default_factory=list)
    gdbport: int = None                 # BootSpec.gdb: QEMU's gdbstub port
    qmpport: int = None                 # BootSpec.qmp: QEMU's QMP port
    note: str = ""                      # shown in repro.sh (what it cannot recreate)


def platform_name():
    return os.environ.get("BVLAB_PLATFORM", "qemu")


def launch(spec, tdir, image):
    """Build the Launch for spec on the selected platform."""
    name = platform_name()
    if name == "qemu":
        return qemu_launch(spec, tdir, image)
    if spec.gdb:
        raise ValueError(f"BootSpec.gdb: BVLAB_PLATFORM={name} has no gdbstub "
                         "that sees our kernel (only the qemu platform has)")
    try:
        mod = importlib.import_module(f"grader.platform_{name}")
    except ModuleNotFoundError:
        raise RuntimeError(f"BVLAB_PLATFORM={name}: no grader/platform_{name}.py")
    return mod.launch(spec, tdir, image)


def grub_cfg(text, grub):
    """grub.cfg text with the GRUB commands `grub` inserted just before
    the menu entry's `multiboot` line (so they act on what it loads)."""
    if not grub:
        return text
    out, done = [], False
    for line in text.split("\n"):
        if not done and line.strip().startswith("multiboot "):
            indent = line[:len(line) - len(line.lstrip())]
            out += [indent + c for c in grub]
            done = True
        out.append(line)
    if not done:
        raise ValueError("grub.cfg has no `multiboot` line for BootSpec.grub")
    return "\n".join(out)


def make_iso(tdir, image, cmdline, grub=()):
    """A GRUB ISO like the tree's, with another kernel command line and
    GRUB commands `grub` before the kernel is loaded (tools/mkiso.sh is
    the one place that knows how to make one)."""
    iso = os.path.join(tdir, "bvlab.iso")
    mkiso = os.path.join(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))), "tools", "mkiso.sh")
    cfg = image.path("grub.cfg.in")
    if grub:
        with open(cfg) as f:
            text = grub_cfg(f.read(), grub)
        cfg = os.path.join(tdir, "grub.cfg.in")
        with open(cfg, "w") as f:
            f.write(text)
    r = subprocess.run([mkiso, iso, image.path("kernel.elf"),
                        image.path("fs.img"), cfg,
                        cmdline], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"tools/mkiso.sh failed:\n{r.stderr[-2000:]}")
    return iso


def nic_args(nets, tdir, launch_):
    """-netdev/-device/-object arguments for nets; fills in launch_'s
    peers, host ports and pcaps."""
    args = []
    for n in nets:
        if n.kind == "dgram":
            peer = netmod.Peer()
            qport = netmod.free_port("udp")
            peer.connect_to(("127.0.0.1", qport))
            launch_.peers[n.id] = peer
            args += ["-netdev",
                     f"dgram,id={n.id},local.type=inet,local.host=127.0.0.1,"
                     f"local.port={qport},remote.type=inet,"
                     f"remote.host=127.0.0.1,remote.port={peer.port}"]
            launch_.note += (f"# netdev {n.id}: the test's Python peer listened on "
                             f"127.0.0.1:{peer.port}; it is not recreated here.\n")
        elif n.kind == "user":
            opts = [f"user,id={n.id}"]
            for proto, gport in n.hostfwd:
                hport = netmod.free_port(proto)
                launch_.hostports[(proto, gport)] = hport
                opts.append(f"hostfwd={proto}:127.0.0.1:{hport}-:{gport}")
            for proto, gaddr, gport, hport in n.guestfwd:
                opts.append(f"guestfwd={proto}:{gaddr}:{gport}-"
                            f"{proto}:127.0.0.1:{hport}")
            if n.user_opts:
                opts.append(n.user_opts)
            args += ["-netdev", ",".join(opts)]
        else:
            raise ValueError(f"Net kind {n.kind!r}: use 'dgram' or 'user'")
        dev = f"{n.model},netdev={n.id},mac={n.mac}"
        if n.opts:
            dev += "," + n.opts
        args += ["-device", dev]
        if n.pcap:
            pcap = os.path.join(tdir, f"{n.id}.pcap")
            launch_.pcaps.append(pcap)
            args += ["-object", f"filter-dump,id=dump-{n.id},netdev={n.id},"
                     f"file={pcap}"]
    return args


def qemu_launch(spec, tdir, image):
    """QEMU (TCG) running our kernel directly: the default platform."""
    lf = Launch(argv=[])
    argv = [spec.qemu, "-m", str(spec.mem), "-smp", str(spec.smp),
            "-display", "none", "-serial", "stdio", "-monitor", "none",
            "-no-reboot"]
    if spec.machine:
        argv += ["-machine", spec.machine]
    if spec.boot == "iso":
        iso = image.path("bvlab.iso")
        if spec.cmdline is not None or spec.grub:
            iso = make_iso(tdir, image, spec.cmdline or "", spec.grub)
        argv += ["-cdrom", iso]
    elif spec.grub:
        raise ValueError(f"boot={spec.boot!r} has no GRUB for BootSpec.grub")
    elif spec.boot == "kernel":
        argv += ["-kernel", image.path("kernel.elf"),
                 "-append", spec.cmdline or "",
                 "-initrd", image.path("fs.img") + " fs.img"]
    elif spec.boot == "ide":
        if spec.cmdline:
            raise ValueError("boot='ide' has no kernel command line")
        argv += ["-drive", f"file={image.path('bvlab-ide.img')},index=0,"
                 "media=disk,format=raw,snapshot=on",
                 "-drive", f"file={image.path('fs.img')},index=1,"
                 "media=disk,format=raw,snapshot=on"]
    else:
        raise ValueError(f"boot={spec.boot!r}: use 'iso', 'kernel' or 'ide'")
    if spec.nets:
        argv += nic_args(spec.nets, tdir, lf)
    else:
        argv += ["-nic", "none"]
    if spec.gdb:
        lf.gdbport = netmod.free_port("tcp")
        argv += ["-S", "-gdb", f"tcp:127.0.0.1:{lf.gdbport}"]
        lf.note += ("# QEMU starts stopped: gdb -ex 'target remote "
                    f"127.0.0.1:{lf.gdbport}' build/kernel.elf, then e.g.\n"
                    "# `break main`, `continue`, `info registers`.\n")
    if spec.qmp:
        lf.qmpport = netmod.free_port("tcp")
        argv += ["-qmp", f"tcp:127.0.0.1:{lf.qmpport},server=on,wait=off"]
    argv += list(spec.extra)
    lf.argv = argv
    return lf


def repro_script(lf, nodeid, tree):
    """The text of repro.sh: the exact command, runnable by hand."""
    lines = ["#!/bin/sh",
             f"# Reproduce {nodeid}: the same QEMU command line, with the",
             "# serial console on this terminal (quit QEMU: Ctrl-C).",
             lf.note.rstrip("\n"),
             f"cd {shlex.quote(tree)} || exit 1"]
    lines += lf.prepare
    lines.append("exec " + " ".join(shlex.quote(a) for a in lf.argv))
    return "\n".join(x for x in lines if x) + "\n"
