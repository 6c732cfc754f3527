# Lab 2 on: `make qemu` (and qemu-ide, qemu-gdb) get a virtio-net NIC on
# QEMU's user-mode network (slirp: no root needed; the host is 10.0.2.2).
# Override QEMUNET to change it, e.g. QEMUNET="-netdev ... -device ..." or
# QEMUNET= for no NIC. romfile= skips the NIC's PXE boot ROM (not needed,
# and it slows the firmware down).
QEMUNET ?= -netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=
QEMUOPTS += $(QEMUNET)
