"""The demo: the CCM contest, its people and its past editions, loaded by `manage.py seed_demo`.

It sits on top of every other app and may import any of them; nothing imports it.
"""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
