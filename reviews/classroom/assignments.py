"""Assigned reviews: a tutor hands each learner N resources to review, maybe by a due date.

Left to choose freely, a class piles its reviews on a few popular resources and leaves the
rest without a verdict. Peer-review tools allocate the work instead (Moodle Workshop's random
allocation, Peergrade, Kritik); :func:`allocate` does it for Appraise:

- every learner gets ``per_learner`` resources (fewer only when too few are eligible);
- never a resource the learner added, reviewed already, or has been assigned already;
- resources still short of the rubric's minimum number of reviewers come first, then the
  least reviewed, so that as many resources as possible reach a verdict;
- **within groups** (a mapping learner → group, e.g. tutorial groups), each group is
  allocated as if it were its own class: its members' reviews and assignments are what count,
  so every group covers the resources and can discuss the ones it reviewed;
- the same inputs and ``seed`` give the same allocation (ties are broken by a seeded shuffle).

The greedy rounds (each learner in turn takes the neediest eligible resource, N rounds) keep
the learners' loads equal and the resources' loads within one of each other where the
constraints allow. The allocation is stored as :class:`~reviews.domain.model.Assignment`
records in the tutor's shard and audited (an ``assign`` event naming the batch); a batch is
withdrawn as a whole (an ``unassign`` event). An assignment is **done** once the learner has
a review of the resource (edits, hidden or not; a deleted review does not count).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Any

from reviews.classroom.roles import Actor, audit_note, require_tutor_or_administrator
from reviews.domain.errors import NotFound, ValidationError
from reviews.domain.model import (
    Assignment,
    ModerationEvent,
    Resource,
    Review,
    build,
    new_id,
    valid_models,
)
from reviews.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from reviews.domain.rubric import Rubric
    from reviews.domain.visibility import State

ASSIGNMENT_COLUMNS = [
    "learner",
    "group",
    "resource_id",
    "resource_title",
    "due",
    "done",
    "overdue",
    "batch",
    "assigned_by",
    "assigned_at",
]
MAX_PER_LEARNER = 100


def allocate(
    learners: Sequence[str],
    resources: Sequence[str],
    per_learner: int,
    minimum: int,
    *,
    reviewed: Mapping[str, Iterable[str]] | None = None,
    authors: Mapping[str, str] | None = None,
    groups: Mapping[str, str] | None = None,
    seed: int = 0,
) -> list[tuple[str, str]]:
    """(learner, resource) pairs: ``per_learner`` eligible resources for each learner.

    ``reviewed``: per learner, resources already reviewed or assigned (never given again, and
    counted towards each resource's load). ``authors``: resource → who added it (never given
    to them). ``groups``: learner → group, to allocate each group on its own. ``minimum``: the
    rubric's minimum number of reviewers, the level every resource should reach first.
    """
    check_count(per_learner)
    if not resources:
        raise ValidationError("there are no resources to assign")
    done = {who: set(items) for who, items in (reviewed or {}).items()}
    added = authors or {}
    rng = random.Random(seed)
    shuffled = list(dict.fromkeys(resources))
    rng.shuffle(shuffled)
    tiebreak = {r: i for i, r in enumerate(shuffled)}
    cohorts: dict[str, list[str]] = {}
    for learner in dict.fromkeys(learners):
        cohorts.setdefault((groups or {}).get(learner, ""), []).append(learner)
    pairs: list[tuple[str, str]] = []
    for group in sorted(cohorts):
        members = cohorts[group]
        load = {r: 0 for r in shuffled}
        counted = members if groups else list(done)  # without groups, everyone's reviews
        for learner in counted:
            for r in done.get(learner, ()):
                if r in load:
                    load[r] += 1
        order = members[:]
        rng.shuffle(order)
        for _ in range(per_learner):
            for learner in order:
                taken = done.setdefault(learner, set())
                eligible = [r for r in shuffled if r not in taken and added.get(r) != learner]
                if not eligible:
                    continue
                # short of the minimum first, then the least loaded, then the seeded order
                best = min(eligible, key=lambda r: (load[r] >= minimum, load[r], tiebreak[r]))
                taken.add(best)
                load[best] += 1
                pairs.append((learner, best))
            order.reverse()  # whoever chose last in this round chooses first in the next
    return pairs


def parse_due(text: str) -> datetime:
    """``2026-03-01`` (the end of that day, UTC) or an ISO 8601 time (UTC when no zone)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            f"the due date {text!r} is not a date: write 2026-03-01 or 2026-03-01T17:00Z"
        ) from None
    if len(text.strip()) <= 10:  # a date alone: due by the end of that day
        moment = datetime.combine(moment.date(), time(23, 59), tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def check_count(per_learner: int) -> None:
    """Refuse a number of reviews per learner that cannot be meant."""
    if per_learner < 1:
        raise ValidationError("assign at least one resource to each learner")
    if per_learner > MAX_PER_LEARNER:
        raise ValidationError(f"assign at most {MAX_PER_LEARNER} resources to each learner")


def is_done(assignment: Assignment, reviews: Iterable[Review]) -> bool:
    return any(
        r.reviewer == assignment.learner and r.resource_id == assignment.resource_id
        for r in reviews
    )


class Assignments:
    """A mixin of :class:`reviews.workbook.Workbook`: assigning reviews, checked and audited."""

    store: Store

    if TYPE_CHECKING:  # provided by Workbook, Identity and Moderation

        def resources(self) -> list[Resource]: ...

        def reviews(self, *args: Any, **kwargs: Any) -> list[Review]: ...

        def rubric(self, rubric_id: str | None = None) -> Rubric: ...

        def min_reviewers(self, rubric: Rubric) -> int: ...

        def is_tutor(self, name: str) -> bool: ...

        def register(self, names: Iterable[str]) -> None: ...

        def moderation(self) -> State: ...

        def people(self) -> Any: ...

        def log_event(
            self, action: str, target_id: str, actor: str, reason: str
        ) -> ModerationEvent: ...

    def assign(
        self,
        per_learner: int,
        actor: Actor,
        learners: Iterable[str] | None = None,
        groups: Mapping[str, str] | None = None,
        resources: Iterable[str] | None = None,
        due: datetime | None = None,
        seed: int = 0,
    ) -> list[Assignment]:
        """Assign ``per_learner`` resources to each learner (see the module docstring).

        ``learners``: user names (default: everyone who has contributed, tutors left out; with
        ``groups`` and no ``learners``, the learners it names). ``resources``: the ids to choose
        from (default: the whole catalogue). ``due``: an aware datetime, or None. Tutors and
        the administrator only; nothing is written when anything is wrong.
        """
        who = self._tutor(actor, "assign reviews")
        check_count(per_learner)
        if due is not None and due.tzinfo is None:
            raise ValidationError("the due date needs a time zone, e.g. 2026-03-01T17:00:00Z")
        catalogue = {r.id: r for r in self.resources()}
        chosen = list(dict.fromkeys(resources)) if resources is not None else list(catalogue)
        unknown = [r for r in chosen if r not in catalogue]
        if unknown:
            raise NotFound(f"no resource with id {unknown[0]!r} in this workbook")
        names = self._learners(learners, groups)
        if not names:
            raise ValidationError(
                "there is nobody to assign reviews to yet: give the learners' names (a roster) "
                "or wait until learners have signed in and contributed"
            )
        tutors = [n for n in names if self.is_tutor(n)]
        if tutors:
            raise ValidationError(f"{tutors[0]!r} is a tutor: assign reviews to learners only")
        reviewed: dict[str, set[str]] = {}
        for review in self.reviews(include_hidden=True):
            reviewed.setdefault(review.reviewer, set()).add(review.resource_id)
        for a in self.assignments():
            reviewed.setdefault(a.learner, set()).add(a.resource_id)
        pairs = allocate(
            names,
            chosen,
            per_learner,
            self.min_reviewers(self.rubric()),
            reviewed=reviewed,
            authors={r.id: r.added_by for r in catalogue.values()},
            groups=groups,
            seed=seed,
        )
        if not pairs:
            raise ValidationError(
                "every learner has already reviewed or been assigned every resource they could"
            )
        batch = new_id("asg")
        made = [
            build(
                Assignment,
                "assignment",
                id=new_id("asn"),
                learner=learner,
                resource_id=res,
                assigned_by=who,
                batch=batch,
                group=(groups or {}).get(learner, ""),
                due=due,
            )
            for learner, res in pairs
        ]
        with self.store.transaction(who) as shard:
            shard.put_many("assignments", [a.model_dump(mode="json") for a in made])
        self.register([who])
        when = f", due {due:%Y-%m-%d %H:%M} UTC" if due is not None else ""
        grouped = f" in {len(set(groups.values()))} groups" if groups else ""
        reason = (
            f"batch {batch}: {len(made)} reviews assigned to {len(set(names))} learners "
            f"({per_learner} each{grouped}{when})"
        )
        self.log_event("assign", batch, who, reason + audit_note(actor))
        return made

    def _tutor(self, actor: Actor, what: str) -> str:
        """The name to audit for ``actor``: a tutor or the administrator, else refused."""
        return require_tutor_or_administrator(self, actor, what)  # type: ignore[arg-type]

    def _learners(
        self, learners: Iterable[str] | None, groups: Mapping[str, str] | None
    ) -> list[str]:
        if learners is not None:
            return list(dict.fromkeys(" ".join(n.split()) for n in learners if n.strip()))
        if groups:
            return list(groups)
        return [p.name for p in self.people() if not self.is_tutor(p.name)]

    def withdraw_assignments(self, batch: str, actor: Actor, reason: str) -> ModerationEvent:
        """Withdraw every assignment of one batch (tutors and the administrator; audited)."""
        who = self._tutor(actor, "withdraw assignments")
        if not reason.strip():
            raise ValidationError("say why you withdraw these assignments: the audit log keeps it")
        if not any(a.batch == batch for a in self.assignments()):
            raise NotFound(f"no current assignments in batch {batch!r}")
        return self.log_event("unassign", batch, who, reason.strip() + audit_note(actor))

    def assignments(self, learner: str | None = None) -> list[Assignment]:
        """Current assignments (withdrawn batches left out), oldest first; one learner's with
        ``learner``."""
        withdrawn = {
            doc.get("target_id") for doc in self.store.records("events")
            if doc.get("action") == "unassign"
        }  # fmt: skip
        docs = self.store.records("assignments")
        if learner is not None:
            docs = [d for d in docs if d.get("learner") == learner]
        out = [a for a in valid_models(Assignment, docs) if a.batch not in withdrawn]
        return sorted(out, key=lambda a: (a.created_at, a.due is None, a.id))

    def assignment_progress(self, learner: str) -> list[tuple[Assignment, bool]]:
        """``learner``'s assignments with whether each is done, the undone first (soonest due
        first). Anyone may ask about themselves; this shows nobody else's work."""
        mine = self.assignments(learner)
        reviews = [r for r in self.reviews(include_hidden=True) if r.reviewer == learner]
        rows = [(a, is_done(a, reviews)) for a in mine]
        return sorted(rows, key=lambda x: (x[1], x[0].due is None, x[0].due or x[0].created_at))

    def assignment_table(self, actor: Actor, identities: bool = False) -> pd.DataFrame:
        """One row per current assignment: who (pseudonym; real name with ``identities``),
        group, resource, due, done, overdue, batch, by whom and when. Tutors only."""
        import pandas as pd

        from reviews.classroom.roles import in_pseudonym_order, label_people
        from reviews.domain.model import now

        self._tutor(actor, "see the assignments")
        titles = {r.id: r.title for r in self.resources()}
        done = {(r.reviewer, r.resource_id) for r in self.reviews(include_hidden=True)}
        moment = now()
        rows = [
            (
                a.learner,
                a.group,
                a.resource_id,
                titles.get(a.resource_id, ""),
                a.due,
                (a.learner, a.resource_id) in done,
                a.due is not None and a.due < moment and (a.learner, a.resource_id) not in done,
                a.batch,
                a.assigned_by,
                a.created_at,
            )
            for a in self.assignments()
        ]
        frame = pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)
        for column in ("due", "assigned_at"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        frame = frame.astype({"done": bool, "overdue": bool})
        source: Any = self  # a ClassroomSource: Workbook is one
        frame = in_pseudonym_order(frame, "learner", source, then="resource_title")
        return label_people(frame, "learner", source, identities)


def completion(
    assignments: Iterable[Assignment], reviews: Iterable[Review]
) -> dict[str, tuple[int, int]]:
    """Per learner: (assignments, of which done)."""
    done = {(r.reviewer, r.resource_id) for r in reviews}
    out: dict[str, list[int]] = {}
    for a in assignments:
        counts = out.setdefault(a.learner, [0, 0])
        counts[0] += 1
        counts[1] += (a.learner, a.resource_id) in done
    return {k: (v[0], v[1]) for k, v in out.items()}
