"""The results pages: the organizer's (manage.py) and the public and entrants' ones (public.py)."""
