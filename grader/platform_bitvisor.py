"""The BitVisor platform: every test machine runs our kernel as the guest
of the BitVisor hypervisor, itself running in QEMU (BVLAB_PLATFORM=bitvisor,
normally through `make grade-bitvisor BITVISOR_ELF=path`).

The tests do not change; launch() turns their BootSpec into this machine:

  CPU       qemu-system-x86_64 -cpu EPYC,+svm -machine pc,smm=off: QEMU's
            software CPU offers virtualization only as AMD SVM, and
            BitVisor fails with System Management Mode on.
  CD-ROM    GRUB with the user's bitvisor.elf (tools/mkbitvisor-boot.sh);
            boots first. BitVisor then boots the first hard disk's MBR.
  disk 0    the guest: a GRUB ISO like the tree's, but from
            tools/grub-bitvisor.cfg.in (GRUB and the kernel on COM2, since
            BitVisor owns COM1), with the test's kernel command line and
            GRUB commands (BootSpec.grub), made by tools/mkiso.sh.
            boot="ide" puts our own boot sector there instead, as on QEMU.
  memory    the test's plus BV_EXTRA_MEM, so the guest sees what the test
            asked for: BitVisor keeps the 128 MiB below the last 4 MiB
            boundary under the top of RAM and hides everything from there
            up (measured: -m 388 gives the guest exactly [0, 256 MiB)).
  CPUs      one, whatever the test asks: QEMU's emulated SVM lacks
            VM_CR.R_INIT, so the guest's INIT IPI resets a second CPU out
            of BitVisor's hands and it runs our kernel natively, where its
            port I/O never reaches BitVisor's virtio-net.
  serial    COM1 (BitVisor's log) to bitvisor.log in the test directory;
            COM2 (the guest's console) on stdio, which Machine drives.
  NICs      every NIC the test asks for becomes an e1000 (8086:100e) on the
            same back end (dgram peer, slirp, pcap dump): BitVisor drives it
            with pro1000 and shows the guest a virtio-net device instead,
            so the test still talks to a virtio-net driver. Options meant
            for QEMU's virtio-net (disable-modern=on, ...) do not apply.

Images are cached in the run's image directory, one guest ISO per kernel
command line, written under a temporary name and renamed, so parallel
workers can share them.
"""

import dataclasses
import hashlib
import os
import subprocess
import tempfile

from . import platform as plat

QEMU = os.environ.get("BVQEMU", "qemu-system-x86_64")
CPU = ["-cpu", "EPYC,+svm"]
BV_EXTRA_MEM = 132          # MiB: BitVisor's 128 MiB and the 4 MiB above
NIC_MODEL = "e1000"
BV_CPUS = 1                 # see "CPUs" above
# The wire ends in an Intel NIC, which pads every received frame shorter
# than 60 bytes with zeros (as a real sender would have): on this platform
# no runt reaches the guest, and a short frame the guest echoes comes back
# 60 bytes long. Tests compare with grader.as_received(expected).
MIN_RX_FRAME = 60


def tree():
    return os.environ.get("BVLAB_TREE", plat.TOP)


def _publish(tmp, final):
    """Rename a finished file into place (atomic; the last writer wins)."""
    os.replace(tmp, final)
    return final


def bitvisor_boot_iso(image):
    """The GRUB CD with bitvisor.elf: the one make built, or our own."""
    given = os.environ.get("BITVISOR_BOOT_ISO")
    if given and os.path.exists(given):
        return given
    elf = os.environ.get("BITVISOR_ELF", "")
    if not elf or not os.path.isfile(elf):
        raise RuntimeError(
            "BVLAB_PLATFORM=bitvisor needs BITVISOR_ELF=/path/to/bitvisor.elf "
            f"(now {elf!r}); build it as in bitvisor-patches/README.md and run "
            "make grade-bitvisor BITVISOR_ELF=...")
    final = image.path("bitvisor-boot.iso")
    if os.path.exists(final):
        return final
    fd, tmp = tempfile.mkstemp(suffix=".iso", dir=image.dir)
    os.close(fd)
    r = subprocess.run([os.path.join(tree(), "tools", "mkbitvisor-boot.sh"),
                        elf, tmp], capture_output=True, text=True)
    if r.returncode != 0:
        os.unlink(tmp)
        raise RuntimeError(f"mkbitvisor-boot.sh failed:\n{r.stderr[-2000:]}")
    return _publish(tmp, final)


def guest_iso(image, cmdline, grub=()):
    """The guest disk for kernel command line cmdline (None: the default)
    with GRUB commands grub before the kernel is loaded (BootSpec.grub)."""
    cmdline = cmdline or ""
    with open(os.path.join(tree(), "tools", "grub-bitvisor.cfg.in")) as f:
        cfg = plat.grub_cfg(f.read(), grub)
    key = hashlib.sha1((cmdline + "\0" + cfg).encode()).hexdigest()[:12]
    final = image.path(f"bvlab-bv-{key}.iso")
    if os.path.exists(final):
        return final
    fd, cfgfile = tempfile.mkstemp(suffix=".cfg.in", dir=image.dir)
    with os.fdopen(fd, "w") as f:
        f.write(cfg)
    tmp = cfgfile + ".iso"
    try:
        r = subprocess.run([os.path.join(tree(), "tools", "mkiso.sh"), tmp,
                            image.path("kernel.elf"), image.path("fs.img"),
                            cfgfile, cmdline], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"tools/mkiso.sh failed:\n{r.stderr[-2000:]}")
        return _publish(tmp, final)
    finally:
        os.unlink(cfgfile)


def disk(path, index):
    return ["-drive", f"file={path},index={index},media=disk,format=raw,"
            "snapshot=on"]


def as_e1000(n):
    """The test's NIC as the Intel NIC BitVisor turns into virtio-net.
    romfile= skips the PXE ROM, which only slows the firmware down."""
    return dataclasses.replace(n, model=NIC_MODEL, opts="romfile=")


def launch(spec, tdir, image):
    lf = plat.Launch(argv=[])
    machine = f"{spec.machine or 'pc'},smm=off"
    com1 = os.path.join(tdir, "bitvisor.log")
    argv = [QEMU] + CPU + ["-machine", machine,
                           "-m", str(spec.mem + BV_EXTRA_MEM),
                           "-smp", str(BV_CPUS),
                           "-display", "none", "-monitor", "none",
                           "-no-reboot",
                           "-serial", f"file:{com1}", "-serial", "stdio",
                           "-boot", "order=d",
                           "-cdrom", bitvisor_boot_iso(image)]
    if spec.boot in ("iso", "kernel"):
        # No QEMU -kernel here: BitVisor boots disks, so "kernel" becomes
        # GRUB with the same command line.
        argv += disk(guest_iso(image, spec.cmdline, spec.grub), 0)
    elif spec.boot == "ide":
        if spec.cmdline or spec.grub:
            raise ValueError("boot='ide' has no GRUB and no kernel command line")
        argv += disk(image.path("bvlab-ide.img"), 0)
        argv += disk(image.path("fs.img"), 1)
    else:
        raise ValueError(f"boot={spec.boot!r}: use 'iso', 'kernel' or 'ide'")
    if spec.nets:
        argv += plat.nic_args([as_e1000(n) for n in spec.nets], tdir, lf)
    else:
        argv += ["-nic", "none"]
    argv += list(spec.extra)
    lf.argv = argv
    lf.note += (f"# BitVisor {os.environ.get('BITVISOR_ELF', '?')} is the host;"
                f" its own log (COM1) is {com1}.\n")
    return lf
