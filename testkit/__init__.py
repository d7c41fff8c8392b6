"""Helpers for testing Live Storefront from outside: the app in a subprocess, Debian's Chromium, waiting for a
condition. Free of any one test suite's fixtures, for tests and benchmarks alike."""
