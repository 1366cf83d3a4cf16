"""Tests of reviews/cli/."""
