"""Labelled form fields with their validation message right beneath them.

A field's label is the widget's own ``description``, which ipywidgets renders as a ``<label>``
bound to the input: screen readers announce it and tapping it focuses the input. The CSS in
:mod:`widgets.theme` stacks the label above the input so nothing is cut off on a phone.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from widgets.format import esc

STACKED = {"description_width": "initial"}


def close_tree(widget: W.Widget) -> None:
    """Close a widget and everything inside it. A widget that is merely dropped stays in the
    kernel (and is sent to the page again on reconnection) until it is closed."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def labelled(widget: W.DOMWidget, css: str) -> W.DOMWidget:
    """Give ``widget`` the stacked-label look and a stable class for tests and styling.

    A text input without a placeholder gets none, rather than ipywidgets' default of a
    zero-width space (which some screen readers announce)."""
    if getattr(widget, "placeholder", None) == "\u200b":
        widget.placeholder = ""
    widget.add_class("appraise-field")
    widget.add_class(css)
    return widget


class FieldError:
    """The message under one field (empty when the field is fine)."""

    def __init__(self) -> None:
        self.widget = W.HTML("")
        self.widget.add_class("appraise-field-error")
        self.message = ""

    def show(self, message: str) -> None:
        self.message = message
        self.widget.value = f"<div role='alert'>{esc(message)}</div>" if message else ""

    def clear(self) -> None:
        self.show("")


class TextField:
    """A one-line or multi-line text input with a label, a length limit and its message."""

    def __init__(
        self,
        label: str,
        css: str,
        limit: int,
        placeholder: str = "",
        required: bool = False,
        multiline: bool = False,
        value: str = "",
    ) -> None:
        factory: Any = W.Textarea if multiline else W.Text
        self.input = labelled(
            factory(
                value=value,
                description=label + ("" if required else " (optional)"),
                placeholder=placeholder,
                style=STACKED,
                layout=W.Layout(width="100%"),
            ),
            css,
        )
        if multiline:
            self.input.rows = 4
        # The page script (widgets/app.py) turns this class into the input's maxlength, one
        # character above the limit: a huge paste then reaches the kernel, which says "too
        # long", instead of exceeding the server's 10 MiB websocket message limit unheard.
        self.input.add_class(f"appraise-limit-{limit}")
        self.label = label
        self.limit = limit
        self.required = required
        self.error = FieldError()
        self.widget = W.VBox([self.input, self.error.widget])
        self.widget.add_class("appraise-field-box")

    @property
    def value(self) -> str:
        return str(self.input.value).strip()

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def check(self) -> bool:
        """Show what is wrong with the current value, if anything; True when it is fine."""
        if self.required and not self.value:
            self.error.show(f"Please fill in “{self.label}”.")
        elif len(self.value) > self.limit:
            self.error.show(
                f"{self.label} is too long: {len(self.value):,} characters, "
                f"the limit is {self.limit:,}. Please shorten it."
            )
        else:
            self.error.clear()
        return not self.error.message
