# bvlab top-level build.
#
#   make            build build/bvlab.iso (GRUB + kernel + file system image)
#   make qemu       boot it in QEMU with the serial console on this terminal
#                   (lab 5 on: with nfsd serving $(B)/nfs-export, mk/nfsd.mk)
#   make qemu-gdb   the same, stopped for gdb (run `gdb` in this directory)
#   make test       install what is missing, build, run every check
#   make bench      print boot-time (and other) figures
#   make setup      install the Debian packages the kit needs, fetch lwIP
#   make distclean  make clean, and remove what setup fetched (mk/lwip.mk)
#
# Everything is built under $(B). Kernel and user sources are found by
# wildcard, so a lab tree in which later labs' files are absent still builds.

B       ?= build
K       := kernel
U       := kernel/user

# The system Python sees Debian's pytest/pexpect/scapy; a pyenv one may not.
PYTHON  ?= /usr/bin/python3
QEMU    ?= qemu-system-i386
CPUS    ?= 2
MEM     ?= 256
KCMDLINE ?=

# Quiet by default: one short line per step; `make V=1` shows the commands.
Q       := $(if $(V),,@)

CC      := gcc
LD      := ld
OBJCOPY := objcopy

CFLAGS  := -m32 -std=gnu11 -O2 -g -Wall -Werror -MD -MP \
           -ffreestanding -fno-builtin -nostdinc -fno-pic -fno-pie \
           -fno-stack-protector -fno-omit-frame-pointer -fno-strict-aliasing \
           -mno-sse -mno-mmx -mno-80387 -march=i686 -I$(K)
ASFLAGS := -m32 -g -Wall -Werror -MD -MP -fno-pic -fno-pie -I$(K) -I$(B)/$(K)
LDFLAGS := -m elf_i386 -nostdlib --fatal-warnings
# -N images (boot sector, AP trampoline, user programs) are deliberately one
# read-write-execute segment; newer ld warns about that, older ld lacks the flag.
LDFLAGS_N := -N $(shell $(LD) --help 2>/dev/null | grep -q no-warn-rwx-segments && echo --no-warn-rwx-segments)

KSRCS   := $(filter-out $(K)/entryother.S,$(wildcard $(K)/*.c $(K)/*.S $(K)/nfs/*.c))
KOBJS   := $(patsubst %,$(B)/%.o,$(basename $(KSRCS)))

ULIBSRC := $(wildcard $(U)/ulib.c $(U)/printf.c $(U)/umalloc.c $(U)/usys.S $(U)/inet.c)
ULIBOBJ := $(patsubst %,$(B)/%.o,$(basename $(ULIBSRC)))
UPROGS  := $(patsubst $(U)/%.c,$(B)/$(U)/%,$(filter-out $(ULIBSRC),$(wildcard $(U)/*.c)))
UCFLAGS := $(CFLAGS) -I$(U)

.PHONY: all iso ide-image qemu qemu-ide qemu-gdb test bench setup clean \
        compile_commands.json

all: iso

iso: $(B)/bvlab.iso

# ---------------------------------------------------------------- kernel

$(B)/$(K)/%.o: $(K)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(B)/$(K)/%.o: $(K)/%.S $(B)/$(K)/entryother.bin
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -c -o $@ $<

# The AP start-up code runs in real mode at 0x7000; it is linked there and
# kept as a flat binary that smp.c copies into place (see entryother_blob.S).
$(B)/$(K)/entryother.bin: $(K)/entryother.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -c -o $(B)/$(K)/entryother.o $<
	$(Q)$(LD) $(LDFLAGS) $(LDFLAGS_N) -e start -Ttext 0x7000 -o $(B)/$(K)/entryother.elf $(B)/$(K)/entryother.o
	$(Q)$(OBJCOPY) -S -O binary -j .text $(B)/$(K)/entryother.elf $@

$(B)/kernel.elf: $(KOBJS) $(K)/kernel.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(LDFLAGS) -T $(K)/kernel.ld -o $@ $(KOBJS)
	$(Q)objdump -S $@ > $(B)/kernel.asm
	$(Q)nm -n $@ > $(B)/kernel.sym

# ---------------------------------------------------------------- user

$(B)/$(U)/%.o: $(U)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(UCFLAGS) -c -o $@ $<

$(B)/$(U)/%.o: $(U)/%.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(CC) $(ASFLAGS) -I$(U) -c -o $@ $<

# User programs start at 0x1000 so that page 0 stays unmapped: a null
# pointer dereference kills the process instead of reading its own code.
$(B)/$(U)/%: $(B)/$(U)/%.o $(ULIBOBJ)
	@echo "  LD      $@"
	$(Q)$(LD) $(LDFLAGS) $(LDFLAGS_N) -e _start -Ttext 0x1000 -o $@ $^

# Keep the object files of user programs (make would delete intermediates).
.SECONDARY:

# ---------------------------------------------------------------- file system

$(B)/mkfs: $(K)/mkfs/mkfs.c $(K)/fs.h $(K)/param.h $(K)/stat.h $(K)/types.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)gcc -std=gnu11 -O2 -Wall -Werror -I$(K) -iquote $(K) -o $@ $<

$(B)/fs.img: $(B)/mkfs $(UPROGS) README.md
	@echo "  MKFS    $@"
	$(Q)$(B)/mkfs $@ README.md $(UPROGS)

# ---------------------------------------------------------------- boot images

# The ISO's kernel command line, KCMDLINE (e.g. `make qemu KCMDLINE=net=off`).
# The stamp is rewritten only when the value changes, so the ISO is rebuilt
# when KCMDLINE differs from the last build's, and only then.
$(B)/kcmdline: kcmdline-check
	@mkdir -p $(@D)
	@printf '%s\n' '$(KCMDLINE)' | cmp -s - $@ || printf '%s\n' '$(KCMDLINE)' > $@

.PHONY: kcmdline-check
kcmdline-check:

# GRUB ISO: the kernel is a multiboot image, the file system a module.
$(B)/bvlab.iso: $(B)/kernel.elf $(B)/fs.img tools/grub.cfg.in tools/mkiso.sh $(B)/kcmdline
	@echo "  ISO     $@"
	$(Q)tools/mkiso.sh $@ $(B)/kernel.elf $(B)/fs.img tools/grub.cfg.in "$(KCMDLINE)"

# IDE image (the lab-1 starting point): our boot sector, then the kernel.
ide-image: $(B)/bvlab-ide.img $(B)/fs.img

$(B)/bootblock: $(K)/boot/bootasm.S $(K)/boot/bootmain.c
	@mkdir -p $(B)/boot
	@echo "  BOOT    $@"
	$(Q)$(CC) $(CFLAGS) -Os -c -o $(B)/boot/bootmain.o $(K)/boot/bootmain.c
	$(Q)$(CC) $(ASFLAGS) -c -o $(B)/boot/bootasm.o $(K)/boot/bootasm.S
	$(Q)$(LD) $(LDFLAGS) $(LDFLAGS_N) -e start -Ttext 0x7C00 -o $(B)/boot/bootblock.elf \
		$(B)/boot/bootasm.o $(B)/boot/bootmain.o
	$(Q)$(OBJCOPY) -S -O binary -j .text $(B)/boot/bootblock.elf $@
	$(Q)$(PYTHON) tools/signboot.py $@

$(B)/bvlab-ide.img: $(B)/bootblock $(B)/kernel.elf
	@echo "  IMAGE   $@"
	$(Q)dd if=/dev/zero of=$@ bs=512 count=10000 status=none
	$(Q)dd if=$(B)/bootblock of=$@ conv=notrunc status=none
	$(Q)dd if=$(B)/kernel.elf of=$@ seek=1 conv=notrunc status=none

# ---------------------------------------------------------------- running

# The machine is the grader's: grader/run.py builds its command line with
# the function that builds every test's (grader/platform.py), so `make qemu`
# boots what `make grade` boots, with the serial console on this terminal
# (Ctrl-a x quits). QEMUEXTRA adds QEMU arguments verbatim. QEMUWRAP is a
# command that runs QEMU's in turn: from lab 5 on, mk/nfsd.mk makes it the
# one that starts nfsd on the host for the boot (`QEMUWRAP=` boots alone).
QEMUEXTRA ?=
QEMUWRAP ?=
RUNQEMU = $(QEMUWRAP) $(PYTHON) -m grader.run --qemu $(QEMU) --mem $(MEM) --smp $(CPUS) \
          $(if $(QEMUEXTRA),--extra '$(QEMUEXTRA)')

qemu: setup-if-needed $(B)/bvlab.iso
	$(RUNQEMU)

# The IDE disks are opened with snapshot=on: a run never changes them.
qemu-ide: setup-if-needed $(B)/bvlab-ide.img $(B)/fs.img
	$(RUNQEMU) --boot ide

GDBPORT ?= $(shell expr `id -u` % 5000 + 25000)

qemu-gdb: setup-if-needed $(B)/bvlab.iso .gdbinit
	@echo "*** Now run 'gdb -x .gdbinit' in another window (port $(GDBPORT))."
	$(RUNQEMU) --gdb $(GDBPORT)

.gdbinit: tools/gdbinit.in
	sed 's/@GDBPORT@/$(GDBPORT)/; s|@KERNEL@|$(B)/kernel.elf|' $< > $@

# ---------------------------------------------------------------- setup, tests

# Debian packages the kit needs. `make setup` is quick when all are present.
# netcat-openbsd is the `nc` that README and the lab-3 handout use to talk
# to the guest's services.
PACKAGES := qemu-system-x86 grub-pc-bin grub-common xorriso mtools gcc-multilib \
            python3 python3-pytest python3-pexpect python3-scapy python3-pytest-xdist expect dpkg-dev \
            netcat-openbsd
# The kit's own checks (tests/, staff tree only) read the GitHub workflow.
PACKAGES += $(if $(wildcard tests),python3-yaml)

setup:
	@tools/setup.sh $(PACKAGES)
	@$(LWIP_FETCH)

setup-if-needed:
	@tools/setup.sh --check $(PACKAGES) || tools/setup.sh $(PACKAGES)
	@$(LWIP_FETCH)

# Run the kit's checks on every core when pytest-xdist is there.
PYTEST_PAR = $(shell $(PYTHON) -c 'import xdist' 2>/dev/null && printf -- '-n auto')

# The staff tree runs the mutant check (every known student bug must lose
# points) and the kit's own checks (tests/, which also grades every lab);
# both always run, and either failing fails the target. A student tree has
# neither, so there it grades the current lab.
test: setup-if-needed
	$(MAKE) all ide-image
	@if [ -d tests ]; then \
		rc=0; \
		$(MAKE) --no-print-directory mutants || rc=1; \
		$(PYTHON) -m pytest -q -rs $(PYTEST_PAR) tests || rc=1; \
		exit $$rc; \
	else \
		$(MAKE) --no-print-directory grade GRADE_ARGS=--strict; \
	fi

bench: setup-if-needed all
	$(PYTHON) tools/bench.py

compile_commands.json:
	$(PYTHON) tools/compile_commands.py > $@

clean:
	rm -rf $(B) .gdbinit compile_commands.json

include $(wildcard mk/*.mk)

-include $(B)/$(K)/*.d $(B)/$(U)/*.d
