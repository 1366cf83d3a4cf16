"""Who is using the dashboard: JupyterHub's user, a remembered session, or the sign-in form.

:func:`identify` is the one step that says who a request is and how we know
(:class:`reviews.classroom.sessions.Identified`): JupyterHub's user (``JUPYTERHUB_USER``) when
the hub vouches for them, else a genuine session cookie, else nobody (the form is shown).

The form has two modes (see docs/deployment.md, "Who is who"):

- **roster**: the workbook has a class roster; a learner types their personal code, and the
  roster gives their name. The join code lets nobody in.
- **open workshop**: no roster; a display name and the join code. The page says plainly that
  the name is not checked.

Tutors give their name and the tutor passphrase in both modes, and are never remembered. A
learner's name that is, or looks like, a tutor's (:mod:`reviews.domain.names`) is refused.
Wrong codes and passphrases are slowed down per page (:mod:`reviews.classroom.guessing`), and
each lock-out is written to the audit log.

Remembering a learner across reloads: the kernel cannot set a cookie itself, so the page
script of :mod:`widgets.app` copies a cookie that the kernel prepares into the browser, and
``appraise serve`` forwards the ``Cookie`` header into the kernel's environment
(``HTTP_COOKIE``). The cookie is a session signed with the workbook's own secret
(:mod:`reviews.classroom.sessions`): nothing a learner can read lets them make one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http.cookies import CookieError, SimpleCookie

import ipywidgets as W

from reviews.domain.hub import hub_user
from reviews.domain.model import LIMITS
from reviews.domain.names import BadName, canonical_name, name_key
from reviews.workbook import (
    HUB,
    JOIN_CODE,
    PASSPHRASE,
    PERSONAL_CODE,
    Identified,
    Throttle,
    Workbook,
)
from widgets.fields import STACKED, FieldError, TextField, labelled
from widgets.status import Status

REMEMBER_DAYS = 90
JOIN_CODE_LIMIT = 32  # as WorkbookConfig.join_code
CODE_LIMIT = 24

OPEN_WORKSHOP_NOTE = (
    "This workbook is an <b>open workshop</b>: anyone with the join code can sign in, and the "
    "name you type is not checked. Please use your own name."
)
ROSTER_NOTE = (
    "Sign in with the <b>personal code</b> your tutor gave you: it says who you are, so keep it "
    "to yourself."
)

# The guessing throttles of this page. A Voila kernel serves one page, so module state is the
# page's state; a new page load is a new kernel with fresh counts (and costs a kernel start).
PAGE_THROTTLES: dict[str, Throttle] = {}


def page_throttle(what: str) -> Throttle:
    return PAGE_THROTTLES.setdefault(what, Throttle(what))


def cookie_name(wb: Workbook) -> str:
    """One cookie per workbook, so two workbooks served from one host do not collide."""
    return "appraise-" + "".join(c for c in wb.config.id if c.isalnum())[-12:]


def remember_token(wb: Workbook, name: str, how: str = JOIN_CODE) -> str | None:
    """The cookie value remembering ``name`` (None for anyone who must not be remembered)."""
    return wb.session_token(Identified(name, how))


def remembered(wb: Workbook, cookie_header: str) -> Identified | None:
    """Who this workbook's cookie remembers, if it is a genuine, current session."""
    try:
        jar = SimpleCookie(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(cookie_name(wb))
    return None if morsel is None else wb.session_from_token(morsel.value)


def remembered_name(wb: Workbook, cookie_header: str) -> str | None:
    who = remembered(wb, cookie_header)
    return None if who is None else who.name


def identify(wb: Workbook, environ: Mapping[str, str]) -> Identified | None:
    """Who the request is and how we know: the hub user the server verified (``appraise serve
    --hub``, see reviews/domain/hub.py), JupyterHub's single-user server's user, else a
    remembered session."""
    verified = hub_user(environ)
    if verified is not None:
        return Identified(wb.admit_hub_user(verified), HUB)
    hub_name = environ.get("JUPYTERHUB_USER", "").strip()
    if hub_name:
        try:
            name = canonical_name(hub_name)
        except BadName:
            return None
        return Identified(wb.tutor_named(name) or name, HUB)
    return remembered(wb, environ.get("HTTP_COOKIE", ""))


def identity_from(wb: Workbook, environ: Mapping[str, str]) -> str | None:
    """The name :func:`identify` finds (for dashboards that need no more)."""
    who = identify(wb, environ)
    return None if who is None else who.name


def known_spelling(wb: Workbook, name: str) -> str:
    """``alice`` signs in as the ``Alice`` who has already contributed (one person, one id)."""
    key = name_key(name)
    for person in wb.people():
        if name_key(person.name) == key:
            return person.name
    return name


class SignIn:
    """The sign-in form; ``on_signed_in(name, remember)`` once it is right, with ``self.how``
    saying how the person was identified."""

    def __init__(
        self,
        wb: Workbook,
        on_signed_in: Callable[[str, bool], None],
        status: Status | None = None,
        throttle: Callable[[str], Throttle] = page_throttle,
    ) -> None:
        self.wb = wb
        self.on_signed_in = on_signed_in
        self.status = status or Status()
        self.throttle = throttle
        self.how = ""
        self.rostered = wb.has_roster()
        self.tutor_mode = False
        self._remember_display: str | None = None
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
        self.personal = TextField(
            "Personal code",
            "appraise-personal-code",
            CODE_LIMIT,
            placeholder="From your tutor, e.g. ABCDE-FGHJK",
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
        self.tutor_toggle = W.Button(description="I am a tutor")
        self.tutor_toggle.add_class("appraise-tutor-toggle")
        self.tutor_toggle.on_click(self.status.guard(self._toggle_tutor))
        mode = ROSTER_NOTE if self.rostered else OPEN_WORKSHOP_NOTE
        intro = W.HTML(
            f"<h2>Sign in</h2><p class='appraise-identity-mode'>{mode}</p><p>Classmates never "
            "see your name: they see you as a numbered reviewer (for example “Reviewer 7”). "
            "Your tutor can see who is who.</p>"
        )
        if self.rostered:
            fields = [self.personal.widget, self.name.widget, self.passphrase]
            self.name.widget.layout.display = "none"
        else:
            fields = [self.name.widget, self.code.widget, self.passphrase]
            self.tutor_toggle.layout.display = "none"
        self.widget = W.VBox(
            [
                intro,
                *fields,
                self.passphrase_error.widget,
                self.remember,
                self.submit,
                self.tutor_toggle,
                self.status.widget,
            ]
        )
        self.widget.add_class("appraise-sign-in-form")

    # -- roster mode -----------------------------------------------------------------------

    def _toggle_tutor(self, _: W.Button) -> None:
        """Roster mode: switch between the personal code and a tutor's name + passphrase."""
        self.tutor_mode = not self.tutor_mode
        self.personal.widget.layout.display = "none" if self.tutor_mode else None
        self.name.widget.layout.display = None if self.tutor_mode else "none"
        self.passphrase.layout.display = None if self.tutor_mode else "none"
        if self.tutor_mode:  # tutors are never remembered; a page may hide the box anyway
            self._remember_display = self.remember.layout.display
            self.remember.layout.display = "none"
        else:
            self.remember.layout.display = self._remember_display
        self.tutor_toggle.description = "I am a learner" if self.tutor_mode else "I am a tutor"
        self.passphrase_error.clear()
        self.status.clear()

    def _personal_code(self) -> None:
        self.personal.error.clear()
        if not self.personal.value.strip():
            self.personal.error.show("Please type the personal code your tutor gave you.")
            return
        if not self._allowed("personal code"):
            return
        learner = self.wb.learner_with_code(self.personal.value)
        if learner is None:
            self._wrong("personal code")
            self.personal.error.show(
                "That personal code is not right for this workbook. Check it on your slip "
                "(capitals, spaces and hyphens do not matter), or ask your tutor for a new one."
            )
            return
        self.throttle("personal code").succeeded()
        self._done(learner.name, PERSONAL_CODE, self.remember.value)

    # -- both modes ------------------------------------------------------------------------

    def _on_submit(self, _: W.Button) -> None:
        self.status.clear()
        self.passphrase_error.clear()
        if self.rostered and not self.tutor_mode:
            self._personal_code()
            return
        self.name.error.clear()
        self.code.error.clear()
        name = self._checked_name()
        if name is None and not self.rostered:
            self._check_join_code()  # say everything that is wrong at once
            return
        if name is None:
            return
        tutor = self.wb.tutor_named(name)
        if tutor is not None:
            if not self._tutor_passphrase_ok(tutor) or not (
                self.rostered or self._check_join_code()
            ):
                return
            self._done(tutor, PASSPHRASE, False)
            return
        if self.rostered:
            self.name.error.show(
                "Only the workbook's tutors sign in with a name here. Learners: use your "
                "personal code (“I am a learner”)."
            )
            return
        if self._check_join_code():
            self._done(known_spelling(self.wb, name), JOIN_CODE, self.remember.value)

    def _checked_name(self) -> str | None:
        """The canonical name typed, or None with the reason shown under the field."""
        if not self.name.value.strip():
            self.name.error.show("Please type your name.")
            return None
        try:
            name = canonical_name(self.name.value)
        except BadName as exc:
            self.name.error.show(f"That name cannot be used: {exc}.")
            return None
        if len(name) > LIMITS["name"]:
            self.name.error.show(f"Please use at most {LIMITS['name']} characters.")
            return None
        lookalike = self.wb.tutor_lookalike(name)
        if lookalike is not None and self.wb.tutor_named(name) is None:
            self.name.error.show(
                f"That name looks like the name of a tutor of this workbook ({lookalike}), so "
                "it cannot be used by a learner: please use your own name."
            )
            return None
        return name

    def _check_join_code(self) -> bool:
        if not self.code.value.strip():
            self.code.error.show("Please type the join code your tutor gave you.")
            return False
        if not self._allowed("join code"):
            return False
        if not self.wb.check_join_code(self.code.value):
            self._wrong("join code")
            self.code.error.show(
                "That join code is not right for this workbook. Check it with your tutor "
                "(letters and digits; capitals and spaces do not matter)."
            )
            return False
        self.throttle("join code").succeeded()
        return True

    def _tutor_passphrase_ok(self, tutor: str) -> bool:
        """A tutor's name needs the tutor passphrase; the field appears when it is needed."""
        if self.passphrase.layout.display == "none":
            self.passphrase.layout.display = None
            self.passphrase_error.show(
                "That name belongs to a tutor of this workbook: please also type the tutor "
                "passphrase. Learners: please use your own name."
            )
            return False
        if not self._allowed("tutor passphrase"):
            return False
        if not self.wb.check_tutor_passphrase(self.passphrase.value):
            self._wrong("tutor passphrase", f"for the name {tutor}")
            self.passphrase_error.show(
                "That is not the tutor passphrase of this workbook (a tutor sets it with "
                "`appraise passphrase`)."
            )
            return False
        self.throttle("tutor passphrase").succeeded()
        return True

    def _allowed(self, what: str) -> bool:
        refusal = self.throttle(what).refusal()
        if refusal:
            self.status.error(refusal)
        return refusal is None

    def _wrong(self, what: str, detail: str = "") -> None:
        """Count a wrong try; a lock-out it starts goes to the audit log."""
        throttle = self.throttle(what)
        delay = throttle.failed()
        if delay:
            self.wb.record_lockout(what, throttle.failures, delay, detail)
            self.status.error(throttle.refusal() or "")

    def _done(self, name: str, how: str, remember: bool) -> None:
        self.how = how
        self.passphrase.value = ""
        self.personal.value = ""
        self.on_signed_in(name, remember and how != PASSPHRASE)
