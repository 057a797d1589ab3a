"""Freshness watch: which actors are due a reminder, which may be outdated, the reminder run, the
website checks and the dashboard figures.

The rules, in one place (every function takes ``now`` so tests can move in time):

* an actor is **due** a reminder when its ``last_verified`` date (its creation date when never
  verified) is older than ``FRESHNESS_MONTHS`` months and no reminder was sent since that date;
  closed actors are not reminded;
* an actor **may be outdated** when a reminder was sent more than ``FRESHNESS_GRACE_DAYS`` days
  ago and the actor was not verified since. The public notice (``may_be_outdated``) and the
  moderators' list (``to_verify``) apply the same rule;
* a website is **dead** when it failed on two consecutive checks; a dead website puts its actor in
  the moderators' list until someone verifies the actor.
"""

import calendar
import datetime as dt
import http.client
import logging
import smtplib
import sys
import urllib.error
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, TruncDate
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Editorship
from directory import services as directory_services
from directory.models import Actor, Theme
from maillage import network
from territory.models import Commune

from .models import LinkCheck, Reminder

logger = logging.getLogger(__name__)

LANGUAGES = ("fr", "nl", "en")
TOKEN_SALT = "freshness.still_correct"
TOKEN_MAX_AGE = dt.timedelta(days=60)
REMINDER_BATCH = 500


# --- dates ------------------------------------------------------------------------------------


def months_before(day, months):
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def local_midnight(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def fresh_since(now=None):
    """Actors verified on or after this date are fresh."""
    return months_before(timezone.localdate(now), settings.FRESHNESS_MONTHS)


# --- rules ------------------------------------------------------------------------------------


def watched_actors():
    """Actors the watch cares about: public (not archived) and not closed."""
    return Actor.objects.exclude(status=Actor.Status.CLOSED)


def due_actors(now=None):
    """Actors due a reminder (see the module's docstring)."""
    cutoff = fresh_since(now)
    reminded_since = Reminder.objects.filter(actor=OuterRef("pk"), sent_at__date__gte=OuterRef("freshness_base"))
    return (
        watched_actors()
        .annotate(freshness_base=Coalesce("last_verified", TruncDate("created"), output_field=DateField()))
        .filter(freshness_base__lt=cutoff)
        .exclude(Exists(reminded_since))
    )


def _grace(now):
    """(reminders sent before this instant are past their grace period, the verification date from
    which no such reminder can be pending)."""
    grace_day = timezone.localdate(now) - dt.timedelta(days=settings.FRESHNESS_GRACE_DAYS)
    # A reminder is only sent FRESHNESS_MONTHS after the last verification, so an actor verified
    # since months_before(grace_day) cannot have a reminder past its grace: no query needed.
    return local_midnight(grace_day), months_before(grace_day, settings.FRESHNESS_MONTHS)


def outdated_condition(now=None):
    """A filter on actors: a reminder past its grace period, and no verification since."""
    grace_start, verified_recently = _grace(now)
    pending = Reminder.objects.filter(
        actor=OuterRef("pk"),
        sent_at__lt=grace_start,
        sent_at__date__gt=Coalesce(OuterRef("last_verified"), Value(dt.date.min), output_field=DateField()),
    )
    return Exists(pending) & ~Q(last_verified__gte=verified_recently)


def may_be_outdated(actor, now=None):
    """The public notice's rule for one actor: no query for recently verified actors, else one."""
    grace_start, verified_recently = _grace(now)
    if actor.last_verified is not None and actor.last_verified >= verified_recently:
        return False
    sent = (
        Reminder.objects.filter(actor_id=actor.pk, sent_at__lt=grace_start)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )
    return sent is not None and (actor.last_verified is None or timezone.localdate(sent) > actor.last_verified)


def dead_link_condition():
    """A filter on actors: the website failed twice in a row, and nobody verified the actor since."""
    return Q(link_check__failures__gte=LinkCheck.DEAD_AFTER) & (
        Q(last_verified__isnull=True) | Q(last_verified__lt=TruncDate("link_check__failing_since"))
    )


def to_verify(now=None):
    """The moderators' list: outdated actors and actors with a dead website, least recently
    verified first, with what the list shows (latest reminder, website check)."""
    latest = Reminder.objects.filter(actor=OuterRef("pk")).order_by("-sent_at")
    return (
        Actor.objects.annotate(outdated=outdated_condition(now))
        .filter(Q(outdated=True) | dead_link_condition())
        .annotate(
            reminded_at=Subquery(latest.values("sent_at")[:1]),
            reminder_recipients=Subquery(latest.values("recipients")[:1]),
        )
        .select_related("commune", "link_check")
        .order_by(F("last_verified").asc(nulls_first=True), "pk")
    )


@transaction.atomic
def mark_verified(actor, *, now=None):
    """Verified today (by a moderator, or an editor answering a reminder). Idempotent: returns
    whether the date changed. Open reminders count as answered."""
    now = now or timezone.now()
    changed = directory_services.mark_verified(actor, timezone.localdate(now))  # a version in the history
    Reminder.objects.filter(actor_id=actor.pk, answered_at__isnull=True).update(answered_at=now)
    return changed


# --- "still correct" links --------------------------------------------------------------------


class InvalidToken(Exception):
    """A "still correct" link that is forged or gone ("invalid"), too old ("expired") or already
    answered ("used")."""

    def __init__(self, reason="invalid"):
        super().__init__(reason)
        self.expired = reason == "expired"
        self.used = reason == "used"


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def still_correct_token(actor_pk, sent_at):
    """The link of one reminder, named by its actor and the instant it was sent (to the
    microsecond): it works until that reminder is answered, then never again."""
    sent = (sent_at - _EPOCH) // dt.timedelta(microseconds=1)
    return signing.TimestampSigner(salt=TOKEN_SALT).sign(f"{actor_pk}.{sent}")


def reminder_for_token(token):
    """The open reminder a "still correct" link was sent with (its actor public);
    ``InvalidToken`` when forged, expired, already answered or gone."""
    try:
        value = signing.TimestampSigner(salt=TOKEN_SALT).unsign(token, max_age=TOKEN_MAX_AGE)
        actor_pk, sent = (int(part) for part in value.split("."))
    except signing.SignatureExpired:
        raise InvalidToken("expired") from None
    except (signing.BadSignature, ValueError):
        raise InvalidToken() from None
    sent_at = _EPOCH + dt.timedelta(microseconds=sent)
    reminder = (
        Reminder.objects.filter(actor_id=actor_pk, sent_at=sent_at, actor__archived_at__isnull=True)
        .select_related("actor")
        .first()
    )
    if reminder is None:
        raise InvalidToken()
    if reminder.answered_at is not None:
        raise InvalidToken("used")
    return reminder


# --- reminder run -----------------------------------------------------------------------------


@dataclass
class ReminderRun:
    due: int = 0  # actors due when the run started
    reminded: int = 0  # reminders recorded (one per actor)
    emails: int = 0
    without_recipient: int = 0  # nobody to write to: they go to the moderators after the grace
    refused: int = 0  # addresses the mail server refused

    def as_dict(self):
        return asdict(self)


def actor_language(spoken):
    """The language to write to an actor's public email: French when the actor speaks it (or
    nothing is known), else Dutch, else English."""
    if "fr" in spoken or not spoken:
        return "fr"
    return next((lang for lang in ("nl", "en") if lang in spoken), settings.LANGUAGE_CODE)


class _Emails:
    """Renders reminder emails. Texts differ between actors only by a few values, so each
    (language, last verification date) is rendered once, with markers then replaced: a run over
    thousands of actors renders a few hundred templates."""

    PLACEHOLDER = "PLACEHOLDER"

    def __init__(self):
        self.subject = get_template("freshness/email/reminder_subject.txt")
        self.body = get_template("freshness/email/reminder.txt")
        self.site_url = settings.SITE_URL.rstrip("/")
        self._texts = {}
        self._paths = {}

    def _text(self, lang, last_verified):
        key = (lang, last_verified)
        if key not in self._texts:
            context = {
                "SITE_NAME": settings.SITE_NAME,
                "SITE_URL": self.site_url,
                "actor_name": "\0name\0",
                "last_verified": last_verified,
                "actor_url": "\0page\0",
                "still_correct_url": "\0yes\0",
                "edit_url": "\0edit\0",
                "grace_days": settings.FRESHNESS_GRACE_DAYS,
                "months": settings.FRESHNESS_MONTHS,
            }
            with translation.override(lang):
                subject = " ".join(self.subject.render(context).split())
                self._texts[key] = (subject, self.body.render(context))
        return self._texts[key]

    def _patterns(self, lang):
        if lang not in self._paths:
            with translation.override(lang):
                self._paths[lang] = (
                    reverse("freshness:still_correct", args=[self.PLACEHOLDER]),
                    reverse("proposals:change", args=["actor", self.PLACEHOLDER]),
                )
        return self._paths[lang]

    def render(self, actor, lang, address, connection, sent_at):
        with translation.override(lang):
            name, page = actor.name, actor.get_absolute_url()
        yes, edit = self._patterns(lang)
        values = {
            "\0name\0": name,
            "\0page\0": self.site_url + page,
            "\0yes\0": self.site_url + yes.replace(self.PLACEHOLDER, still_correct_token(actor.pk, sent_at)),
            "\0edit\0": self.site_url + edit.replace(self.PLACEHOLDER, actor.slug),
        }
        subject, body = self._text(lang, actor.last_verified)
        for marker, value in values.items():
            subject, body = subject.replace(marker, value), body.replace(marker, value)
        return EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
            connection=connection,
            headers={"Auto-Submitted": "auto-generated"},
        )


def _editors(actor_ids):
    """{actor id: [(address, preferred language or None)]} of the active editors, one query."""
    editors = defaultdict(list)
    rows = (
        Editorship.objects.filter(actor_id__in=actor_ids, user__is_active=True)
        .exclude(user__email="")
        .order_by("actor_id", "user__email")
        .values_list("actor_id", "user__email", "user__profile__language")
    )
    for actor_id, email, lang in rows:
        editors[actor_id].append((email, lang if lang in LANGUAGES else None))
    return editors


def _spoken(actor_ids):
    """{actor id: codes of the languages it speaks}, one query."""
    spoken = defaultdict(set)
    rows = Actor.languages.through.objects.filter(actor_id__in=actor_ids).values_list("actor_id", "language__code")
    for actor_id, code in rows:
        spoken[actor_id].add(code)
    return spoken


def recipients(actor, editors, spoken):
    """[(address, language)]: the editors in their preferred language (the actor's when they
    have none), else the actor's public email."""
    fallback = actor_language(spoken)
    found = editors or ([(actor.email, None)] if actor.email else [])
    return list({address: lang or fallback for address, lang in found}.items())


def _remind_batch(ids, now, run, emails, connection):
    """Email the actors of ``ids`` that are still due (four queries), then record their reminders. A refused
    address is skipped; a broken connection stops the run after recording what was sent."""
    actors = list(
        due_actors(now)
        .filter(pk__in=ids)
        .only("pk", "slug", "name", *(f"name_{lang}" for lang in LANGUAGES), "email", "last_verified", "created")
        .order_by("pk")
    )
    actor_ids = [a.pk for a in actors]
    editors, spoken = _editors(actor_ids), _spoken(actor_ids)
    reminders = []
    try:
        for actor in actors:
            delivered = 0
            try:
                for address, lang in recipients(actor, editors.get(actor.pk), spoken.get(actor.pk, ())):
                    message = emails.render(actor, lang, address, connection, now)
                    try:
                        delivered += connection.send_messages([message]) or 0
                    except smtplib.SMTPRecipientsRefused:
                        logger.warning("reminder for actor %s: address refused", actor.pk)
                        run.refused += 1
            finally:
                # Recorded as soon as one editor got it, even if the connection broke before the
                # next one: a later run must not email the first editor again.
                if delivered or sys.exc_info()[0] is None:
                    run.emails += delivered
                    run.without_recipient += not delivered
                    reminders.append(Reminder(actor_id=actor.pk, sent_at=now, recipients=delivered))
    finally:
        # What was sent is recorded even when the connection broke, so nobody gets it twice.
        with transaction.atomic():
            Reminder.objects.bulk_create(reminders)
        run.reminded += len(reminders)


def send_reminders(*, now=None, progress=None, batch_size=REMINDER_BATCH):
    """Email every actor due a reminder. ``progress(done, total)`` is called after each batch.

    Memory and time stay flat with the number of actors: ids first, then batches of
    ``batch_size`` actors (four queries each), one mail connection per batch, one bulk insert.
    """
    now = now or timezone.now()
    ids = list(due_actors(now).order_by("pk").values_list("pk", flat=True))
    run = ReminderRun(due=len(ids))
    emails = _Emails()
    if progress:
        progress(0, len(ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with get_connection() as connection:
            _remind_batch(chunk, now, run, emails, connection)
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    return run


# --- website checks ---------------------------------------------------------------------------


def check_url(url, timeout):
    """(HTTP status or None, error text). HEAD first; GET when HEAD gets an error status (some
    servers refuse HEAD). A timeout or a network error is not retried: the run stays bounded.
    Through the kernel's address guard (the checker must not probe the server's own network),
    unless LINK_CHECK_ALLOW_PRIVATE (tests serve pages on 127.0.0.1)."""
    headers = {"User-Agent": f"{settings.SITE_NAME} link checker (+{settings.SITE_URL})", "Accept": "*/*"}
    allow_private = settings.LINK_CHECK_ALLOW_PRIVATE
    status = None
    for method in ("HEAD", "GET"):
        try:
            with network.urlopen(
                url, method=method, headers=headers, timeout=timeout, allow_private=allow_private
            ) as response:
                if method == "GET":
                    response.read(1)
                return response.status, ""
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
        except network.Refused as exc:
            return None, str(exc.reason)
        except TimeoutError:
            return status, "timeout"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                return status, "timeout"
            return status, str(exc.reason)[:200]
        except (OSError, ValueError, http.client.HTTPException) as exc:  # a reset, an invalid address
            return status, str(exc)[:200] or type(exc).__name__
    return status, ""


@dataclass
class LinkRun:
    checked: int = 0
    ok: int = 0
    failing: int = 0
    dead: int = 0

    def as_dict(self):
        return asdict(self)


def _record(check, url, status, error, now):
    if check.url != url:  # a new address starts a new history
        check.failures, check.failing_since = 0, None
    ok = not error and status is not None and status < 400
    check.url, check.status, check.error, check.ok, check.checked_at = url, status, error, ok, now
    if ok:
        check.failures, check.failing_since = 0, None
    else:
        check.failures += 1
        check.failing_since = check.failing_since or now


def check_links(*, now=None, batch=None, timeout=None, workers=8, progress=None):
    """Check the websites of ``batch`` actors (LINK_CHECK_BATCH), never checked first, then the
    least recently checked; ``timeout`` seconds per request (LINK_CHECK_TIMEOUT), a few at once.
    ``progress(done, total)`` is called as answers come."""
    now = now or timezone.now()
    batch = settings.LINK_CHECK_BATCH if batch is None else batch
    timeout = settings.LINK_CHECK_TIMEOUT if timeout is None else timeout
    candidates = list(
        watched_actors()
        .exclude(website="")
        .order_by(F("link_check__checked_at").asc(nulls_first=True), "pk")
        .values_list("pk", "website")[:batch]
    )
    run = LinkRun()
    if not candidates:
        return run
    results = {}
    workers = max(1, min(workers, len(candidates)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck")
    try:
        futures = {pool.submit(check_url, url, timeout): pk for pk, url in candidates}
        # HEAD then GET, each bounded by the timeout (plus slack for name resolution); what is
        # not done by then counts as a timeout.
        rounds = -(-len(candidates) // workers)
        try:
            for future in as_completed(futures, timeout=rounds * (2 * timeout + 5)):
                results[futures[future]] = future.result()
                if progress:
                    progress(len(results), len(candidates))
        except TimeoutError:
            pass
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    existing = {c.actor_id: c for c in LinkCheck.objects.filter(actor_id__in=[pk for pk, _ in candidates])}
    new, changed = [], []
    for pk, url in candidates:
        status, error = results.get(pk, (None, "timeout"))
        check = existing.get(pk)
        if check is None:
            check = LinkCheck(actor_id=pk, url=url, checked_at=now)
            new.append(check)
        else:
            changed.append(check)
        _record(check, url, status, error, now)
        run.checked += 1
        run.ok += check.ok
        run.failing += not check.ok
        run.dead += check.dead
    fields = ["url", "status", "error", "ok", "checked_at", "failures", "failing_since"]
    with transaction.atomic():
        LinkCheck.objects.bulk_create(new)
        LinkCheck.objects.bulk_update(changed, fields)
    return run


# --- dashboard --------------------------------------------------------------------------------


@dataclass
class Share:
    label: str
    total: int
    fresh: int

    @property
    def percent(self):
        return round(100 * self.fresh / self.total) if self.total else None


def dashboard(now=None):
    """Share of active actors verified within FRESHNESS_MONTHS: overall, by commune, by top theme
    (three queries, whatever the number of actors)."""
    since = fresh_since(now)
    active = Q(status=Actor.Status.ACTIVE)
    overall = Actor.objects.filter(active).aggregate(
        total=Count("pk"), fresh=Count("pk", filter=Q(last_verified__gte=since))
    )
    related = Q(actors__status=Actor.Status.ACTIVE, actors__archived_at__isnull=True)
    counts = {
        "total": Count("actors", filter=related),
        "fresh": Count("actors", filter=related & Q(actors__last_verified__gte=since)),
    }
    communes = [Share(c.name, c.total, c.fresh) for c in Commune.objects.annotate(**counts).order_by("name")]
    themes = [
        Share(f"{t.pictogram} {t.name}".strip(), t.total, t.fresh)
        for t in Theme.objects.filter(parent__isnull=True).annotate(**counts)
    ]
    placed = sum(c.total for c in communes)
    placed_fresh = sum(c.fresh for c in communes)
    return {
        "since": since,
        "overall": Share("", overall["total"], overall["fresh"]),
        "communes": communes,
        "unplaced": Share("", overall["total"] - placed, overall["fresh"] - placed_fresh),
        "themes": themes,
    }
