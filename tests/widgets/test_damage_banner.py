"""Tutors see a banner naming damaged files; learners keep working and never see it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviews import Workbook
from reviews.store.tinydb_store import shard_file_name
from tests.support.classroom import Classroom, make_classroom
from tests.widgets.test_widgets_tutor import PASSPHRASE, find, signed_in


@pytest.fixture
def room(tmp_path: Path) -> Classroom:
    room = make_classroom(tmp_path / "wb")
    room.wb.set_tutor_passphrase(PASSPHRASE, actor="dr-lee")
    return room


def test_a_tutor_sees_damaged_files_named_in_a_banner(room: Classroom) -> None:
    app = signed_in(room)
    (banner,) = find(app.widget, "appraise-damage-banner")
    assert banner.value == ""  # nothing damaged, nothing shown
    bad = room.wb.path / "contributions" / shard_file_name("mallory")
    bad.write_text(json.dumps({"reviews": {"1": "<script>x</script>"}}), encoding="utf-8")
    folder = room.wb.path / "contributions" / shard_file_name("nobody")
    folder.mkdir()
    app.open("audit")
    assert "2 damaged file(s) or record(s)" in banner.value
    assert str(bad) in banner.value and str(folder) in banner.value
    assert "appraise check" in banner.value
    assert "<script>" not in banner.value  # a quoted record is escaped
    assert len(Workbook.open(room.wb.path).reviews()) == len(room.wb.reviews())
