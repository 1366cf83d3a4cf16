"""Configuration and commands are documented: a setting or command missing from docs/ fails."""

from __future__ import annotations

import re

from reviews.cli import cli
from reviews.domain.model import LIMITS, WorkbookConfig
from tests.conftest import ROOT

DOCS = ROOT / "docs"


def test_every_workbook_setting_is_in_the_tutor_guide() -> None:
    guide = (DOCS / "tutor-guide.md").read_text()
    missing = [f for f in WorkbookConfig.model_fields if f"`{f}`" not in guide]
    assert missing == []


def test_every_text_limit_is_documented() -> None:
    text = (DOCS / "architecture.md").read_text()
    for name, limit in LIMITS.items():
        assert f"`{name}`" in text, name
        assert f"{limit:,}" in text or str(limit) in text, name


def test_every_cli_command_and_option_is_documented() -> None:
    text = "\n".join(p.read_text() for p in [ROOT / "README.md", *DOCS.glob("*.md")])
    commands = [(f"appraise {name}", cmd) for name, cmd in cli.commands.items()]
    for sub in ("resources", "reviews"):
        commands.append((f"appraise import {sub}", cli.commands["import"].commands[sub]))
    for name, command in commands:
        assert name in text, name
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt != "--help":
                    assert opt in text, f"{name} {opt}"


def test_screenshots_used_in_the_docs_exist() -> None:
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text()):
            assert (page.parent / target).is_file(), f"{page.name}: {target}"
