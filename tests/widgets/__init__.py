"""Tests of widgets/: components without a browser, and the dashboards in real Chromium."""
