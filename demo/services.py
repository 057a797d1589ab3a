"""The demo dataset written from the source documents (demo/data/*.json), loaded idempotently."""

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from agenda import services as agenda_services
from agenda.models import Event, ProgrammeItem
from directory import services as directory_services
from directory.models import Actor, ActorRelation, Audience, Language, Place, Theme
from directory.validators import normalise_company_number
from maillage import changes
from projects import services as project_services
from projects.models import Phase, Project, Update
from territory.models import Commune

DATA_DIR = Path(__file__).parent / "data"
LANGS = ("fr", "nl", "en")
TZ = ZoneInfo("Europe/Brussels")


class DemoDataError(ValueError):
    pass


def tr(field, values, *, required=False):
    """{'fr': 'x'} -> {'field_fr': 'x', 'field_nl': '', 'field_en': ''}."""
    values = values or {}
    if required and not any(values.values()):
        raise DemoDataError(f"{field} is required")
    return {f"{field}_{lang}": values.get(lang, "") or "" for lang in LANGS}


def _datetime(text):
    if not text:
        return None
    if len(text) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0), tzinfo=TZ)
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=TZ)


def _date(text):
    return dt.date.fromisoformat(text) if text else None


def _words(field, values):
    """{'fr': ['a', 'b']} -> {'field_fr': 'a\nb', ...}: the thesaurus keeps one term per line."""
    return {f"{field}_{lang}": "\n".join((values or {}).get(lang, ())) for lang in LANGS}


def _put(model, existing, key, values, **lookup):
    """Create the row, or update it in place when something differs (only then: a re-load that
    changes nothing writes no version)."""
    obj = existing.get(key)
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        existing[key] = obj
        return obj
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if changed:
        for name, value in changed.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(changed))
    return obj


@transaction.atomic
def load_taxonomy(path=None):
    """Load the themes with their everyday words (the thesaurus: ``directory.thesaurus``), the
    audiences and the languages, or update them in place. A theme or audience without
    ``keywords`` in the file keeps the words it has (edited in the admin)."""
    data = json.loads(Path(path or DATA_DIR / "taxonomy.json").read_text(encoding="utf-8"))
    with changes.recording(reason=_("Taxonomy loaded"), source=changes.Source.DEMO):
        themes = {t.slug: t for t in Theme.objects.all()}
        for position, item in enumerate(data["themes"]):
            top = _put(Theme, themes, item["slug"], _theme_values(item, None, position), slug=item["slug"])
            for child_position, child in enumerate(item.get("children", [])):
                _put(Theme, themes, child["slug"], _theme_values(child, top, child_position), slug=child["slug"])
        audiences = {a.slug: a for a in Audience.objects.all()}
        for position, item in enumerate(data["audiences"]):
            values = {"position": position, **tr("name", item["name"])}
            if "keywords" in item:
                values.update(_words("keywords", item["keywords"]))
            _put(Audience, audiences, item["slug"], values, slug=item["slug"])
        languages = {lang.code: lang for lang in Language.objects.all()}
        for position, item in enumerate(data["languages"]):
            _put(
                Language, languages, item["code"], {"position": position, **tr("name", item["name"])}, code=item["code"]
            )


def _theme_values(item, parent, position):
    values = {"parent_id": parent.pk if parent else None, "position": position, **tr("name", item["name"])}
    if parent is None:
        values["pictogram"] = item.get("pictogram", "")
    if "keywords" in item:
        values.update(_words("keywords", item["keywords"]))
    return values


class _Lookup:
    def __init__(self):
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.audiences = {a.slug: a for a in Audience.objects.all()}
        self.languages = {lang.code: lang for lang in Language.objects.all()}
        self.communes = {c.nis_code: c for c in Commune.objects.all()}
        self.actors = {}

    def many(self, table, keys, what, owner):
        try:
            return [table[key] for key in keys or []]
        except KeyError as exc:
            raise DemoDataError(f"{owner}: unknown {what} {exc.args[0]!r}") from None

    def actor(self, slug, owner):
        if slug not in self.actors:
            raise DemoDataError(f"{owner}: unknown actor {slug!r}")
        return self.actors[slug]

    def commune(self, nis):
        return self.communes.get(str(nis)) if nis else None


def _place(data, lookup, existing=None):
    place = existing or Place()
    place.name_fr = data.get("name", "") or ""
    place.street = data.get("street", "") or ""
    place.postcode = str(data.get("postcode", "") or "")
    place.commune = lookup.commune(data.get("commune"))
    place.lat, place.lon = data.get("lat"), data.get("lon")
    place.approximate = bool(data.get("approximate")) or place.lat is None
    if place.approximate:
        place.lat = place.lon = None  # placed at the commune's centre by locate_place
    return place


def _load_actors(items, lookup):
    for item in items:
        owner = f"actor {item['slug']}"
        actor = Actor.objects.filter(slug=item["slug"]).first() or Actor(slug=item["slug"])
        for key, value in {
            **tr("name", item["name"], required=True),
            **tr("description", item.get("description")),
            **tr("opening_hours", item.get("opening_hours")),
        }.items():
            setattr(actor, key, value)
        actor.acronym = item.get("acronym", "") or ""
        actor.kind = item["kind"]
        actor.email = item.get("email", "") or ""
        actor.phone = item.get("phone", "") or ""
        actor.website = item.get("website", "") or ""
        actor.social_links = item.get("social_links") or []
        actor.company_number = normalise_company_number(item.get("company_number")) or ""
        actor.status = item.get("status", "active")
        actor.last_verified = _date(item.get("last_verified"))
        actor.commune = lookup.commune(item.get("commune"))
        old_places = list(actor.places.all()) if actor.pk else []
        places = [
            _place(p, lookup, old_places[i] if i < len(old_places) else None)
            for i, p in enumerate(item.get("places", []))
        ]
        themes = lookup.many(lookup.themes, item.get("themes"), "theme", owner)
        try:
            directory_services.save_actor(
                actor,
                themes=themes,
                audiences=lookup.many(lookup.audiences, item.get("audiences"), "audience", owner),
                languages=lookup.many(lookup.languages, item.get("languages"), "language", owner),
                places=places,
            )
        except Exception as exc:
            raise DemoDataError(f"{owner}: {exc}") from exc
        lookup.actors[actor.slug] = actor


def _load_relations(items, lookup):
    for item in items:
        owner = f"relation {item}"
        ActorRelation.objects.get_or_create(
            source=lookup.actor(item["source"], owner), target=lookup.actor(item["target"], owner), kind=item["kind"]
        )


def _load_projects(items, lookup):
    for item in items:
        owner = f"project {item['slug']}"
        project = Project.objects.filter(slug=item["slug"]).first() or Project(slug=item["slug"])
        for key, value in {
            **tr("title", item["title"], required=True),
            **tr("summary", item.get("summary")),
            **tr("description", item.get("description")),
        }.items():
            setattr(project, key, value)
        project.start_date, project.end_date = _date(item.get("start")), _date(item.get("end"))
        project.status = item.get("status", "ongoing")
        participants = [(lookup.actor(p["actor"], owner), p["role"]) for p in item.get("participants", [])]
        project_services.save_project(
            project, themes=lookup.many(lookup.themes, item.get("themes"), "theme", owner), participants=participants
        )
        project.phases.all().delete()
        for position, phase in enumerate(item.get("phases", [])):
            project_services.save_phase(
                Phase(
                    project=project,
                    position=position,
                    start_date=_date(phase.get("start")),
                    end_date=_date(phase.get("end")),
                    **tr("title", phase["title"], required=True),
                    **tr("description", phase.get("description")),
                    **tr("questions", phase.get("questions")),
                    **tr("deliverables", phase.get("deliverables")),
                )
            )
        project.updates.all().delete()
        for update in item.get("updates", []):
            project_services.save_update(
                Update(
                    project=project,
                    date=_date(update["date"]),
                    **tr("title", update["title"], required=True),
                    **tr("body", update.get("body")),
                )
            )


def _load_events(items, lookup):
    for item in items:
        owner = f"event {item['slug']}"
        event = Event.objects.filter(slug=item["slug"]).first() or Event(slug=item["slug"])
        for key, value in {
            **tr("title", item["title"], required=True),
            **tr("description", item.get("description")),
            **tr("price", item.get("price")),
        }.items():
            setattr(event, key, value)
        event.all_day = bool(item.get("all_day"))
        event.start, event.end = _datetime(item["start"]), _datetime(item.get("end"))
        event.rrule = item.get("rrule", "") or ""
        event.online_url = item.get("online_url", "") or ""
        event.registration_url = item.get("registration_url", "") or ""
        event.status = item.get("status", "scheduled")
        if item.get("place"):
            # Reuse the event's own place only: an actor's place (from ``place_of``) stays theirs.
            own = event.place if event.place_id and not event.place.actors.exists() else None
            place = _place(item["place"], lookup, own)
            directory_services.save_place(place)
            event.place = place
        elif item.get("place_of"):
            event.place = lookup.actor(item["place_of"], owner).places.first()
        else:
            event.place = None
        try:
            agenda_services.save_event(
                event,
                organisers=[lookup.actor(s, owner) for s in item.get("organisers", [])],
                themes=lookup.many(lookup.themes, item.get("themes"), "theme", owner),
                audiences=lookup.many(lookup.audiences, item.get("audiences"), "audience", owner),
                languages=lookup.many(lookup.languages, item.get("languages"), "language", owner),
            )
        except DemoDataError:
            raise
        except Exception as exc:
            raise DemoDataError(f"{owner}: {exc}") from exc
        event.programme.all().delete()
        for position, entry in enumerate(item.get("programme", [])):
            programme_item = ProgrammeItem(
                event=event,
                kind=entry["kind"],
                position=position,
                start=_datetime(entry.get("start")),
                end=_datetime(entry.get("end")),
                room=entry.get("room", "") or "",
                speakers=entry.get("speakers", "") or "",
                **tr("title", entry["title"], required=True),
                **tr("description", entry.get("description")),
            )
            organisers = [lookup.actor(s, f"{owner} programme") for s in entry.get("organisers", [])]
            agenda_services.save_programme_item(programme_item, organisers=organisers)


def load_demo(data_dir=None):
    """Load (or update in place) the taxonomy and the demo dataset through the owners' write
    functions, in one change set (source: demo). Returns counts."""
    data_dir = Path(data_dir or DATA_DIR)
    data = json.loads((data_dir / "demo.json").read_text(encoding="utf-8"))
    with changes.recording(reason=_("Demo data"), source=changes.Source.DEMO):
        load_taxonomy(data_dir / "taxonomy.json")
        lookup = _Lookup()
        _load_actors(data.get("actors", []), lookup)
        _load_relations(data.get("relations", []), lookup)
        _load_projects(data.get("projects", []), lookup)
        _load_events(data.get("events", []), lookup)
    return {
        "actors": len(data.get("actors", [])),
        "relations": len(data.get("relations", [])),
        "projects": len(data.get("projects", [])),
        "events": len(data.get("events", [])),
    }
