"""Tests of reviews/serving/."""
