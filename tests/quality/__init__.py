"""Tests of reviews/quality/."""
