"""Benchmarks that start the real app and measure it from outside."""
