# The kit on BitVisor: our kernel as the guest of the BitVisor hypervisor.
#
#   make qemu-bitvisor  BITVISOR_ELF=path        run it; the guest's shell on
#                                                this terminal (C-a x quits)
#   make grade-bitvisor BITVISOR_ELF=path [LAB=N] grade with BitVisor as host
#   make bitvisor-images BITVISOR_ELF=path       only build the two images
#
# The kit never builds BitVisor: bitvisor-patches/README.md says how to
# build bitvisor.elf by hand. Without BITVISOR_ELF, grade-bitvisor says the
# tier was skipped and succeeds, so CI and `make test` can always call it.
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

.PHONY: qemu-bitvisor grade-bitvisor bitvisor-images bitvisor-need-elf

define bitvisor-howto
echo "  Build bitvisor.elf as in bitvisor-patches/README.md, then run"; \
echo "  make $(or $(MAKECMDGOALS),qemu-bitvisor) BITVISOR_ELF=/path/to/bitvisor.elf"
endef

bitvisor-need-elf:
	@test -n "$(BITVISOR_ELF)" || { echo "BITVISOR_ELF is not set."; \
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
	@echo "BitVisor tier skipped: BITVISOR_ELF is not set (no bitvisor.elf to test with)."
	@$(bitvisor-howto)
else
	$(MAKE) bitvisor-images
	BVLAB_PLATFORM=bitvisor BITVISOR_ELF="$(abspath $(BITVISOR_ELF))" \
	BITVISOR_BOOT_ISO="$(abspath $(B)/bitvisor-boot.iso)" \
	GRADER_TIMEOUT_SCALE=$${GRADER_TIMEOUT_SCALE:-$(BVTIMEOUT_SCALE)} \
		$(MAKE) grade
endif
