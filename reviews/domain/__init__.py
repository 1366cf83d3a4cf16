"""The domain: what Appraise is about, with no storage, statistics or UI.

Records and their validation (``model.py``), rubrics and their YAML files (``rubric.py``,
``rubric_files.py``, ``rubrics/``), URL normalisation (``urls.py``), patient-identifier
warnings (``privacy.py``), passphrase hashing (``passphrase.py``), what moderation events mean
for everyone's view (``visibility.py``) and the exception hierarchy (``errors.py``).

Belongs here: pure functions and pydantic models of Resource, Review, Correction, Vote,
Comment, ModerationEvent, Rubric. Does not: anything that reads a file other than a rubric,
pandas, numpy, or any import from another folder of ``reviews``.
"""
