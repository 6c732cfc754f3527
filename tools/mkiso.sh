#!/bin/sh
# Make a bootable GRUB ISO for the kernel (the one place that knows how).
#   tools/mkiso.sh OUT.iso KERNEL.elf FS.img GRUB.cfg.in "KERNEL COMMAND LINE"
# The kernel goes in without debug information and the file system image
# gzip'd: GRUB reads both through BIOS calls, which are slow under software
# emulation, and unzips the module on the fly (gzio). Used by the Makefile,
# the grader (per-test command lines) and mk/bitvisor.mk.
set -e
[ $# -eq 5 ] || { echo "usage: $0 OUT.iso KERNEL FS.img GRUB.cfg.in CMDLINE" >&2; exit 2; }
out=$1 kernel=$2 fs=$3 cfg=$4 cmdline=$5

root=$(mktemp -d "${TMPDIR:-/tmp}/bvlab-iso.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub"
objcopy --strip-debug "$kernel" "$root/boot/kernel.elf"
gzip -9 -n -c "$fs" > "$root/boot/fs.img.gz"
sed "s|@KCMDLINE@|$cmdline|" "$cfg" > "$root/boot/grub/grub.cfg"
if ! grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out.tmp" "$root" > "$root.log" 2>&1; then
    cat "$root.log" >&2; rm -f "$root.log" "$out.tmp"; exit 1
fi
rm -f "$root.log"
mv "$out.tmp" "$out"
