"""Tests of reviews/classroom/."""
