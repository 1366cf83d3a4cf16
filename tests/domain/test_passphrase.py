"""The tutor passphrase: stored only as a salted scrypt hash, checked in constant time."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reviews import PermissionDenied, StorageError, ValidationError, Workbook
from reviews.classroom.roles import Administrator
from reviews.cli import cli
from reviews.domain.passphrase import hash_passphrase, verify_passphrase

SECRET = "correct horse battery staple"


@pytest.fixture(autouse=True)
def no_passphrase_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APPRAISE_TUTOR_PASSPHRASE", raising=False)
    monkeypatch.delenv("APPRAISE_WORKBOOK", raising=False)


def test_the_right_passphrase_matches_and_a_wrong_one_does_not() -> None:
    stored = hash_passphrase(SECRET)
    assert verify_passphrase(SECRET, stored)
    assert not verify_passphrase(SECRET + " ", stored)
    assert not verify_passphrase("", stored)
    assert not verify_passphrase(SECRET, None)


def test_the_same_passphrase_hashes_differently_each_time() -> None:
    first, second = hash_passphrase(SECRET), hash_passphrase(SECRET)
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]  # the salts differ
    assert first.startswith("scrypt$32768$8$1$")


def test_short_passphrases_are_refused() -> None:
    with pytest.raises(ValidationError, match="at least 8 characters"):
        hash_passphrase("secret")


@pytest.mark.parametrize(
    "stored",
    [
        "plain text",
        "scrypt$32768$8$1$c2FsdA==",  # no key
        "scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
        "scrypt$1000$8$1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5",
    ],
)
def test_a_malformed_or_hostile_stored_hash_never_matches(stored: str) -> None:
    assert not verify_passphrase(SECRET, stored)


def test_a_workbook_stores_the_hash_never_the_passphrase(wb: Workbook) -> None:
    assert not wb.check_tutor_passphrase(SECRET)  # none set yet
    wb.set_tutor_passphrase(SECRET, actor="tutor-1")
    text = (wb.path / "workbook.yaml").read_text()
    assert SECRET not in text
    assert "tutor_passphrase_hash: scrypt$" in text
    reopened = Workbook.open(wb.path)
    assert reopened.check_tutor_passphrase(SECRET)
    assert not reopened.check_tutor_passphrase("correct horse battery stapler")


def test_a_changed_passphrase_applies_to_workbooks_already_open(wb: Workbook) -> None:
    other_process = Workbook.open(wb.path)
    wb.set_tutor_passphrase(SECRET, actor="tutor-1")
    assert other_process.check_tutor_passphrase(SECRET)


def test_each_workbook_gets_its_own_salt(tmp_path: Path) -> None:
    hashes = []
    for name in ("a", "b"):
        wb = Workbook.create(tmp_path / name, title=name, tutors=["t"])
        wb.set_tutor_passphrase(SECRET, actor="t")
        hashes.append(wb.config.tutor_passphrase_hash)
    assert hashes[0] != hashes[1]
    assert hashes[0].split("$")[4] != hashes[1].split("$")[4]


def test_only_tutors_and_the_administrator_set_the_passphrase(wb: Workbook) -> None:
    with pytest.raises(PermissionDenied):
        wb.set_tutor_passphrase(SECRET, actor="learner-1")
    with pytest.raises(PermissionDenied):
        wb.set_tutor_passphrase(SECRET, actor="cli:root")  # a string is never an administrator
    assert wb.config.tutor_passphrase_hash is None
    wb.set_tutor_passphrase(SECRET, actor=Administrator("cli:it-desk"))
    (event,) = [e for e in wb.audit_log() if e.action == "passphrase"]
    assert event.actor == "cli:it-desk"
    assert "administrator" in event.reason
    assert SECRET not in event.reason


def test_changing_a_setting_keeps_changes_made_by_another_process(wb: Workbook) -> None:
    Workbook.open(wb.path).update_settings(min_reviewers=5)
    wb.set_tutor_passphrase(SECRET, actor="tutor-1")  # wb's in-memory config is stale
    reopened = Workbook.open(wb.path)
    assert reopened.config.min_reviewers == 5
    assert reopened.check_tutor_passphrase(SECRET)


def test_a_hand_edited_hash_is_reported_as_a_damaged_setting(wb: Workbook) -> None:
    path = wb.path / "workbook.yaml"
    data = yaml.safe_load(path.read_text())
    data["tutor_passphrase_hash"] = SECRET  # someone typed the passphrase itself
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(StorageError, match="tutor_passphrase_hash"):
        Workbook.open(wb.path)


# -- the command line ------------------------------------------------------------------------


def test_init_asks_twice_with_hidden_input(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "wb"), "--tutor", "dr-lee", "--tutor-passphrase"],
        input=f"{SECRET}\n{SECRET}\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "Repeat it to confirm" in result.output
    assert SECRET not in result.output  # hidden input is not echoed
    assert Workbook.open(tmp_path / "wb").check_tutor_passphrase(SECRET)


def test_init_asks_again_when_the_two_entries_differ(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "wb"), "--tutor-passphrase"],
        input=f"{SECRET}\nsomething else\n{SECRET}\n{SECRET}\n",
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert Workbook.open(tmp_path / "wb").check_tutor_passphrase(SECRET)


def test_init_reads_the_passphrase_from_the_environment(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "wb"), "--tutor-passphrase"],
        env={"APPRAISE_TUTOR_PASSPHRASE": SECRET},
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "Repeat it" not in result.output  # nothing was asked
    assert "Tutor passphrase set" in result.output
    assert Workbook.open(tmp_path / "wb").check_tutor_passphrase(SECRET)


def test_init_without_the_flag_sets_no_passphrase(tmp_path: Path) -> None:
    env = {"APPRAISE_TUTOR_PASSPHRASE": SECRET}
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "wb")], env=env)
    assert result.exit_code == 0
    assert Workbook.open(tmp_path / "wb").config.tutor_passphrase_hash is None


def test_the_passphrase_command_changes_it_and_logs_who(tmp_path: Path) -> None:
    Workbook.create(tmp_path / "wb", title="t", tutors=["dr-lee"])
    args = ["passphrase", "--workbook", str(tmp_path / "wb"), "--actor", "cli:admin"]
    first = CliRunner().invoke(cli, args, env={"APPRAISE_TUTOR_PASSPHRASE": SECRET})
    assert first.exit_code == 0 and "set" in first.output
    second = CliRunner().invoke(cli, args, input="a new passphrase\na new passphrase\n")
    assert second.exit_code == 0 and "changed" in second.output
    wb = Workbook.open(tmp_path / "wb")
    assert wb.check_tutor_passphrase("a new passphrase")
    assert not wb.check_tutor_passphrase(SECRET)
    reasons = [e.reason for e in wb.audit_log() if e.action == "passphrase"]
    assert [r.split(" as ")[0] for r in reasons] == [
        "tutor passphrase set",
        "tutor passphrase changed",
    ]


def test_a_short_passphrase_from_the_environment_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "wb"), "--tutor-passphrase"],
        env={"APPRAISE_TUTOR_PASSPHRASE": "short"},
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, ValidationError)
    assert not (tmp_path / "wb").exists()
