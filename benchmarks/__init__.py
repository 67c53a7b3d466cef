"""Benchmarks: each module's `run()` measures a ratio against a baseline taken in the same run."""
