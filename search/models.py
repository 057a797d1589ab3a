from django.db import models


class Document(models.Model):
    """What search reads for one actor, event or project: the stored tokens of its names, acronym,
    tags (themes, audiences, kind, commune, and related names such as organisers and postcodes) and
    texts, in every language (``search.analysis``: folded, stemmed), with what ranks it.

    A full-text index sits on this table: SQLite's FTS5 or PostgreSQL's GIN over a tsvector (see
    the migrations and search/engine.py), both with prefix matching over the same tokens.
    """

    class Kind(models.TextChoices):
        ACTOR = "actor"
        EVENT = "event"
        PROJECT = "project"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField()
    name = models.TextField(blank=True)
    acronym = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    text = models.TextField(blank=True)
    # 2: active and verified (or under way), 1: active, 0: dormant, closed, cancelled, finished.
    rank = models.PositiveSmallIntegerField(default=0)
    commune_id = models.IntegerField(null=True, blank=True)

    class Meta:
        db_table = "search_document"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="unique_search_document")]

    def __str__(self):
        return f"{self.kind} {self.object_id}"


class Word(models.Model):
    """A word (folded, as written) of some document: the vocabulary typos are corrected to and the
    words being typed are completed from. Words are added as documents are written; ``manage.py
    rebuild_search`` starts it afresh (a word whose documents are gone only costs a useless match)."""

    word = models.CharField(max_length=64, primary_key=True)

    class Meta:
        db_table = "search_word"

    def __str__(self):
        return self.word
