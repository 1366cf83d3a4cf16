"""Hub-group tutors, the same in every process: recorded when the hub vouches for them.

A workbook's tutors are the names in ``workbook.yaml`` and, under ``appraise serve --hub``,
the members of its ``hub_tutor_group``. Only the hub knows who is in that group, and it says
so only to the process a person is signed in to: a learner's kernel, the summariser and the
command line never hear it. So the first time the hub vouches for a member of the group
(:meth:`HubTutors.admit_hub_user`), the workbook records it in the audit log, through the
store, as a ``hub-tutor`` event (``via: hub``, target: the group's name); every process then
reads the recorded set (:meth:`HubTutors.hub_tutors`), and ``is_tutor`` gives one answer
everywhere: in pseudonyms ("Tutor tina", not "Reviewer 3"), in the crowd model's weights, in
the participation table and in the server-side check of every tutor action.

**Leaving the group.** The hub re-checks membership each time a person opens a dashboard (the
groups come with the hub's user model). A recorded tutor who arrives without the group is
recorded as a learner again (a ``hub-tutor-left`` event); until they next arrive they stay
recorded (see docs/deployment.md, "Hub-group tutors"). Removing ``hub_tutor_group`` from
``workbook.yaml``, or renaming it, ends every recorded membership of the old group at once.

**Forgery.** Only :meth:`admit_hub_user` writes these events, and it takes a
:class:`~reviews.domain.hub.HubUser`, which only :func:`reviews.domain.hub.hub_user` builds from
the headers the server's identity provider wrote after asking the hub, and only in hub mode
(``APPRAISE_HUB=1``, set by the launcher, never by a request). No widget and no sub-command
writes them; events written by hand with another ``via`` or for someone else are ignored.

Other processes see a change within :data:`REFRESH_S` seconds (the set is re-read at most that
often, so pages that ask ``is_tutor`` for every row cost one read, not one per row).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reviews.domain.model import ModerationEvent, WorkbookConfig, valid_models
from reviews.domain.names import name_key

if TYPE_CHECKING:
    from reviews.domain.hub import HubUser
    from reviews.store import Store

JOINED = "hub-tutor"  # the hub said this person is in the workbook's hub_tutor_group
LEFT = "hub-tutor-left"  # the hub said a recorded member no longer is
REFRESH_S = 2.0


def recorded_members(events: Iterable[dict[str, Any]], group: str | None) -> list[str]:
    """The members of ``group`` the hub vouched for, replayed in time order (the latest event
    about a person wins). Only ``via: hub`` events a person wrote about themselves count."""
    if not group:
        return []
    members: dict[str, str] = {}
    records = valid_models(ModerationEvent, list(events))
    for event in sorted(records, key=lambda e: (e.created_at, e.id)):
        if event.via != "hub" or event.target_id != group:
            continue
        if event.action == JOINED:
            members[name_key(event.actor)] = event.actor
        elif event.action == LEFT:
            members.pop(name_key(event.actor), None)
    return list(members.values())


class HubTutors:
    """A mixin of :class:`reviews.workbook.Workbook`: the recorded hub-group tutors."""

    store: Store
    config: WorkbookConfig
    _hub_tutors: tuple[float, list[str]] | None = None  # (read at, members): this process's copy

    if TYPE_CHECKING:  # provided by Moderation

        def log_event(
            self, action: str, target_id: str, actor: str, reason: str, via: str | None = None
        ) -> ModerationEvent: ...

    def hub_tutors(self, fresh: bool = False) -> list[str]:
        """The hub-group tutors recorded in this workbook (re-read at most every
        :data:`REFRESH_S` seconds, or now with ``fresh``)."""
        group = self.config.hub_tutor_group
        if not group:
            return []
        cached = self._hub_tutors
        if fresh or cached is None or time.monotonic() - cached[0] > REFRESH_S:
            members = recorded_members(self.store.records("events"), group)
            self._hub_tutors = cached = (time.monotonic(), members)
        return cached[1]

    def admit_hub_user(self, user: HubUser) -> str:
        """The name of a user JupyterHub authenticated; records that they joined (or left) the
        workbook's ``hub_tutor_group`` when that changed since the hub last vouched for them.

        A :class:`HubUser` comes from the server's verified headers, never from a form."""
        group = self.config.hub_tutor_group
        if not group:
            return user.name
        member = group in user.groups
        if member == self._recorded(user.name, fresh=False):
            return user.name  # the usual case (a learner's page load) costs no read
        recorded = self._recorded(user.name, fresh=True)  # confirm before writing
        if member and not recorded:
            reason = f"in the hub group {group!r}: a tutor of this workbook"
            self.log_event(JOINED, group, user.name, reason, "hub")
        elif recorded and not member:
            reason = f"no longer in the hub group {group!r}: a learner of this workbook"
            self.log_event(LEFT, group, user.name, reason, "hub")
        if member != recorded:
            self.hub_tutors(fresh=True)
        return user.name

    def _recorded(self, name: str, fresh: bool) -> bool:
        return name_key(name) in {name_key(n) for n in self.hub_tutors(fresh=fresh)}
