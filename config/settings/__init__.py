"""Settings: base.py reads the environment; production.py and test.py adjust it."""
