"""Agenda: events (single or recurring), their programme, and their dated occurrences."""

from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import Actor, Audience, Language, Place, Theme
from maillage.links import slug_url
from maillage.models import PublicManager
from territory.models import Commune

from .validators import validate_rrule

BRUSSELS = ZoneInfo("Europe/Brussels")


class Event(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")
        POSTPONED = "postponed", _("Postponed")

    slug = models.SlugField(unique=True, max_length=140)
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    rrule = models.CharField(
        _("recurrence rule"),
        max_length=250,
        blank=True,
        help_text=_("An iCalendar RRULE, e.g. FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
        validators=[validate_rrule],
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("place"),
    )
    online_url = models.URLField(_("online link"), blank=True)
    organisers = models.ManyToManyField(Actor, blank=True, related_name="events", verbose_name=_("organisers"))
    themes = models.ManyToManyField(Theme, blank=True, related_name="events", verbose_name=_("themes"))
    audiences = models.ManyToManyField(Audience, blank=True, related_name="events", verbose_name=_("audiences"))
    languages = models.ManyToManyField(Language, blank=True, related_name="events", verbose_name=_("languages"))
    price = models.CharField(_("price"), max_length=200, blank=True)
    registration_url = models.URLField(_("registration link"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    is_synthetic = models.BooleanField(_("synthetic (test data)"), default=False)
    # Denormalised from the place, for filtering by commune without joins.
    commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("commune"),
    )
    # The event as iCalendar VEVENT text in each language, kept so a feed of thousands is a join.
    vevent_fr = models.TextField(blank=True, editable=False)
    vevent_nl = models.TextField(blank=True, editable=False)
    vevent_en = models.TextField(blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True, editable=False)

    objects = PublicManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["start"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return slug_url("agenda:event", self.slug)

    @property
    def is_online(self):
        return bool(self.online_url)


class Occurrence(models.Model):
    """One dated instance of an event; recurring events are expanded up to a horizon."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="occurrences")
    start = models.DateTimeField(db_index=True)
    end = models.DateTimeField(null=True, blank=True)
    # The local (Brussels) date of the start: calendar views group by it in SQL.
    day = models.DateField(db_index=True)

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["start", "event"]),
            models.Index(fields=["event", "start"]),
            models.Index(fields=["day", "start"]),
        ]

    @classmethod
    def at(cls, event_id, start, end):
        return cls(event_id=event_id, start=start, end=end, day=start.astimezone(BRUSSELS).date())

    def __str__(self):
        return f"{self.event} @ {self.start:%Y-%m-%d %H:%M}"


class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        ROUND_TABLE = "round_table", _("Round table")
        EXCHANGE_TABLE = "exchange_table", _("Exchange table")
        WORKSHOP = "workshop", _("Workshop")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=120, blank=True)
    organisers = models.ManyToManyField(Actor, blank=True, related_name="programme_items", verbose_name=_("organisers"))
    speakers = models.TextField(_("speakers"), blank=True, help_text=_("One per line or separated by ';'."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["start", "position", "id"]
        verbose_name = _("programme item")
        verbose_name_plural = _("programme items")

    def __str__(self):
        return self.title

    @property
    def speaker_list(self):
        return [s.strip() for s in self.speakers.replace("\n", ";").split(";") if s.strip()]
