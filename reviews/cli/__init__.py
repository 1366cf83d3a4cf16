"""The command line: ``appraise`` and one module per sub-command, as nbgrader's ``apps/``.

``main.py`` is the group and the entry point that turns user mistakes into one line on stderr;
``options.py`` holds the options every sub-command shares. A sub-command module parses its
options and calls the workbook's API: no domain logic belongs here.
"""

from __future__ import annotations

from reviews.cli.main import cli, main

__all__ = ["cli", "main"]
