"""Benchmarks: each prints its figures, its baselines measured in the same run, and a last
line of ratios."""
