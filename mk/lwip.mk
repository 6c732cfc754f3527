# lwIP 2.1.3, the TCP/IP stack that lab 3 ports into the kernel: where its
# sources are and which of them the kernel will build.
#
#   make lwip-check     check that the tree is there, is 2.1.3, and holds
#                       every file of the lists below
#   make distclean      make clean, and remove fetched/ (the next setup
#                       fetches lwIP again)
#   LWIP_SRC=dir        use that lwIP 2.1.3 tree instead of the fetched one
#
# lwIP is a dependency, never committed: make setup and setup-if-needed run
# tools/fetch-lwip.sh, which unpacks Debian's orig tarball (SHA-256 checked)
# into $(LWIP_FETCHED), or only checks the tree LWIP_SRC names.
# The file lists are lwIP's own, read from its src/Filelists.mk. Where the
# port (kernel/net/) exists, the kernel builds them (end of this file).

LWIP_VERSION := 2.1.3
LWIP_FETCHED := fetched/lwip-$(LWIP_VERSION)
LWIP_GIVEN   := $(if $(LWIP_SRC),$(abspath $(LWIP_SRC)))
LWIP_DIR     := $(or $(LWIP_GIVEN),$(LWIP_FETCHED))
LWIP_INC     := $(LWIP_DIR)/src/include

# Run by setup and setup-if-needed, after the packages (apt-get source
# needs dpkg-dev). It is told only the tree the user gave. Only a tree that
# builds lwIP (the port, kernel/net/, is there: lab 3 on) or the staff kit
# needs it: a student on labs 1-2 fetches nothing.
LWIP_NEEDED  := $(wildcard kernel/net tools/labtree.py)
LWIP_FETCH    = $(if $(LWIP_NEEDED),LWIP_SRC='$(LWIP_GIVEN)' tools/fetch-lwip.sh,true)

# The makes that this one starts in other trees (lab trees, mutants, student
# repositories under test) use this checkout's lwIP instead of each fetching
# its own: they find it in LWIP_SRC, exported, absolute.
override LWIP_SRC := $(abspath $(LWIP_DIR))
export LWIP_SRC

# Filelists.mk names its files under $(LWIPDIR). Before the first fetch
# there is no such file, and the lists are empty.
LWIPDIR      := $(LWIP_DIR)/src
-include $(LWIPDIR)/Filelists.mk

# The core, IPv4, the sequential and socket APIs, and Ethernet (ARP).
LWIP_SRCS    := $(COREFILES) $(CORE4FILES) $(APIFILES) \
                $(filter %/netif/ethernet.c,$(NETIFFILES))

.PHONY: lwip-check distclean

# ---------------------------------------------------------------- the port
#
# Where kernel/net/ exists (lab 3 on), the kernel also links the port
# (kernel/net/*.c, objects under $(B)/kernel/net/) and lwIP's files
# (objects under $(B)/lwip/), both with the kernel's CFLAGS plus lwIP's
# headers, the port's (arch/cc.h, arch/sys_arch.h, lwipopts.h), and, as
# system headers for these objects only, kernel/net/include (the string.h
# and stdlib.h that lwIP includes, declaring the kernel's functions) and
# gcc's own freestanding headers (stddef.h, stdint.h, stdarg.h; not
# limits.h, see arch/cc.h). Trees without kernel/net/ build as before.

ifneq ($(wildcard $(K)/net/*.c),)
# A tree that builds lwIP fetches it on its first build, whatever the
# target: make remakes the missing Filelists.mk with the fetch, then starts
# again with the lists read (not for a bare `make clean` or `distclean`).
ifeq ($(and $(MAKECMDGOALS),$(if $(filter-out clean distclean,$(MAKECMDGOALS)),,y)),)
$(LWIPDIR)/Filelists.mk:
	@$(LWIP_FETCH)
endif

NET_SRCS     := $(wildcard $(K)/net/*.c)
NET_OBJS     := $(patsubst %.c,$(B)/%.o,$(NET_SRCS))
LWIP_OBJS    := $(patsubst $(LWIPDIR)/%.c,$(B)/lwip/%.o,$(LWIP_SRCS))
NET_CFLAGS   := $(CFLAGS) -I$(K)/net -I$(LWIP_INC) -isystem $(K)/net/include \
                -isystem $(shell $(CC) -print-file-name=include)
# lwIP's own files build with -Wall -Werror as they are (gcc 12): no
# warning is switched off. Should a compiler need one, it goes here, once,
# with its reason.
LWIP_CFLAGS  := $(NET_CFLAGS)

KOBJS        += $(NET_OBJS) $(LWIP_OBJS)
$(B)/kernel.elf: $(NET_OBJS) $(LWIP_OBJS)

$(B)/$(K)/net/%.o: $(K)/net/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(NET_CFLAGS) -c -o $@ $<

$(B)/lwip/%.o: $(LWIPDIR)/%.c
	@mkdir -p $(@D)
	@echo "  CC      $(patsubst $(LWIPDIR)/%,lwip/%,$<)"
	$(Q)$(CC) $(LWIP_CFLAGS) -c -o $@ $<

-include $(NET_OBJS:.o=.d) $(LWIP_OBJS:.o=.d)
endif

lwip-check:
	@tools/fetch-lwip.sh --check $(LWIP_DIR)
	@test -n "$(LWIP_SRCS)" || { echo "lwip-check: no file lists read from" \
		"$(LWIPDIR)/Filelists.mk (fetched by this very make? run it again)"; exit 1; }
	@ok=1; for f in $(LWIP_SRCS); do \
		test -f "$$f" || { echo "lwip-check: $$f is missing"; ok=0; }; \
	done; test $$ok = 1
	@echo "lwip-check: lwIP $(LWIP_VERSION) in $(LWIP_DIR): all $(words $(LWIP_SRCS))" \
		"files of its core, IPv4, API and Ethernet lists are there"

distclean: clean
	rm -rf fetched
