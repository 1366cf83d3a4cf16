"""Serving the dashboards: how ``appraise serve`` starts Voila (``voila.py``) with kernel
culling and preheated kernels.

Belongs here: processes and servers around the notebooks. Does not: widgets (``widgets/``) or
the notebooks themselves (``notebooks/``), which this package only points Voila at.
"""
