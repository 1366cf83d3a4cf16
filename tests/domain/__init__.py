"""Tests of reviews/domain/."""
