"""One exception hierarchy for everything a user can get wrong.

Every error raised for a user's mistake derives from :class:`AppraiseError`, which is also a
``ValueError`` so that generic callers can treat it as bad input. The message is written for
the learner or tutor who caused it: what is wrong and what to do instead. The CLI prints it on
one line; widgets show it in their status area.
"""

from __future__ import annotations


class AppraiseError(ValueError):
    """Root of every error Appraise raises for bad input, missing things or refused actions."""


class ValidationError(AppraiseError):
    """Input that does not satisfy the model: a field missing, too long, out of range."""


class InvalidURL(ValidationError):
    """A resource URL that is not an absolute http(s) URL."""


class NotFound(AppraiseError):
    """An id or name that does not exist in this workbook (resource, rubric, correction...)."""


class PermissionDenied(AppraiseError):
    """An action the actor may not take (a learner trying a tutor action, voting on one's own
    correction)."""


class RubricError(AppraiseError):
    """A rubric file that cannot be loaded; the message names the file and the field."""


class StorageError(AppraiseError):
    """A workbook file that is missing, damaged or locked for too long."""


class ImportRowsError(ValidationError):
    """A CSV import refused because some rows are invalid; ``problems`` lists (line, reason)."""

    def __init__(self, message: str, problems: list[tuple[int, str]]) -> None:
        super().__init__(message)
        self.problems = problems


class DamagedFile(StorageError):
    """A workbook file that cannot be read; it is left untouched for a human to repair."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path} is damaged ({reason}); run `appraise check` and repair it")
        self.path = str(path)
        self.reason = reason
