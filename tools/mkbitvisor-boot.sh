#!/bin/sh
# mkbitvisor-boot.sh BITVISOR_ELF OUT.iso
#
# Wrap a bitvisor.elf that the user built (see bitvisor-patches/README.md;
# the kit never builds BitVisor) into a GRUB rescue ISO. QEMU boots this ISO
# as its CD-ROM first; GRUB loads BitVisor as a Multiboot kernel, and
# BitVisor then boots the MBR of the first hard disk, where the kit puts the
# guest image (build/bvlab-bv.iso).
#
# BitVisor boots whatever BIOS drive the Multiboot boot_device names, and
# GRUB fills that in from $root. Left alone it would name the CD-ROM and
# BitVisor would boot this ISO again, so the menu entry points $root at the
# first hard disk and loads bitvisor.elf from the CD by its full name.
# GRUB's own messages go to COM1, which becomes BitVisor's log.
set -e

if [ $# -ne 2 ]; then
	echo "usage: $0 BITVISOR_ELF OUT.iso" >&2
	exit 2
fi
elf=$1
out=$2

if [ ! -f "$elf" ]; then
	echo "$0: $elf: no such file (build bitvisor.elf as in bitvisor-patches/README.md)" >&2
	exit 1
fi
if command -v grub-file >/dev/null 2>&1 && ! grub-file --is-x86-multiboot "$elf"; then
	echo "$0: $elf is not a Multiboot kernel; is it BitVisor's bitvisor.elf?" >&2
	exit 1
fi

# $work/iso becomes the ISO; the log stays outside it.
work=$(mktemp -d "${TMPDIR:-/tmp}/bvboot.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/iso/boot/grub"
cp "$elf" "$work/iso/boot/bitvisor.elf"
cat > "$work/iso/boot/grub/grub.cfg" <<'CFG'
serial --unit=0 --speed=115200
terminal_output serial console
set timeout=0
set default=0

menuentry "BitVisor (then boot the first hard disk)" {
    set root=(hd0)
    multiboot (cd)/boot/bitvisor.elf
}
CFG
if ! grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" "$work/iso" >"$work/log" 2>&1; then
	cat "$work/log" >&2
	exit 1
fi
