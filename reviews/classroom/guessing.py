"""Slowing down guessing at a sign-in form: a few free tries, then a delay that doubles.

One :class:`Throttle` belongs to one page (one sign-in form in one kernel), and counts that
page's wrong answers for one secret: the join code, personal codes or the tutor passphrase.
After :data:`FREE_TRIES` wrong answers each further one locks the form for
``BASE_DELAY_S * 2**(n - FREE_TRIES)`` seconds (5 s, 10 s, 20 s … capped at 15 minutes): a
learner who mistypes loses seconds, a script guessing 49-bit personal codes gets nowhere.
Reloading the page gives a new page and a new count, but also costs a new kernel, and every
lock-out is written to the audit log, so a tutor sees it happening. The clock is injectable so
that tests need no sleeps.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

FREE_TRIES = 3
BASE_DELAY_S = 5.0
MAX_DELAY_S = 15 * 60.0


class Throttle:
    """Wrong tries on one page for one secret."""

    def __init__(self, what: str, clock: Callable[[], float] = time.monotonic) -> None:
        self.what = what
        self.clock = clock
        self.failures = 0
        self.locked_until = 0.0

    def wait_s(self) -> float:
        """Seconds before the next try is allowed (0 when it is allowed now)."""
        return max(0.0, self.locked_until - self.clock())

    def refusal(self) -> str | None:
        """The message to show instead of checking a try, while the form is locked."""
        wait = self.wait_s()
        if wait <= 0:
            return None
        return (
            f"Too many wrong {self.what}s from this page: please wait {math.ceil(wait)} s and "
            "try again. If you have lost it, ask your tutor."
        )

    def failed(self) -> float:
        """Count a wrong try; the lock-out it starts in seconds (0 while tries are free)."""
        self.failures += 1
        if self.failures <= FREE_TRIES:
            return 0.0
        delay = min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (self.failures - FREE_TRIES - 1))
        self.locked_until = self.clock() + delay
        return delay

    def succeeded(self) -> None:
        self.failures = 0
        self.locked_until = 0.0
