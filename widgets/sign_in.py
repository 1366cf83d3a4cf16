"""Who is using the dashboard: JupyterHub's user, or a display name and the join code.

Under JupyterHub the hub has already authenticated the user (``JUPYTERHUB_USER``). Standalone,
the learner types a display name and the workbook's join code. A tutor's name also needs the
tutor passphrase (``appraise passphrase``): tutors' reviews anchor the class's scores, so nobody
may borrow a tutor's name with the join code alone. Tutors are never remembered on a device.

Remembering a standalone learner across reloads: the kernel cannot set a cookie itself, so the
page script of :mod:`widgets.app` copies a cookie that the kernel prepares into the browser,
and ``appraise serve`` forwards the ``Cookie`` header into the kernel's environment
(``HTTP_COOKIE``). The cookie holds the name and an HMAC of it keyed by the join code: it proves
no more than typing the name and the code again, and changing the join code signs everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Mapping
from http.cookies import CookieError, SimpleCookie

import ipywidgets as W

from reviews.domain.hub import hub_user
from reviews.domain.model import LIMITS
from reviews.workbook import Workbook
from widgets.fields import STACKED, FieldError, TextField, labelled
from widgets.status import Status

REMEMBER_DAYS = 90
JOIN_CODE_LIMIT = 32  # as WorkbookConfig.join_code


def cookie_name(wb: Workbook) -> str:
    """One cookie per workbook, so two workbooks served from one host do not collide."""
    return "appraise-" + "".join(c for c in wb.config.id if c.isalnum())[-12:]


def _mac(wb: Workbook, name: str) -> str:
    key = wb.config.join_code.upper().encode()
    digest = hmac.new(key, f"{wb.config.id}\0{name}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def remember_token(wb: Workbook, name: str) -> str:
    """``v1.<name>.<mac>``, base64url throughout: safe in a cookie and in HTML."""
    encoded = base64.urlsafe_b64encode(name.encode()).decode().rstrip("=")
    return f"v1.{encoded}.{_mac(wb, name)}"


def remembered_name(wb: Workbook, cookie_header: str) -> str | None:
    """The name in this workbook's cookie, if the cookie is genuine for the current join code."""
    try:
        jar = SimpleCookie(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(cookie_name(wb))
    if morsel is None:
        return None
    parts = morsel.value.split(".")
    if len(parts) != 3 or parts[0] != "v1":
        return None
    try:
        name = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(parts[2], _mac(wb, name)) or wb.is_tutor(name):
        return None
    return name


def identity_from(wb: Workbook, environ: Mapping[str, str]) -> str | None:
    """The user the environment vouches for: the hub's verified user under ``appraise serve
    --hub`` (see reviews/domain/hub.py), JupyterHub's, else a remembered learner."""
    verified = hub_user(environ)
    if verified is not None:
        return wb.admit_hub_user(verified)
    hub_user_name = environ.get("JUPYTERHUB_USER", "").strip()
    if hub_user_name:
        return hub_user_name
    return remembered_name(wb, environ.get("HTTP_COOKIE", ""))


def known_spelling(wb: Workbook, name: str) -> str:
    """``alice`` signs in as the ``Alice`` who has already contributed (one person, one id)."""
    folded = name.casefold()
    for person in wb.people():
        if person.name.casefold() == folded:
            return person.name
    return name


class SignIn:
    """Display name + join code; ``on_signed_in(name, remember)`` once both are right."""

    def __init__(
        self,
        wb: Workbook,
        on_signed_in: Callable[[str, bool], None],
        status: Status | None = None,
    ) -> None:
        self.wb = wb
        self.on_signed_in = on_signed_in
        self.status = status or Status()
        self.name = TextField(
            "Your name",
            "appraise-name",
            LIMITS["name"],
            placeholder="As your tutor knows you",
            required=True,
        )
        self.code = TextField(
            "Join code",
            "appraise-join-code",
            JOIN_CODE_LIMIT,
            placeholder="From your tutor, e.g. K7PQ2M",
            required=True,
        )
        self.passphrase = labelled(
            W.Password(
                description="Tutor passphrase",
                placeholder="Set with `appraise passphrase`",
                style=STACKED,
                layout=W.Layout(width="100%", display="none"),
            ),
            "appraise-passphrase",
        )
        self.passphrase_error = FieldError()
        self.remember = W.Checkbox(
            description="Remember me on this device (untick on a shared computer)",
            value=True,
            indent=False,
        )
        self.remember.add_class("appraise-remember-me")
        self.submit = W.Button(description="Sign in", button_style="primary")
        self.submit.add_class("appraise-sign-in")
        self.submit.on_click(self.status.guard(self._on_submit))
        intro = W.HTML(
            "<h2>Sign in</h2><p>Classmates never see your name: they see you as a numbered "
            "reviewer (for example “Reviewer 7”). Your tutor can see who is who.</p>"
        )
        self.widget = W.VBox(
            [
                intro,
                self.name.widget,
                self.code.widget,
                self.passphrase,
                self.passphrase_error.widget,
                self.remember,
                self.submit,
                self.status.widget,
            ]
        )
        self.widget.add_class("appraise-sign-in-form")

    def _on_submit(self, _: W.Button) -> None:
        name = known_spelling(self.wb, " ".join(self.name.value.split()))
        self.name.error.clear()
        self.code.error.clear()
        self.status.clear()
        ok = True
        if not name:
            self.name.error.show("Please type your name.")
            ok = False
        elif len(name) > LIMITS["name"] or not name.isprintable():
            self.name.error.show(
                f"Please use at most {LIMITS['name']} letters, digits, spaces or punctuation."
            )
            ok = False
        tutor = next((t for t in self.wb.config.tutors if t.casefold() == name.casefold()), None)
        self.passphrase_error.clear()
        if tutor is not None and ok:
            ok = self._tutor_passphrase_ok()
            name = tutor
        if not self.code.value.strip():
            self.code.error.show("Please type the join code your tutor gave you.")
            ok = False
        elif not self.wb.check_join_code(self.code.value):
            self.code.error.show(
                "That join code is not right for this workbook. Check it with your tutor "
                "(letters and digits; capitals and spaces do not matter)."
            )
            ok = False
        if ok:
            self.on_signed_in(name, self.remember.value and tutor is None)

    def _tutor_passphrase_ok(self) -> bool:
        """A tutor's name needs the tutor passphrase; the field appears when it is needed."""
        if self.passphrase.layout.display == "none":
            self.passphrase.layout.display = None
            self.passphrase_error.show(
                "That name belongs to a tutor of this workbook: please also type the tutor "
                "passphrase. Learners: please use your own name."
            )
            return False
        if not self.wb.check_tutor_passphrase(self.passphrase.value):
            self.passphrase_error.show(
                "That is not the tutor passphrase of this workbook (a tutor sets it with "
                "`appraise passphrase`)."
            )
            return False
        return True
