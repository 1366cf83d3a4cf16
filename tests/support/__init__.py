"""Helpers shared by the tests: simulated classes, real servers and browsers."""
