from django.db import models


class Document(models.Model):
    """What search reads for one actor, event or project: folded names and texts, all languages.

    A full-text index sits on this table: SQLite's FTS5 or PostgreSQL's GIN over a tsvector
    (see the migrations and search/engine.py), both with prefix matching.
    """

    class Kind(models.TextChoices):
        ACTOR = "actor"
        EVENT = "event"
        PROJECT = "project"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField()
    name = models.TextField(blank=True)
    text = models.TextField(blank=True)

    class Meta:
        db_table = "search_document"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"
