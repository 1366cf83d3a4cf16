"""A status line beside an action, and the guard that keeps callback errors off the floor.

Voila shows nothing when a widget callback raises: the learner presses "Submit" and nothing
happens. Every callback in the dashboards is therefore wrapped by :meth:`Status.guard`: a
mistake the learner can fix (any :class:`reviews.domain.errors.AppraiseError`) is shown as its
message; anything else is shown as a plain apology, and its traceback goes to the server's log
(the terminal running ``appraise serve``), where a tutor can find it.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as W

from reviews.domain.errors import AppraiseError
from widgets.format import esc

F = TypeVar("F", bound=Callable[..., Any])


class Status:
    """One message at a time: information, success or an error (announced to screen readers)."""

    def __init__(self) -> None:
        self.widget = W.HTML("")
        self.widget.add_class("appraise-status")
        self.kind = ""
        self.message = ""

    def show(self, kind: str, message: str) -> None:
        self.kind, self.message = kind, message
        role = "alert" if kind == "error" else "status"
        self.widget.value = (
            f"<div role='{role}' class='appraise-message appraise-{kind}'>{esc(message)}</div>"
        )

    def info(self, message: str) -> None:
        self.show("info", message)

    def success(self, message: str) -> None:
        self.show("success", message)

    def error(self, message: str) -> None:
        self.show("error", message)

    def clear(self) -> None:
        self.kind, self.message = "", ""
        self.widget.value = ""

    def report(self, exc: BaseException) -> None:
        """Show what went wrong; a bug also leaves its traceback in the server's log."""
        if isinstance(exc, AppraiseError):
            self.error(str(exc))
            return
        traceback.print_exception(exc, file=sys.__stderr__)
        self.error(
            f"Something went wrong on our side ({type(exc).__name__}). Nothing you typed is "
            "lost: try again, and if it happens again tell your tutor what you were doing."
        )

    def guard(self, callback: F) -> F:
        """``callback``, but an exception becomes a message here instead of vanishing."""

        @functools.wraps(callback)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except Exception as exc:
                self.report(exc)
                return None

        return guarded  # type: ignore[return-value]
