"""Tests of reviews/io/."""
