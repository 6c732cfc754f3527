# The kit on BitVisor: our kernel as the guest of the BitVisor hypervisor.
#
#   make bitvisor       BITVISOR_SRC=dir         patch, configure and build
#                                                dir/bitvisor.elf from a
#                                                BitVisor checkout
#   make qemu-bitvisor  BITVISOR_ELF=path        run it; the guest's shell on
#                                                this terminal (C-a x quits)
#   make grade-bitvisor BITVISOR_ELF=path [LAB=N] grade with BitVisor as host
#   make bitvisor-images BITVISOR_ELF=path       only build the two images
#
# qemu-bitvisor, grade-bitvisor and bitvisor-images take BITVISOR_SRC=dir
# instead of BITVISOR_ELF: they run `make bitvisor` first and use
# dir/bitvisor.elf. The kit never downloads BitVisor and never commits it;
# the user supplies the checkout (bitvisor-patches/README.md names the
# tested commit and the by-hand steps that `make bitvisor` automates).
# Without BITVISOR_ELF or BITVISOR_SRC, grade-bitvisor says the tier was
# skipped and succeeds, so CI and `make test` can always call it.
#
# `make bitvisor` leaves the checkout ready to build by hand as well: it
# applies bitvisor-patches/*.patch (each only if not applied yet), copies
# the packet-policy module (bitvisor-patches/module/, lab 6; absent from
# lab 1-5 trees) into dir/net/, writes .config from bvlab.config when the
# checkout has none of ours, writes dir/defconfig from the patched
# defconfig.tmpl (always: BitVisor's make copies it only when missing)
# with net=pass turned into net=bvpolicy where the module is present,
# and runs BitVisor's make. BVPOLICY=text sets the module's rule list
# (net=bvpolicy:text); empty means the module's compiled-in default, the
# test policy lab 6's tests expect. grade-bitvisor builds labs 1-5 with
# BVPOLICY=allow-all unless BVPOLICY is given.
#
# The machine: QEMU's software CPU offers virtualization only as AMD SVM
# (-cpu EPYC,+svm), and BitVisor fails with System Management Mode on
# (-machine pc,smm=off). The CD-ROM, which boots first, is GRUB with
# bitvisor.elf ($(B)/bitvisor-boot.iso, tools/mkbitvisor-boot.sh); the
# first hard disk is the guest image ($(B)/bvlab-bv.iso, a GRUB ISO whose
# MBR BitVisor boots). BitVisor hides 128 MiB at the top of RAM from the
# guest, hence the larger BVMEM. It owns COM1, whose output goes to
# $(B)/bitvisor-com1.log; the guest's GRUB and kernel use COM2, which is
# this terminal. The NIC is an e1000 (8086:100e): BitVisor drives it and
# shows the guest a virtio-net device instead. BVNET is make qemu's network
# (QEMUNET, same back end) with the NIC model swapped for e1000.

BITVISOR_ELF ?=
BITVISOR_SRC ?=
BVPOLICY ?=
BVJOBS  ?= 2
BVQEMU  ?= qemu-system-x86_64
BVMEM   ?= 512
BVNET   ?= $(subst virtio-net-pci,e1000,$(QEMUNET))
# One CPU: QEMU's emulated SVM lacks VM_CR.R_INIT, so the guest's INIT IPI
# resets a second CPU out of BitVisor's control and it then runs our kernel
# natively, outside the hypervisor (its port I/O never reaches BitVisor's
# virtio-net). Real machines do not have this problem.
BVCPUS  ?= 1
# BitVisor's start-up under TCG adds tens of seconds before the guest runs.
BVTIMEOUT_SCALE ?= 3

BVCPU   := -cpu EPYC,+svm -machine pc,smm=off

BVPATCHES := $(sort $(wildcard bitvisor-patches/*.patch))
BVMODULE  := $(wildcard bitvisor-patches/module/bvpolicy.h \
                        bitvisor-patches/module/bvpolicy.c \
                        bitvisor-patches/module/policy.c)

# The netapi module BitVisor's defconfig selects: ours where the tree has
# it (lab 6 on), else patch 0002's net=pass.
BV_NET := $(if $(BVMODULE),bvpolicy$(if $(BVPOLICY),:$(BVPOLICY)),pass)

# A checkout given: it is built first, and its bitvisor.elf is the one used.
ifneq ($(strip $(BITVISOR_SRC)),)
override BITVISOR_ELF := $(abspath $(BITVISOR_SRC))/bitvisor.elf
BV_BUILD_FIRST := bitvisor
endif

# Labs 1-5 are graded with the module passing everything (lab 3's tests
# talk to 10.0.2.99 and use static addresses, which the test policy
# denies); lab 6 with the module's default, the test policy.
BVPOLICY_GRADE := $(if $(filter command line environment,$(origin BVPOLICY)),$(BVPOLICY),$(if $(filter 1 2 3 4 5,$(LAB)),allow-all,))

.PHONY: bitvisor qemu-bitvisor grade-bitvisor bitvisor-images bitvisor-need-elf

define bitvisor-howto
echo "  Build bitvisor.elf with make bitvisor BITVISOR_SRC=/path/to/bitvisor-checkout"; \
echo "  or by hand as in bitvisor-patches/README.md, then run"; \
echo "  make $(or $(filter-out bitvisor,$(MAKECMDGOALS)),qemu-bitvisor) BITVISOR_ELF=/path/to/bitvisor.elf"
endef

# Patch, configure and build a BitVisor checkout (see the top of this
# file). Every step can be repeated: a patch that is already in the tree
# is skipped, files are copied only when they differ, BitVisor's make
# rebuilds only what changed. GNU patch, not git, so that a checkout
# without .git (an unpacked archive, a Mercurial clone) works as well.
bitvisor:
	@test -n "$(BITVISOR_SRC)" || { echo "BITVISOR_SRC is not set: name a BitVisor checkout, e.g."; \
		echo "  git clone https://github.com/matsu/bitvisor.git ~/bitvisor"; \
		echo "  git -C ~/bitvisor checkout 66559d62e2932a9c416e541a43bf0ccc0557cd06"; \
		echo "  make bitvisor BITVISOR_SRC=~/bitvisor"; \
		echo "(the kit never downloads BitVisor; bitvisor-patches/README.md)"; exit 2; }
	@for f in net/netapi.c include/net/netapi.h defconfig.tmpl Makefile.config; do \
		test -f "$(BITVISOR_SRC)/$$f" || { echo "BITVISOR_SRC=$(BITVISOR_SRC): no $$f there;" \
			"is it a BitVisor checkout (bitvisor-patches/README.md names the tested commit)?"; exit 2; }; done
	@case '$(BVPOLICY)' in *[,\"=\|\\]*) echo "BVPOLICY='$(BVPOLICY)': BitVisor's configuration" \
		"cannot carry , \" = | or \\ in an option (bitvisor-patches/module/README.md)"; exit 2;; esac
	@for p in $(abspath $(BVPATCHES)); do \
		if patch -d "$(BITVISOR_SRC)" -p1 -R -f -s --dry-run < $$p >/dev/null 2>&1; then \
			echo "  PATCH   $${p##*/}: already applied"; \
		elif patch -d "$(BITVISOR_SRC)" -p1 -N -f -s --dry-run < $$p >/dev/null 2>&1; then \
			echo "  PATCH   $${p##*/}"; patch -d "$(BITVISOR_SRC)" -p1 -N -f -s < $$p || exit 1; \
		else echo "$${p##*/} does not apply to $(BITVISOR_SRC) (not the tested commit?);" \
			"apply it by hand, see bitvisor-patches/README.md"; \
			patch -d "$(BITVISOR_SRC)" -p1 -N -f --dry-run < $$p; exit 1; fi; done
	@for f in $(BVMODULE); do cmp -s $$f "$(BITVISOR_SRC)/net/$${f##*/}" || \
		{ echo "  COPY    $$f -> net/"; cp $$f "$(BITVISOR_SRC)/net/"; } || exit 1; done
	@grep -qx 'CONFIG_TTY_SERIAL=y' "$(BITVISOR_SRC)/.config" 2>/dev/null || { \
		echo "  CONFIG  .config from bitvisor-patches/bvlab.config"; \
		cp bitvisor-patches/bvlab.config "$(BITVISOR_SRC)/.config" && \
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) -s -C "$(BITVISOR_SRC)" \
			-f Makefile.config default-config PYTHON=$(PYTHON) >/dev/null; } || exit 1
	@sed -e '/\.pci = /s|net=[^,"]*|net=$(BV_NET)|' \
		"$(BITVISOR_SRC)/defconfig.tmpl" > "$(BITVISOR_SRC)/defconfig.new" && \
	if cmp -s "$(BITVISOR_SRC)/defconfig.new" "$(BITVISOR_SRC)/defconfig"; then \
		rm "$(BITVISOR_SRC)/defconfig.new"; \
	else echo "  CONFIG  defconfig from defconfig.tmpl, net=$(BV_NET)"; \
		mv "$(BITVISOR_SRC)/defconfig.new" "$(BITVISOR_SRC)/defconfig"; fi
	@grep 'pci = ' "$(BITVISOR_SRC)/defconfig" | sed 's/^[[:space:]]*/  PCI     /'
	@echo "  MAKE    BitVisor in $(BITVISOR_SRC) (about 40 s the first time)"
	@env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(MAKE) -C "$(BITVISOR_SRC)" -j$(BVJOBS) \
		PYTHON=$(PYTHON) > "$(BITVISOR_SRC)/bvlab-build.log" 2>&1 || { \
		tail -30 "$(BITVISOR_SRC)/bvlab-build.log"; \
		echo "BitVisor's build failed; its log: $(BITVISOR_SRC)/bvlab-build.log"; exit 1; }
	@echo "  BUILT   $(abspath $(BITVISOR_SRC))/bitvisor.elf"

bitvisor-need-elf: $(BV_BUILD_FIRST)
	@test -n "$(BITVISOR_ELF)" || { echo "Neither BITVISOR_ELF nor BITVISOR_SRC is set."; \
		$(bitvisor-howto); exit 1; }
	@test -f "$(BITVISOR_ELF)" || { echo "BITVISOR_ELF=$(BITVISOR_ELF): no such file."; \
		$(bitvisor-howto); exit 1; }

# The guest disk: like $(B)/bvlab.iso, but GRUB and the kernel on COM2.
$(B)/bvlab-bv.iso: $(B)/kernel.elf $(B)/fs.img tools/grub-bitvisor.cfg.in tools/mkiso.sh \
                  $(B)/kcmdline
	tools/mkiso.sh $@ $(B)/kernel.elf $(B)/fs.img tools/grub-bitvisor.cfg.in "$(KCMDLINE)"

# Rebuilt every time: BITVISOR_ELF may name another file than last time.
bitvisor-images: bitvisor-need-elf $(B)/bvlab-bv.iso
	tools/mkbitvisor-boot.sh "$(BITVISOR_ELF)" $(B)/bitvisor-boot.iso

qemu-bitvisor: setup-if-needed bitvisor-images
	@echo "*** BitVisor's log (COM1): $(B)/bitvisor-com1.log; the guest's console (COM2) follows."
	$(QEMUWRAP) $(BVQEMU) $(BVCPU) -m $(BVMEM) -smp $(BVCPUS) -no-reboot -display none \
		-boot order=d -cdrom $(B)/bitvisor-boot.iso \
		-drive file=$(B)/bvlab-bv.iso,index=0,media=disk,format=raw,snapshot=on \
		-serial file:$(B)/bitvisor-com1.log -serial mon:stdio \
		$(if $(strip $(BVNET)),$(BVNET),-nic none)

# The grader runs the lab's tests unchanged; grader/platform_bitvisor.py
# builds each test's machine as above, with the test's NICs as e1000s.
grade-bitvisor:
ifeq ($(strip $(BITVISOR_ELF)),)
	@echo "BitVisor tier skipped: neither BITVISOR_ELF nor BITVISOR_SRC is set (no bitvisor.elf to test with)."
	@$(bitvisor-howto)
else
	$(MAKE) bitvisor-images $(if $(BITVISOR_SRC),BVPOLICY='$(BVPOLICY_GRADE)')
	BVLAB_PLATFORM=bitvisor BITVISOR_ELF="$(abspath $(BITVISOR_ELF))" \
	BITVISOR_BOOT_ISO="$(abspath $(B)/bitvisor-boot.iso)" \
	GRADER_TIMEOUT_SCALE=$${GRADER_TIMEOUT_SCALE:-$(BVTIMEOUT_SCALE)} \
		$(MAKE) grade
endif
