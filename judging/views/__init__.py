"""The judging pages: the judge's workspace (judge.py) and the organizer's (organizer.py)."""
