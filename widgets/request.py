"""Waiting for the learner's request in a preheated kernel, without importing Voila.

A preheated kernel runs the dashboard before anyone asks for it, then waits; when a learner's
request takes the kernel, the Voila server sends the request's CGI-style variables
(``QUERY_STRING``, ``HTTP_COOKIE``, ``SCRIPT_NAME``, …) as one JSON object over a websocket at
``<server>voila/query/<kernel id>`` (Voila's preheating protocol; ``voila.utils.
wait_for_request`` is its reference client). Importing ``voila.utils`` pulls Jupyter Server,
nbconvert and Jinja into the kernel, about 43 MB of a learner kernel's memory, so the dashboards
use this small client instead: the ``websockets`` package (a dependency of Voila) and the
environment variables Voila gives every preheated kernel.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import MutableMapping

OPEN_TIMEOUT_S = 5


def query_url(env: MutableMapping[str, str]) -> str:
    """The websocket this kernel's request arrives on."""
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def wait_for_request(env: MutableMapping[str, str] | None = None) -> None:
    """Block until the learner's request arrives, then put its variables into ``env``
    (``os.environ`` by default). Returns at once in a kernel that was not preheated."""
    target = os.environ if env is None else env
    if target.get("VOILA_PREHEAT", "False") == "False":
        return
    url = query_url(target)
    received: list[str] = []

    async def receive() -> None:
        from websockets.asyncio.client import connect

        async with connect(url, open_timeout=OPEN_TIMEOUT_S) as ws:
            message = await ws.recv()
            received.append(message if isinstance(message, str) else message.decode())

    # The kernel's own event loop is running this cell, so the client gets its own thread.
    thread = threading.Thread(target=lambda: asyncio.run(receive()), daemon=True)
    thread.start()
    thread.join()
    if received:
        for key, value in json.loads(received[0]).items():
            target[str(key)] = str(value)
