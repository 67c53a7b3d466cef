"""What every machine of one site must agree on, recorded once in the database that they share."""

from django.db import models


class SharedSecret(models.Model):
    """A fingerprint of a setting that must be equal on every web node and worker (SECRET_KEY): never the value."""

    name = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name
