"""Who is who: stable pseudonyms for learners, the join code, and tutors' right to unmask.

Learners see each other as "Reviewer 7", never by name: a pseudonym keeps the discussion about
the resource, not the person, and protects learners who disagree with a loud classmate. The
number is given once, in order of first contribution, and stored in its own shard, so it
never changes. Tutors are shown as tutors; only tutors see real names.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from typing import TYPE_CHECKING

from reviews.domain.errors import PermissionDenied
from reviews.domain.model import Person, build, new_id, valid_models
from reviews.store.base import PEOPLE

if TYPE_CHECKING:
    from reviews.domain.model import WorkbookConfig
    from reviews.store import Store
    from reviews.store.base import Shard


def number_people(shard: Shard, names: Iterable[str]) -> None:
    """Give each name new to the people shard the next pseudonym number (in one transaction,
    which an import shares with its reviews so that both land or neither)."""
    # Every stored record, valid or not: a hand-edited person keeps their number taken, so a
    # newcomer never shares a pseudonym with them (reads skip invalid records otherwise).
    people = getattr(shard, "inner", shard).all("people")
    taken = {p.get("name") for p in people}
    numbers = [p.get("number") for p in people]
    number = max((n for n in numbers if isinstance(n, int)), default=0)
    for name in dict.fromkeys(names):
        if name not in taken:
            number += 1
            person = build(Person, "person", id=new_id("per"), name=name, number=number)
            shard.add("people", person.model_dump(mode="json"))


class Identity:
    """A mixin of :class:`reviews.workbook.Workbook`."""

    store: Store
    config: WorkbookConfig
    # Names this object has seen registered: a person keeps their number forever (people are
    # never deleted), so a name seen once needs no lookup again (Workbook.__init__ sets it).
    registered: set[str]

    if TYPE_CHECKING:

        def is_tutor(self, name: str) -> bool: ...

    def people(self) -> list[Person]:
        return sorted(valid_models(Person, self.store.records("people")), key=lambda p: p.number)

    def register(self, names: Iterable[str]) -> None:
        """Give each new contributor the next pseudonym number (a no-op for known names).

        Called after every contribution, so it must be cheap: names already seen cost nothing,
        the others one lookup of just those names (not the whole list of people), and only
        real newcomers a transaction on the people shard (which re-checks under its lock)."""
        unseen = [n for n in dict.fromkeys(names) if n not in self.registered]
        if not unseen:
            return
        found = {doc.get("name") for doc in self.store.people_named(unseen)}
        new = [n for n in unseen if n not in found]
        if new:
            with self.store.transaction(PEOPLE) as shard:
                number_people(shard, new)
        self.registered.update(unseen)

    def pseudonyms(self) -> dict[str, str]:
        """Every contributor's display name: ``Reviewer N`` for learners, ``Tutor <name>``."""
        return {p.name: self._display(p.name, p.number) for p in self.people()}

    def pseudonym(self, name: str) -> str:
        """The name ``name`` is shown under to learners (registering it if it is new)."""
        shown = self.pseudonyms().get(name)
        if shown is None:
            self.registered.discard(name)  # not in the people shard (after all): look again
            self.register([name])
            shown = self.pseudonyms()[name]
        return shown

    def unmask(self, actor: str) -> dict[str, str]:
        """Pseudonym -> real name, for tutors only (checked here, not only in the UI)."""
        if not self.is_tutor(actor):
            raise PermissionDenied("only a tutor can see learners' names")
        return {shown: name for name, shown in self.pseudonyms().items()}

    def check_join_code(self, code: str) -> bool:
        """Does ``code`` match the workbook's join code (case and spaces ignored)?"""
        given = "".join(code.split()).upper().encode()
        return hmac.compare_digest(given, self.config.join_code.upper().encode())

    def _display(self, name: str, number: int) -> str:
        if not self.is_tutor(name):
            return f"Reviewer {number}"
        # "Tutor tutor" for a tutor account called "tutor" reads as a typo: "Tutor".
        return "Tutor" if name.lower() == "tutor" else f"Tutor {name}"
