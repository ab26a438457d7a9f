"""Small helpers shared by the tests."""

import contextlib
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator

import redis


def wait_for(condition: Callable[[], bool], *, timeout: float = 20.0) -> bool:
    """Wait until `condition()` is true (checked every 50 ms); return whether it became so."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.05)
    return condition()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def private_redis(*arguments: str, port: int | None = None) -> Iterator[str]:
    """Start a redis-server of the test's own on a free port (or `port`); yield its URL;
    stop it.

    Stopping it disturbs nothing else: the machine's Redis on 6379 is shared by others.
    Extra `arguments` go to redis-server (e.g. "--save", "900 1").
    """
    port = port or free_port()
    server = subprocess.Popen(  # noqa: S603  (fixed arguments)
        [  # noqa: S607  (redis-server from PATH, as the machine provides it)
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            *arguments,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        assert wait_for(lambda: _answers(url), timeout=10), "redis-server did not start"
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.2)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()
