"""Small helpers shared by the tests."""

import threading
import time
from collections.abc import Callable


def wait_for(condition: Callable[[], bool], *, timeout: float = 20.0) -> bool:
    """Wait until `condition()` is true (checked every 50 ms); return whether it became so."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.05)
    return condition()
