"""Classroom governance: people, roles and what tutors do.

Pseudonyms and the join code (``identity.py``), who may see names (``roles.py``), tutor actions
and the audit log (``moderation.py``) with the tutors' queue (``moderation_queue.py``),
corrections, votes and comments (``discussion.py``), participation, calibration against a
tutor's reference review, and each reviewer's standing in the model (``reviewers.py``).

``identity``, ``discussion`` and ``moderation`` are parts (mixins) of the Workbook; the tutors'
views take the read-only protocol in ``source.py``. Does not belong: statistics of the quality
model (``reviews.quality``), file formats (``reviews.io``, ``reviews.export``), the UI.
"""
