"""bvlab's autograder: a pytest plugin that boots QEMU per test and judges
what the host observes. See grader/README.md for the test-writer's API.

    from grader import points, passes_on_stub, check, nonce, BootSpec, Net
    from grader import random_mac, frames_to, echo, Drain   # raw Ethernet (wire.py)
    from grader import arp_answer, RawTCP, malformed, syn_flood  # IPv4 (inet.py)
    from grader import scale        # GRADER_TIMEOUT_SCALE, for a test's own waits
    from grader import platform_skip    # not judged here: leaves the total
    from grader import deadline, recv_exactly, describe_diff    # streams (stream.py)
"""

import warnings

import pytest

from .inet import RawTCP, arp_answer, malformed, syn_flood  # noqa: F401
from .machine import GradeFailure, Machine, check, scale  # noqa: F401
from .net import Peer, free_port  # noqa: F401
from .platform import BootSpec, Image, Net  # noqa: F401
from .stream import deadline, describe_diff, interleaved_echo, recv_exactly  # noqa: F401
from .plugin import nonce, platform_skip  # noqa: F401
from .wire import (ETHERTYPE, WINDOW, Drain, as_received, describe,  # noqa: F401
                   echo, echoed, frames_to, mac_str, quiet, random_mac,
                   runts_reach_guest)

# Inside a grader run the plugin registers these marks. Imported by other
# code under pytest (the kit's own tests, for BootSpec or Machine), pytest
# would warn that they are unknown; they are ours, so say nothing.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    passes_on_stub = pytest.mark.passes_on_stub
    hidden = pytest.mark.hidden


def points(n, title=None):
    """Decorator: the test is worth n points and is called title."""
    return pytest.mark.points(n, title)
