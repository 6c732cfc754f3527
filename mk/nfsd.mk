# nfsd, lab 5's file server on the host (nfsd/, protocol in
# handouts/nfs-protocol.md).
#
#   make nfsd        build $(B)/nfsd/nfsd (a Linux program, not the guest's)
#   make nfsd-unit   build $(B)/nfsd/unit, the decoder and confinement tests
#   make fuzz        run the libFuzzer target for FUZZ_SECONDS (default 600)
#                    on a copy of the corpus kept in nfsd/fuzz/corpus/
#   make qemu        (and qemu-gdb, qemu-ide, qemu-bitvisor) with nfsd
#                    serving NFSEXPORT on NFSPORT for as long as QEMU runs
#
# tests/test_nfsd*.py build these and run them in `make test` (the fuzzer
# for a bounded time). The fuzzer needs clang and libFuzzer's runtime:
# Debian 12's clang-14 keeps libclang_rt.fuzzer-x86_64.a in
# libclang-rt-14-dev, which clang only recommends (and setup installs no
# recommends), so both are named here: libclang-rt-dev is the package that
# depends on the runtime of the default clang. Only the staff kit (tests/)
# fuzzes, so only it installs them.

NFSD_DIR    := nfsd
NFSD_B      := $(B)/nfsd
NFSD_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_FORTIFY_SOURCE=2
NFSD_LIB    := $(NFSD_DIR)/wire.c $(NFSD_DIR)/path.c $(NFSD_DIR)/ops.c
NFSD_HDRS   := $(wildcard $(NFSD_DIR)/*.h)
FUZZ_SECONDS ?= 600

PACKAGES    += $(if $(wildcard tests),clang libclang-rt-dev)

.PHONY: nfsd nfsd-unit fuzz

nfsd: $(NFSD_B)/nfsd

$(NFSD_B)/nfsd: $(NFSD_LIB) $(NFSD_DIR)/main.c $(NFSD_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)gcc $(NFSD_CFLAGS) -o $@ $(NFSD_LIB) $(NFSD_DIR)/main.c

nfsd-unit: $(NFSD_B)/unit

$(NFSD_B)/unit: $(NFSD_LIB) $(NFSD_DIR)/test/unit.c $(NFSD_HDRS)
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(Q)gcc $(NFSD_CFLAGS) -I$(NFSD_DIR) -o $@ $(NFSD_LIB) $(NFSD_DIR)/test/unit.c

$(NFSD_B)/fuzz_nfsd: $(NFSD_LIB) $(NFSD_DIR)/fuzz/fuzz_nfsd.c $(NFSD_HDRS)
	@mkdir -p $(@D)
	@echo "  CLANG   $@"
	$(Q)clang -std=gnu11 -O1 -g -Wall -Wextra -Werror -I$(NFSD_DIR) \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o $@ $(NFSD_LIB) $(NFSD_DIR)/fuzz/fuzz_nfsd.c

# The corpus in the tree stays as it is; new inputs go to a copy.
fuzz: $(NFSD_B)/fuzz_nfsd
	@rm -rf $(NFSD_B)/corpus && mkdir -p $(NFSD_B)/corpus
	@cp $(NFSD_DIR)/fuzz/corpus/* $(NFSD_B)/corpus/
	$(NFSD_B)/fuzz_nfsd -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-timeout=10 -rss_limit_mb=2048 -artifact_prefix=$(NFSD_B)/ $(NFSD_B)/corpus

# ---------------------------------------------------------------- make qemu
#
# The interactive targets build nfsd and run QEMU through
# tools/qemu-nfsd.sh (QEMUWRAP, Makefile), which serves the demo export
# NFSEXPORT (made if missing; its README rewritten, the rest left alone)
# on the host's 127.0.0.1:NFSPORT: the guest's 10.0.2.2:/README is that
# directory's README. When NFSPORT is taken, the script says so, serves on
# the next free port and prints the explicit form 10.0.2.2:PORT:/README.
# nfsd stops when QEMU does. `make qemu QEMUWRAP=` boots without it.

NFSEXPORT   ?= $(B)/nfs-export
# The port the guest's client assumes when a path names none (nfs.h).
NFS_PORT    := $(shell sed -n 's/^\#define NFS_PORT *\([0-9]*\).*/\1/p' $(K)/nfs.h)
NFSPORT     ?= $(NFS_PORT)

QEMUWRAP    = tools/qemu-nfsd.sh $(NFSD_B)/nfsd $(NFSEXPORT) $(NFSPORT) $(NFS_PORT) --

qemu qemu-gdb qemu-ide qemu-bitvisor: $(if $(QEMUWRAP),$(NFSD_B)/nfsd)
