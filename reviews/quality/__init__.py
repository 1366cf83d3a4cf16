"""The quality model: from reviews to summaries a class can trust.

Review tables (``frames.py``), the bias-and-reliability model (``aggregate.py`` with its
empirical-Bayes ``priors.py`` and the brigade test ``coordination.py``), the statistics written
from their definitions (``stats.py``), the per-resource ``summary.py``, agreement between
reviewers (``agreement.py``) and the ranking of corrections (``corrections.py``).

Functions here take the records they need through the read-only protocol in ``source.py``,
never the Workbook itself. Does not belong: anything that writes, or knows about people's names
(that is :mod:`reviews.classroom`).
"""
