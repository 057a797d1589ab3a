"""Directory: actors (initiatives, associations, federations, services...), their places,
themes, audiences, languages and the relations between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.links import slug_url
from maillage.models import ChangeSetRecord, PublicManager
from territory.models import Commune

from .validators import format_company_number, validate_company_number


class Theme(models.Model):
    """A two-level taxonomy: top themes (with a pictogram) and their sub-themes."""

    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    pictogram = models.CharField(_("pictogram"), max_length=8, blank=True, help_text=_("An emoji."))
    position = models.PositiveSmallIntegerField(default=0)
    # The sector's thesaurus (``directory.thesaurus``): what people say for this theme, so search
    # and the handout understand them.
    keywords = models.TextField(
        _("everyday words"),
        blank=True,
        help_text=_(
            "Words and synonyms people use for this theme, one per line or separated by commas "
            "(e.g. for food aid: food bank, food parcel, social grocery). Search finds the theme's "
            "entries by them."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class Audience(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    keywords = models.TextField(
        _("everyday words"),
        blank=True,
        help_text=_(
            "Words people use for these people, one per line or separated by commas (e.g. for "
            "older people: pensioners, elderly). Search finds the entries for them by these words."
        ),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self):
        return self.name


class Language(models.Model):
    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.name


class Place(models.Model):
    """A venue or an address. ``approximate`` places stand at the centre of their commune."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    commune = models.ForeignKey(Commune, null=True, blank=True, on_delete=models.SET_NULL, related_name="places")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    approximate = models.BooleanField(
        _("approximate location"), default=False, help_text=_("Only the commune is known.")
    )

    class Meta:
        # Oldest first, on every database: an actor's first place is its main one.
        ordering = ["pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")

    def __str__(self):
        parts = [self.name, self.street, f"{self.postcode} {self.commune or ''}".strip()]
        return ", ".join(p for p in parts if p)

    @classmethod
    def from_db(cls, db, field_names, values):
        # What was read, so the owner's write functions tell a changed place from one passed along
        # unchanged (one history record per place that changed) without reading it again.
        place = super().from_db(db, field_names, values)
        place._stored = dict(zip(field_names, values, strict=True))
        return place

    def changed_fields(self):
        """The columns that differ from what was read (every one for a place not read)."""
        stored = getattr(self, "_stored", None)
        if stored is None or self.pk is None:
            return {f.attname for f in self._meta.concrete_fields}
        return {name for name, value in stored.items() if getattr(self, name) != value}

    def mark_stored(self):
        self._stored = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields}


class Actor(models.Model):
    class Kind(models.TextChoices):
        CITIZEN_INITIATIVE = "citizen_initiative", _("Citizen initiative or collective")
        ASSOCIATION = "association", _("Association (ASBL/VZW)")
        FEDERATION = "federation", _("Federation or network")
        PUBLIC_SERVICE = "public_service", _("Public service")
        RESEARCH_CENTRE = "research_centre", _("Research centre")
        SOCIAL_ENTERPRISE = "social_enterprise", _("Social enterprise")
        FUNDER = "funder", _("Funder")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DORMANT = "dormant", _("Dormant")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(unique=True, max_length=120)
    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="actors", verbose_name=_("themes"))
    audiences = models.ManyToManyField(Audience, blank=True, related_name="actors", verbose_name=_("audiences"))
    languages = models.ManyToManyField(Language, blank=True, related_name="actors", verbose_name=_("languages spoken"))
    email = models.EmailField(_("public email"), blank=True)
    phone = models.CharField(_("public phone"), max_length=40, blank=True)
    # Free text in each language: hours are told many ways ("on appointment", "every first
    # Saturday"), so no structure is guessed (nor published as schema.org openingHours).
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=300,
        blank=True,
        help_text=_("Days and hours when people can come or call, e.g. Monday to Friday 9:00–17:00"),
    )
    website = models.URLField(_("website"), blank=True)
    social_links = models.JSONField(_("social links"), default=list, blank=True)
    company_number = models.CharField(
        _("company number"),
        max_length=10,
        blank=True,
        db_index=True,
        validators=[validate_company_number],
        help_text=_("Belgian enterprise number (BCE/KBO), e.g. 0203.071.973."),
    )
    places = models.ManyToManyField(Place, blank=True, related_name="actors", verbose_name=_("places"))
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # A contact person is personal data: shown publicly only when they consented.
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact person's email"), blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)
    contact_consent = models.BooleanField(_("the contact person agrees to be shown publicly"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (test data)"), default=False)

    # Denormalised from the places (kept by the owner's write functions: services.derive), so lists, facets and the map
    # read one row per actor. ``commune`` is also the area of activity of actors without a venue.
    commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actors",
        verbose_name=_("commune"),
    )
    has_venue = models.BooleanField(_("has a venue"), default=False, db_index=True)
    lat = models.FloatField(null=True, blank=True, editable=False)
    lon = models.FloatField(null=True, blank=True, editable=False)
    location_approximate = models.BooleanField(default=False, editable=False)

    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(_("archived on"), null=True, blank=True, editable=False)

    objects = PublicManager()
    all_objects = models.Manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        indexes = [models.Index(fields=["commune", "kind"]), models.Index(fields=["name_fr"], name="actor_name_fr_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_url("directory:actor", self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        # The address as read: the owner checks that a slug is free only when it is new.
        actor = super().from_db(db, field_names, values)
        actor._stored_slug = actor.__dict__.get("slug")
        return actor

    @property
    def company_number_display(self):
        return format_company_number(self.company_number)


class ActorRelation(models.Model):
    """A directed relation: ``source`` is <kind> ``target`` (e.g. a member of a federation)."""

    class Kind(models.TextChoices):
        MEMBER_OF = "member_of", _("member of")
        PARTNER_OF = "partner_of", _("partner of")
        FUNDED_BY = "funded_by", _("funded by")
        PART_OF = "part_of", _("part of")

    # How the relation reads from the target's side.
    INVERSE_LABELS = {
        Kind.MEMBER_OF: _("members"),
        Kind.PARTNER_OF: _("partners"),
        Kind.FUNDED_BY: _("funds"),
        Kind.PART_OF: _("includes"),
    }

    source = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="relations_out")
    target = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="relations_in")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    history = HistoricalRecords(bases=[ChangeSetRecord])

    class Meta:
        verbose_name = _("relation between actors")
        verbose_name_plural = _("relations between actors")
        constraints = [models.UniqueConstraint(fields=["source", "target", "kind"], name="unique_actor_relation")]

    def __str__(self):
        return f"{self.source} — {self.get_kind_display()} — {self.target}"
