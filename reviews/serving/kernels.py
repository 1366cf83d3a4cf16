"""The kernel manager `appraise serve` gives Voila: preheated kernels started one at a time.

When a class opens the link together, every learner takes a kernel from the pool and Voila
starts a replacement for each (its "refill"). Started all at once, thirty replacements each
spend a second or two of CPU importing Python, ipywidgets and the dashboard, on the same cores
that are rendering the pages the learners are waiting for: the refill starves the burst it is
refilling for. This manager starts preheated kernels one at a time, at most one every
``PACE_S`` seconds, so refills use about one core at most and the pages already asked for keep
the rest. Kernels a learner's request starts (when the pool is empty) are not paced.
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

PACE_S = 1.0


class PacedKernelManager(AsyncMappingKernelManager):  # type: ignore[misc]
    """Voila's kernel manager, with preheated kernels started one at a time."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._preheat_turn: asyncio.Lock | None = None

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:  # type: ignore[override]
        env = kwargs.get("env") or {}
        if env.get("VOILA_PREHEAT") != "True":
            return str(await super().start_kernel(*args, **kwargs))
        if self._preheat_turn is None:
            self._preheat_turn = asyncio.Lock()
        async with self._preheat_turn:
            kernel_id = str(await super().start_kernel(*args, **kwargs))
            await asyncio.sleep(PACE_S)  # pacing, not waiting: keep the turn for PACE_S
        return kernel_id
