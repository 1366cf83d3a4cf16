"""Guessing is slowed down: a few free tries, then a delay that doubles (a fake clock)."""

from __future__ import annotations

from reviews.classroom.guessing import FREE_TRIES, MAX_DELAY_S, Throttle


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_a_few_wrong_tries_are_free_then_the_delay_doubles() -> None:
    clock = Clock()
    throttle = Throttle("join code", clock)
    assert [throttle.failed() for _ in range(FREE_TRIES)] == [0.0] * FREE_TRIES
    assert throttle.refusal() is None
    assert throttle.failed() == 5.0
    message = throttle.refusal()
    assert message is not None and "wrong join codes" in message and "wait 5 s" in message
    clock.t += 5
    assert throttle.refusal() is None
    assert [throttle.failed() for _ in range(3)] == [10.0, 20.0, 40.0]
    for _ in range(20):
        throttle.failed()
    assert throttle.wait_s() == MAX_DELAY_S
    throttle.succeeded()
    assert throttle.refusal() is None and throttle.failed() == 0.0
