"""The demo workbook makes sense: each correction is about its resource, and the demo says how
its tutor signs in."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from reviews.cli import cli
from reviews.io.demo import TUTOR, create_demo

# a word each correction must share with the resource it corrects (title or topics)
ABOUT = {
    "Heart murmurs revision video": "murmur",
    "Heart failure medicines explained (sponsored webinar)": "heart failure",
    "Tweetorial: hyperkalaemia and the ECG": "potassium",
    "Promoted thread: smartwatch detection of atrial fibrillation": "atrial fibrillation",
}


def test_each_demo_correction_is_about_an_invented_resource_it_fits(tmp_path: Path) -> None:
    wb = create_demo(tmp_path / "demo")
    resources = {r.id: r for r in wb.resources()}
    corrected = {}
    for c in wb.corrections():
        resource = resources[c.resource_id]
        assert resource.description.startswith("Demo entry"), resource.title
        corrected[resource.title] = f"{c.claim} {c.correction}".lower()
    assert set(corrected) == set(ABOUT)
    for title, word in ABOUT.items():
        assert word in corrected[title], title
    assert wb.config.tutors == [TUTOR] and wb.is_tutor("dr-lee")
    assert not wb.has_tutor_passphrase()


def test_appraise_demo_says_how_the_tutor_signs_in(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "demo")], catch_exceptions=False)
    assert result.exit_code == 0
    assert "tutor is dr-lee" in result.output
    assert f"appraise passphrase --workbook {tmp_path / 'demo'}" in result.output
