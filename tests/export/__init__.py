"""Tests of reviews/export/."""
