# Lab 2 on: the NIC of `make qemu` is a virtio-net on QEMU's user-mode
# network (slirp: no root needed; the host is 10.0.2.2), with the host
# forwards listed once, in grader/run.py (INTERACTIVE_FORWARDS). QEMUNET is
# those NIC arguments, for the BitVisor targets (mk/bitvisor.mk), which
# swap the model for an e1000.
QEMUNET ?= $(shell $(PYTHON) -m grader.run --print-net)
