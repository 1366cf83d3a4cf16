"""A demo workbook: a cardiology block with a simulated class of 24 learners and a tutor.

The catalogue comes from ``resources.csv`` (real, well-known sites plus clearly marked
placeholders). Reviews are simulated from a seeded generator: each resource has a latent
quality that depends loosely on who publishes it, each learner a personal bias and noise, so
that the summaries show what a real class would: spread, few reviews on most resources,
disagreement, a flag for undeclared promotion on industry pages, and a few corrections.
"""

from __future__ import annotations

import random
from pathlib import Path

from reviews.io.importer import import_resources
from reviews.workbook import Workbook

CATALOGUE_CSV = Path(__file__).with_name("resources.csv")
TUTOR = "tutor"
LEARNERS = [f"learner-{i:02d}" for i in range(1, 25)]

# Loose priors by publisher type (stars, 1-5): a demo, not a claim about any real resource.
PRIOR = {
    "professional_body": 4.3,
    "journal": 4.2,
    "academic": 4.0,
    "individual_clinician": 3.7,
    "unknown": 3.2,
    "student": 3.0,
    "industry": 2.6,
}

COMMENTS = [
    "Clear explanation, but check the dates against the current guideline.",
    "Good for revision before the OSCE; the ECG examples are helpful.",
    "Useful overview. The references at the end are a bit thin.",
    "Too long for what it covers; the key points come in the last third.",
    "I liked the worked cases. Would recommend to our year group.",
    "Some of the drug doses are not referenced.",
    "",
    "",
]

CORRECTIONS = [
    (
        "Demo entry",  # matched against the description: placeholder resources
        "04:10",
        "Says digoxin is first-line rate control for all patients with atrial fibrillation.",
        "Beta-blockers or rate-limiting calcium-channel blockers are first line; digoxin is "
        "reserved for sedentary patients or as an add-on.",
        "NICE NG196 (2021), section 1.7",
        "major",
    ),
    (
        "industry",
        "Section 'Who should take it'",
        "Presents the product as suitable for every patient with heart failure.",
        "Eligibility depends on ejection fraction, symptoms and tolerance of ACE inhibitors; "
        "the page does not declare that it is written by the manufacturer.",
        "https://doi.org/10.1093/eurheartj/ehab368",
        "major",
    ),
    (
        "student",
        "Paragraph on thrombolysis",
        "Gives a door-to-needle target of 2 hours.",
        "The target for fibrinolysis in STEMI is within 10 minutes of diagnosis when primary "
        "PCI cannot be done in time.",
        "https://doi.org/10.1093/eurheartj/ehad191",
        "patient-safety",
    ),
]


def create_demo(directory: Path, seed: int = 7) -> Workbook:
    """Create the demo workbook in ``directory`` (which must not be a workbook yet)."""
    rng = random.Random(seed)
    # The demo shows the class's scores at once (blind_until_reviewed would hide them from
    # anyone new to it, which is everyone trying the demo).
    wb = Workbook.create(
        directory, title="Cardiology block (demo)", tutors=[TUTOR], blind_until_reviewed=False
    )
    import_resources(wb, CATALOGUE_CSV, added_by=TUTOR)
    resources = wb.resources()
    quality = {
        r.id: min(5.0, max(1.0, PRIOR.get(r.publisher_type, 3.2) + rng.gauss(0, 0.5)))
        for r in resources
    }
    # Heavy-tailed attention: a few resources get many reviews, most get few or none.
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(len(resources))]
    order = resources[:]
    rng.shuffle(order)
    for learner in LEARNERS:
        bias = rng.gauss(0, 0.4)
        picks = {r.id: r for r in rng.choices(order, weights=popularity, k=rng.randint(3, 12))}
        for resource in picks.values():
            stars = round(quality[resource.id] + bias + rng.gauss(0, 0.7))
            flags = []
            if resource.publisher_type == "industry" and rng.random() < 0.5:
                flags.append("undeclared_promotion")
            if rng.random() < 0.05:
                flags.append("outdated")
            wb.submit_review(
                resource.id,
                reviewer=learner,
                scores={"overall": min(5, max(1, stars))},
                comment=rng.choice(COMMENTS),
                confidence=rng.choice([1, 2, 2, 3]),
                flags=flags,
                bloom=rng.sample(["remember", "understand", "apply", "analyse"], k=2),
            )
    for resource in order[:8]:
        wb.submit_review(
            resource.id,
            reviewer=TUTOR,
            scores={"overall": round(quality[resource.id])},
            comment="Tutor reference review.",
            confidence=3,
        )
    _add_corrections(wb, resources, rng)
    return wb


def _add_corrections(wb: Workbook, resources: list, rng: random.Random) -> None:
    for i, (match, locator, claim, fix, evidence, severity) in enumerate(CORRECTIONS):
        targets = [r for r in resources if match in (r.description, r.publisher_type)
                   or r.description.startswith(match)]  # fmt: skip
        if not targets:
            continue
        author = LEARNERS[i * 5]
        correction = wb.add_correction(
            targets[0].id, author=author, locator=locator, claim=claim, correction=fix,
            evidence=evidence, severity=severity,
        )  # fmt: skip
        voters = rng.sample([x for x in LEARNERS if x != author], k=4 + i)
        for n, voter in enumerate(voters):
            agree = n != 1
            reason = "" if agree else "The guideline allows exceptions; needs a source."
            wb.vote(correction.id, voter=voter, agree=agree, reason=reason)
        wb.add_comment(
            targets[0].id,
            author=LEARNERS[i * 5 + 1],
            text="Does anyone have the page number in the guideline for this?",
        )
