"""A demo workbook: a cardiology block with a simulated class of 24 learners and a tutor.

The catalogue comes from ``resources.csv`` (real, well-known sites plus clearly marked
placeholders). Reviews are simulated from a seeded generator: each resource has a latent
quality that depends loosely on who publishes it, each learner a personal bias and noise, so
that the summaries show what a real class would: spread, few reviews on most resources,
disagreement, a flag for undeclared promotion on industry pages, and a few corrections.

Each simulated correction is written for one invented ("Demo entry") resource, found by its
title, and says something that resource could plausibly get wrong: a demo must not put a
thrombolysis correction on a murmurs video, nor attribute invented errors to a real site.
The demo's tutor is ``dr-lee``; the tutor dashboard needs a tutor passphrase, which the demo
does not set (``appraise passphrase --workbook <demo>`` sets it).
"""

from __future__ import annotations

import random
from pathlib import Path

from reviews.io.importer import import_resources
from reviews.workbook import Workbook

CATALOGUE_CSV = Path(__file__).with_name("resources.csv")
TUTOR = "dr-lee"
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
    "Good for revision before the OSCE; the worked examples are helpful.",
    "Useful overview. The references at the end are a bit thin.",
    "Too long for what it covers; the key points come in the last third.",
    "I liked the worked cases. Would recommend to our year group.",
    "Some of the claims are not referenced.",
    "",
    "",
]

# (title of the resource, locator, what it says, what it should say, evidence, severity,
#  a classmate's reason for disputing it)
CORRECTIONS = [
    (
        "Heart murmurs revision video",
        "02:40",
        "Says the murmur of aortic stenosis is loudest at the apex and radiates to the axilla.",
        "That describes mitral regurgitation. Aortic stenosis gives an ejection systolic murmur "
        "loudest in the right second intercostal space, radiating to the carotids.",
        "Macleod's Clinical Examination, 15th edition, chapter 4 (the cardiovascular system)",
        "major",
        "The video does say the carotids later on; the apex part is only the diagram.",
    ),
    (
        "Heart failure medicines explained (sponsored webinar)",
        "Slide 12, 'Who should take it'",
        "Presents the sponsor's product as suitable for every patient with heart failure.",
        "Eligibility depends on the ejection fraction, symptoms and tolerance of ACE inhibitors; "
        "the webinar does not declare that the manufacturer hosts it.",
        "https://doi.org/10.1093/eurheartj/ehab368",
        "major",
        "It is a webinar for clinicians, so the audience knows it is sponsored.",
    ),
    (
        "Tweetorial: hyperkalaemia and the ECG",
        "Tweet 5 of 9",
        "Says to give IV calcium only once the potassium is above 7.5 mmol/L.",
        "Give IV calcium at once when hyperkalaemia comes with ECG changes, whatever the level: "
        "it protects the heart while insulin-glucose lowers the potassium.",
        "UK Kidney Association, Treatment of acute hyperkalaemia in adults (2023)",
        "patient-safety",
        "Needs the page of the guideline before I agree.",
    ),
    (
        "Promoted thread: smartwatch detection of atrial fibrillation",
        "First tweet",
        "Says a smartwatch alert is enough to diagnose atrial fibrillation and start treatment.",
        "A wearable's alert is a screening result: the diagnosis needs an ECG trace (12-lead, "
        "or a single lead of 30 seconds) read by a clinician.",
        "https://doi.org/10.1093/eurheartj/ehae176",
        "major",
        "The thread says 'talk to your doctor' at the end.",
    ),
]

QUESTIONS = [
    "Does anyone have the page number in the textbook for this?",
    "Is the sponsor declared anywhere on the channel page?",
    "Which guideline year does the thread follow?",
    "Does the thread link to a validation study of the watch?",
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
    titles = {r.title: r for r in resources}
    for i, (title, locator, claim, fix, evidence, severity, doubt) in enumerate(CORRECTIONS):
        target = titles.get(title)
        if target is None:  # a catalogue edited by hand: leave that correction out
            continue
        author = LEARNERS[i * 5]
        correction = wb.add_correction(
            target.id, author=author, locator=locator, claim=claim, correction=fix,
            evidence=evidence, severity=severity,
        )  # fmt: skip
        voters = rng.sample([x for x in LEARNERS if x != author], k=4 + i)
        for n, voter in enumerate(voters):
            agree = n != 1
            wb.vote(correction.id, voter=voter, agree=agree, reason="" if agree else doubt)
        wb.add_comment(target.id, author=LEARNERS[i * 5 + 1], text=QUESTIONS[i])
