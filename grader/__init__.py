"""bvlab's autograder: a pytest plugin that boots QEMU per test and judges
what the host observes. See grader/README.md for the test-writer's API.

    from grader import points, passes_on_stub, check, nonce, BootSpec, Net
"""

import pytest

from .machine import GradeFailure, Machine, check  # noqa: F401
from .net import Peer, free_port  # noqa: F401
from .platform import BootSpec, Image, Net  # noqa: F401
from .plugin import nonce  # noqa: F401

passes_on_stub = pytest.mark.passes_on_stub
hidden = pytest.mark.hidden


def points(n, title=None):
    """Decorator: the test is worth n points and is called title."""
    return pytest.mark.points(n, title)
