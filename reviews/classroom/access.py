"""Who may come in and how we know: remembered sessions, the roster, sign-ins and lock-outs.

A part of :class:`reviews.workbook.Workbook`. The three identity modes:

- **JupyterHub**: the hub vouches for the user (the dashboards read ``JUPYTERHUB_USER``);
- **roster**: the workbook has a roster (:mod:`reviews.classroom.roster`); a learner signs in
  with their personal code and the roster gives their name; the join code lets nobody in;
- **open workshop**: no roster; a display name and the join code, as in a workshop where
  nobody's participation is graded.

Tutors (standalone) give their name and the tutor passphrase in every mode. Sessions are
signed with the workbook's secret (:mod:`reviews.classroom.sessions`); tutors are never
remembered. Every tutor sign-in, roster change, session rotation and lock-out is in the audit
log, with how the person was identified.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, cast

from reviews.classroom.roles import Actor, audit_note, require_tutor_or_administrator, via_of
from reviews.classroom.roster import Issued, Learner, Roster
from reviews.classroom.sessions import (
    JOIN_CODE,
    PERSONAL_CODE,
    Identified,
    claims,
    issue,
    read_secret,
    rotate_session_key,
    verify,
)
from reviews.domain.names import same_person

if TYPE_CHECKING:
    from reviews.classroom.source import ClassroomSource
    from reviews.domain.model import ModerationEvent, WorkbookConfig


class Access:
    """A mixin of :class:`reviews.workbook.Workbook`."""

    path: Path
    config: WorkbookConfig

    if TYPE_CHECKING:

        def is_tutor(self, name: str) -> bool: ...

        def tutor_lookalike(self, name: str) -> str | None: ...

        def tutor_names(self) -> list[str]: ...

        def identified(self, name: str, how: str) -> None: ...

        def log_event(
            self, action: str, target_id: str, actor: str, reason: str, via: str | None = None
        ) -> ModerationEvent: ...

        def log_security(self, action: str, target_id: str, reason: str) -> ModerationEvent: ...

    def _authorise(self, actor: Actor, what: str) -> str:
        """The name to audit for ``actor``, a tutor or the administrator; refuse others."""
        return require_tutor_or_administrator(cast("ClassroomSource", self), actor, what)

    # -- the roster ------------------------------------------------------------------------

    def roster(self) -> Roster:
        return Roster(self.path, self.tutor_names())

    def has_roster(self) -> bool:
        """Roster mode (personal codes) rather than open workshop mode (the join code)?"""
        return self.roster().exists()

    def learner_with_code(self, code: str) -> Learner | None:
        """The rostered learner whose personal code ``code`` is."""
        return self.roster().by_code(code, read_secret(self.path))

    def roster_import(self, text: str, actor: Actor, source: str = "a CSV file") -> list[Issued]:
        who = self._authorise(actor, "change the roster")
        issued = self.roster().import_csv(text)
        reason = f"{len(issued)} learners added to the roster from {source}"
        self.log_event("roster", self.config.id, who, reason + audit_note(actor), via_of(actor))
        return issued

    def roster_add(self, name: str, actor: Actor, email: str = "", group: str = "") -> Issued:
        who = self._authorise(actor, "change the roster")
        issued = self.roster().add(name, email, group)
        reason = f"{issued.learner.name} added to the roster"
        self.log_event("roster", self.config.id, who, reason + audit_note(actor), via_of(actor))
        return issued

    def roster_remove(self, name: str, actor: Actor) -> Learner:
        who = self._authorise(actor, "change the roster")
        gone = self.roster().remove(name)
        reason = f"{gone.name} removed from the roster"
        self.log_event("roster", self.config.id, who, reason + audit_note(actor), via_of(actor))
        return gone

    def roster_reset_code(self, name: str, actor: Actor) -> Issued:
        """A new personal code for a learner (tutors and the administrator; audited)."""
        who = self._authorise(actor, "reset a personal code")
        issued = self.roster().reset_code(name)
        reason = f"personal code of {issued.learner.name} reset"
        self.log_event("roster", self.config.id, who, reason + audit_note(actor), via_of(actor))
        return issued

    # -- sessions --------------------------------------------------------------------------

    def _binding(self, name: str, how: str) -> str | None:
        """What a session for ``name`` is bound to besides the secret; None if ``name``
        cannot be remembered that way now."""
        if self.is_tutor(name) or self.tutor_lookalike(name):
            return None  # tutors are never remembered
        if how == JOIN_CODE:
            if self.has_roster():
                return None  # roster mode: the join code lets nobody in
            return "join:" + self.config.join_code.upper()
        if how == PERSONAL_CODE:
            learner = self.roster().find(name)
            return None if learner is None else "code:" + learner.code_hash
        return None

    def session_token(self, who: Identified) -> str | None:
        """A token remembering ``who`` on their device, or None when they must not be
        remembered (tutors; hub users, whom the hub remembers)."""
        binding = self._binding(who.name, who.how)
        if binding is None:
            return None
        return issue(read_secret(self.path), self.config.id, who.name, who.how, binding)

    def session_from_token(self, token: str) -> Identified | None:
        """Who a genuine, current token remembers; None for anything else."""
        said = claims(token)
        if said is None:
            return None
        name, how, _ = said
        binding = self._binding(name, how)
        if binding is None or not verify(read_secret(self.path), self.config.id, token, binding):
            return None
        if how == PERSONAL_CODE:
            learner = self.roster().find(name)
            if learner is None or not same_person(learner.name, name):
                return None
            name = learner.name
        return Identified(name, how, remembered=True)

    def rotate_sessions(self, actor: Actor) -> None:
        """A new session key: everyone remembered on a device must sign in again."""
        who = self._authorise(actor, "sign everyone out")
        rotate_session_key(self.path)
        reason = "session key rotated: every remembered sign-in ended" + audit_note(actor)
        self.log_event("sessions", self.config.id, who, reason, via_of(actor))

    # -- the audit of sign-ins -------------------------------------------------------------

    def record_sign_in(self, who: Identified, dashboard: str) -> None:
        """Note how this dashboard's user was identified; a tutor's sign-in is audited."""
        how = "remembered session" if who.remembered else who.how
        self.identified(who.name, how)
        if self.is_tutor(who.name):
            reason = f"signed in on the {dashboard} dashboard ({how})"
            self.log_event("sign-in", self.config.id, who.name, reason, how)

    def record_lockout(self, what: str, failures: int, delay_s: float, detail: str = "") -> None:
        """A sign-in form locked after ``failures`` wrong tries of ``what``."""
        reason = f"{failures} wrong {what}s from one page; locked for {delay_s:.0f} s"
        self.log_security("lockout", self.config.id, reason + (f" ({detail})" if detail else ""))
