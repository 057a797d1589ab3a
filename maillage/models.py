from django.db import models


class DataVersion(models.Model):
    """A counter per kind of data, bumped on every change.

    In-memory indexes and caches compare it to the version they were built from, so every app
    server sees a change at its next request without sharing memory (one indexed read).
    """

    name = models.CharField(max_length=40, primary_key=True)
    counter = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.name}@{self.counter}"


class RateCounter(models.Model):
    """How many times one client did one thing in one window of a rate limit (``maillage.ratelimit``).

    The key holds the action, the hashed client and the window; a row outlives its window only
    until the hourly purge.
    """

    key = models.CharField(max_length=120, unique=True)
    count = models.PositiveIntegerField(default=1)
    expires = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"


class PublicManager(models.Manager):
    """The default manager of public objects: archived (deleted) ones are left out.

    Deleting through the site archives instead (``archived_at``), so nothing is lost;
    ``all_objects`` sees everything, for moderators, history and restore.
    """

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True)
