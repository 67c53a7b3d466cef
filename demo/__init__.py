"""The demo contest, its people and past editions, for trying every role (`manage.py seed_demo`)."""
