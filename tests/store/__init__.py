"""Tests of reviews/store/."""
