"""The cache backend: django-redis failing soft, so that sign-in keeps working while Redis is away."""

from django_redis.cache import RedisCache


class FailSoftRedisCache(RedisCache):
    """With IGNORE_EXCEPTIONS, django-redis answers None to every command while Redis is away.

    allauth takes a lock with cache.add() before it counts a sign-in attempt,
    and refuses the attempt when it cannot get one: during a Redis restart
    every sign-in would be refused (429). Here add() answers True then, as if
    the lock were taken, so the limits count nothing and refuse nothing
    until Redis is back.
    """

    def add(self, *args, **kwargs) -> bool:
        added = super().add(*args, **kwargs)
        return True if added is None else added
