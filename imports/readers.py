"""Reading an outside file into a plain table of text: no database, no model, no mapping.

``read_table(data, format)`` turns the bytes of a CSV, XLSX, JSON, GeoJSON, iCalendar or HSDS 3.0
file into a ``Table``: column names and ``Row``s of raw text values, each with the row number a
person sees in the file and the problems met while reading it. Whatever goes wrong with the file as
a whole (empty, too large, not the format it claims) raises ``ReadError`` with a translated
sentence; a problem with one row (a ragged CSV line, a VEVENT without a readable start) stays on
that row, so the rest of the file is still read.

Parsing is left to the libraries: the csv module (dialect sniffed among ";", ",", tab and "|"),
charset-normalizer for encodings other than UTF-8, openpyxl, json, shapely, icalendar.
"""

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from charset_normalizer import from_bytes
from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

BRUSSELS = ZoneInfo("Europe/Brussels")
# A table is refused beyond these (20,000 rows of 50 columns fit): a spreadsheet's XML may declare
# or hold a million rows of 16,384 columns in a few kilobytes, and each cell costs memory once read.
MAX_CELLS = 1_000_000
MAX_COLUMNS = 1000
MAX_ROWS = 200_000  # empty ones included: openpyxl fills in the rows a file skips
# Uncompressed size of an XLSX's parts: openpyxl reads the shared strings whole (a zip bomb).
MAX_XLSX_UNPACKED = 200 * 1024 * 1024
DELIMITERS = ";,\t|"
SNIFF_CHARS = 4096
# Tried first when a file is not UTF-8: Belgian spreadsheets are saved in Windows-1252.
WESTERN_ENCODINGS = ["cp1252", "iso8859_15", "mac_roman", "cp850"]
# Keys of a JSON object under which the list of records usually sits.
LIST_KEYS = ("data", "contents", "items", "results", "records", "rows", "features", "organizations")
ICS_COLUMNS = [
    "uid",
    "summary",
    "description",
    "dtstart",
    "dtend",
    "all_day",
    "rrule",
    "location",
    "url",
    "categories",
    "status",
    "organizer",
    "latitude",
    "longitude",
]
HSDS_COLUMNS = [
    "id",
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "phone",
    "address_1",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "company_number",
    "taxonomy_terms",
]


class ReadError(Exception):
    """The file as a whole cannot be read; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Row:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)


@dataclass
class Table:
    columns: list[str]
    rows: list[Row]
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def max_import_bytes():
    return settings.IMPORT_MAX_BYTES


def too_large(limit, size=None):
    """The message refusing a file over ``limit`` bytes (of ``size`` bytes when known)."""
    if size is None:
        return _("The file is too large; the limit is %(limit)s.") % {"limit": _human_size(limit)}
    return _("The file is too large (%(size)s); the limit is %(limit)s.") % {
        "size": _human_size(size),
        "limit": _human_size(limit),
    }


def read_table(data: bytes, format: str, *, max_bytes: int | None = None) -> Table:
    """The table held by ``data`` read as ``format`` (an ``imports.models.Format`` value)."""
    readers = {
        "csv": _read_csv,
        "xlsx": _read_xlsx,
        "json": _read_json,
        "geojson": _read_geojson,
        "ics": _read_ics,
        "hsds": _read_hsds,
    }
    if format not in readers:
        raise ReadError(_("Unknown format “%(format)s”.") % {"format": format})
    if data is None:
        data = b""
    limit = max_import_bytes() if max_bytes is None else max_bytes
    if limit and len(data) > limit:
        raise ReadError(too_large(limit, len(data)))
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ReadError(_("The file is empty."))
    table = readers[format](data)
    if not table.rows:
        raise ReadError(_("The file has no rows to import."))
    return table


def detect_format(filename: str, data: bytes) -> str | None:
    """The format of a file, from its name's extension, else from its first bytes."""
    name = (filename or "").lower().rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension in ("csv", "tsv", "txt"):
        return "csv"
    if extension in ("xlsx", "xlsm"):
        return "xlsx"
    if extension in ("ics", "ical", "ifb", "icalendar"):
        return "ics"
    if extension == "geojson":
        return "geojson"
    data = data or b""
    if extension == "json":
        return _sniff_json(data) or "json"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if head.startswith(b"BEGIN:VCALENDAR"):
        return "ics"
    if head[:1] in (b"[", b"{"):
        found = _sniff_json(data)
        if found:
            return found
    try:
        _decode(data)
    except ReadError:
        return None
    return "csv" if data.strip() else None


def _sniff_json(data):
    try:
        parsed = json.loads(_decode(data)[0])
    except (ReadError, ValueError, RecursionError):
        return None
    if isinstance(parsed, dict):
        if parsed.get("type") in ("FeatureCollection", "Feature"):
            return "geojson"
        if isinstance(parsed.get("contents"), list) and "total_items" in parsed:
            return "hsds"
        items = next((v for k, v in parsed.items() if k in LIST_KEYS and isinstance(v, list)), [parsed])
    elif isinstance(parsed, list):
        items = parsed
    else:
        return None
    first = next((item for item in items if isinstance(item, dict)), None)
    if first is None:
        return "json"
    if first.get("type") == "Feature" and "geometry" in first:
        return "geojson"
    hsds_keys = {"locations", "phones", "organization_identifiers", "services", "contacts", "legal_status"}
    if "id" in first and "name" in first and hsds_keys & set(first):
        return "hsds"
    return "json"


# --- text -----------------------------------------------------------------------------------------


def _human_size(size):
    if size >= 1024 * 1024:
        return _("%(size).1f MB") % {"size": size / (1024 * 1024)}
    if size >= 1024:
        return _("%(size).0f KB") % {"size": size / 1024}
    return ngettext("%(size)d byte", "%(size)d bytes", size) % {"size": size}


def _decode(data):
    """(text, encoding): UTF-8 (with or without BOM) first, then what charset-normalizer finds."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = None
    if b"\x00" not in data:
        best = from_bytes(data, cp_isolation=WESTERN_ENCODINGS).best()
    if best is None:
        best = from_bytes(data).best()
    if best is None:
        raise ReadError(_("The file is not text in an encoding we recognise (save it as UTF-8 CSV)."))
    return str(best), best.encoding


def _text(value):
    """One value as the text a person would read in the cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None and value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "|".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, dict):
        for key in ("name", "value", "label", "title", "id"):
            if isinstance(value.get(key), str | int | float) and not isinstance(value.get(key), bool):
                return _text(value[key])
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _unique_columns(cells):
    """Header cells stripped; an empty one becomes "column 3", a repeated one "Nom (column 3)"."""
    columns, seen = [], set()
    for position, cell in enumerate(cells, start=1):
        name = " ".join(str(cell or "").split())
        if not name:
            name = f"column {position}"
        if name.casefold() in seen:
            name = f"{name} (column {position})"
        while name.casefold() in seen:
            name = f"{name}'"
        seen.add(name.casefold())
        columns.append(name)
    return columns


def _records_table(columns, records, header_number, encoding="", delimiter=""):
    """Rows from lists of cells (CSV, XLSX): numbered as in the file, ragged ones marked."""
    width = len(columns)
    rows = []
    for number, cells in records:
        if number <= header_number or not any(str(c).strip() for c in cells):
            continue
        errors = []
        if len(cells) != width and (len(cells) < width or any(str(c).strip() for c in cells[width:])):
            errors.append(
                _("This row has %(cells)d cells; the header has %(columns)d.") % {"cells": len(cells), "columns": width}
            )
        values = {column: (cells[i] if i < len(cells) else "") for i, column in enumerate(columns)}
        rows.append(Row(number=number, values=values, errors=errors))
    return Table(columns=columns, rows=rows, encoding=encoding, delimiter=delimiter)


# --- CSV ------------------------------------------------------------------------------------------


def _sniff_delimiter(text):
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return ","
    header = lines[0]
    # csv.Sniffer's quote regexes backtrack: 12,000 characters of quotes and spaces took 1.3 s
    # (a hostile file stalled the reader); a few kilobytes are enough to tell the delimiter.
    sample = "\n".join(lines[:50])[:SNIFF_CHARS]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = None
    counts = {d: header.count(d) for d in DELIMITERS}
    if delimiter and counts.get(delimiter):
        return delimiter
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(data):
    text, encoding = _decode(data)
    text = text.lstrip("\ufeff")
    delimiter = _sniff_delimiter(text)
    try:
        records = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, cells in enumerate(reader, start=1):
            if _too_many(number, len(cells), 0):
                raise ReadError(too_many_cells(number, len(cells)))
            records.append((number, cells))
    except csv.Error as exc:
        raise ReadError(_("The CSV file cannot be read: %(error)s") % {"error": exc}) from exc
    header = next(((n, cells) for n, cells in records if any(c.strip() for c in cells)), None)
    if header is None:
        raise ReadError(_("The file is empty."))
    columns = _unique_columns(header[1])
    table = _records_table(columns, records, header[0], encoding=encoding, delimiter=delimiter)
    if encoding not in ("utf-8", "utf-8-sig"):
        table.notes.append(_("The file was read with the encoding %(encoding)s.") % {"encoding": encoding})
    return table


# --- XLSX -----------------------------------------------------------------------------------------


def too_many_cells(rows, columns=None):
    """The message refusing a table of ``rows`` (x ``columns``), as declared or as read so far."""
    numbers = {"rows": rows, "columns": columns or 0, "max_rows": MAX_ROWS}
    numbers.update(max_columns=MAX_COLUMNS, max_cells=MAX_CELLS)
    limits = {name: number_format(value, force_grouping=True) for name, value in numbers.items()}
    if columns is None:
        message = _("The file is too large (%(rows)s records): at most %(max_rows)s can be imported; split the file.")
        return message % limits
    return (
        _(
            "The table is too large (%(rows)s rows × %(columns)s columns): at most %(max_rows)s rows, "
            "%(max_columns)s columns and %(max_cells)s cells can be imported. Remove the empty rows and "
            "columns, or split the file."
        )
        % limits
    )


def _check_unpacked_size(data):
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(_("This is not an XLSX file.")) from exc
    if unpacked > MAX_XLSX_UNPACKED:
        raise ReadError(too_large(MAX_XLSX_UNPACKED, unpacked))


def _sheet_records(sheet):
    """(row number, cell texts) of the rows of a read-only sheet that hold something, refusing a
    sheet that declares or holds more than MAX_ROWS rows, MAX_COLUMNS columns or MAX_CELLS cells.
    The declared dimension is then forgotten (openpyxl would pad every row to its width): rows
    are counted as they come."""
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    if _too_many(declared_rows, declared_columns, declared_rows * declared_columns):
        raise ReadError(too_many_cells(declared_rows, declared_columns))
    sheet.reset_dimensions()
    records, cells_read, widest = [], 0, 0
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        widest = max(widest, len(cells))
        cells_read += len(cells)
        if _too_many(number, widest, cells_read):
            raise ReadError(too_many_cells(number, widest))
        texts = [_text(cell) for cell in cells]
        if any(text.strip() for text in texts):
            records.append((number, texts))
    return records


def _too_many(rows, columns, cells):
    return rows > MAX_ROWS or columns > MAX_COLUMNS or cells > MAX_CELLS


def _read_xlsx(data):
    from openpyxl import load_workbook

    if not data.startswith(b"PK"):
        raise ReadError(_("This is not an XLSX file."))
    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on damaged files
        raise ReadError(_("This is not an XLSX file.")) from exc
    try:
        if not workbook.worksheets:
            raise ReadError(_("The file is empty."))
        records = _sheet_records(workbook.worksheets[0])
    except ReadError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise ReadError(_("This is not an XLSX file.")) from exc
    finally:
        workbook.close()
    # Trailing empty cells of the widest row do not count as columns.
    for index, (number, cells) in enumerate(records):
        while cells and not cells[-1].strip():
            cells.pop()
        records[index] = (number, cells)
    header = next(((n, cells) for n, cells in records if cells), None)
    if header is None:
        raise ReadError(_("The file is empty."))
    columns = _unique_columns(header[1])
    table = _records_table(columns, records, header[0])
    if len(workbook.sheetnames) > 1:
        table.notes.append(_("Only the first sheet (“%(sheet)s”) was read.") % {"sheet": workbook.sheetnames[0]})
    return table


# --- JSON, GeoJSON, HSDS --------------------------------------------------------------------------


def _load_json(data):
    text, _encoding = _decode(data)
    try:
        return json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ReadError(
            _("This is not valid JSON (line %(line)d, column %(column)d).") % {"line": exc.lineno, "column": exc.colno}
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise ReadError(_("This is not valid JSON.")) from exc


def _json_items(parsed):
    """The list of records inside parsed JSON: the list itself, or an object's one list value."""
    if isinstance(parsed, list):
        return parsed
    if isinstance(parsed, dict):
        lists = {key: value for key, value in parsed.items() if isinstance(value, list)}
        for key in LIST_KEYS:
            if key in lists:
                return lists[key]
        with_objects = [v for v in lists.values() if any(isinstance(item, dict) for item in v)]
        if len(with_objects) >= 1:
            return with_objects[0]
        if parsed and not lists:
            return [parsed]
    raise ReadError(_("The JSON file holds no list of records."))


def _objects_table(items, extract):
    """Rows from a list of objects; ``extract(item) -> (values, errors)``; columns in first-seen order."""
    if len(items) > MAX_ROWS:
        raise ReadError(too_many_cells(len(items)))
    columns, seen, rows = [], set(), []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            rows.append(Row(number=number, values={}, errors=[_("This item is not an object with fields.")]))
            continue
        values, errors = extract(item)
        for key in values:
            if key not in seen:
                seen.add(key)
                columns.append(key)
        rows.append(Row(number=number, values=values, errors=errors))
    for row in rows:
        row.values = {column: row.values.get(column, "") for column in columns}
    return Table(columns=columns, rows=rows)


def _read_json(data):
    items = _json_items(_load_json(data))

    def extract(item):
        return {str(key).strip() or "column": _text(value) for key, value in item.items()}, []

    return _objects_table(items, extract)


def _read_geojson(data):
    parsed = _load_json(data)
    if isinstance(parsed, dict) and parsed.get("type") == "Feature":
        features = [parsed]
    elif isinstance(parsed, dict) and isinstance(parsed.get("features"), list):
        features = parsed["features"]
    elif isinstance(parsed, list):
        features = parsed
    else:
        raise ReadError(_("This is not a GeoJSON FeatureCollection."))

    def extract(feature):
        properties = feature.get("properties")
        values = (
            {str(k).strip() or "column": _text(v) for k, v in properties.items()}
            if isinstance(properties, dict)
            else {}
        )
        if "id" in feature and "id" not in values:
            values = {"id": _text(feature["id"]), **values}
        errors = []
        values["latitude"], values["longitude"] = "", ""
        geometry = feature.get("geometry")
        if geometry:
            try:
                lat, lon = _geometry_point(geometry)
                values["latitude"], values["longitude"] = _text(lat), _text(lon)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
                errors.append(_("The geometry of this feature cannot be read."))
            except Exception:  # shapely/GEOS errors on broken geometries
                errors.append(_("The geometry of this feature cannot be read."))
        return values, errors

    return _objects_table(features, extract)


def _geometry_point(geometry):
    """(lat, lon) of a GeoJSON geometry: a Point's coordinates, else the centroid."""
    if not isinstance(geometry, dict):
        raise ValueError("not a geometry")
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        lat, lon = float(lat), float(lon)
    else:
        from shapely.geometry import shape

        centre = shape(geometry).centroid
        if centre.is_empty:
            raise ValueError("empty geometry")
        lat, lon = centre.y, centre.x
    if lat != lat or lon != lon or abs(lat) == float("inf") or abs(lon) == float("inf"):
        raise ValueError("not a number")
    return lat, lon


def _first(items, key=None):
    """The first dict of a list (or its ``key``), else {}."""
    if not isinstance(items, list):
        return {}
    for item in items:
        if isinstance(item, dict) and (key is None or item.get(key) not in (None, "")):
            return item
    return {}


def _hsds_organisation(org):
    locations = org.get("locations") if isinstance(org.get("locations"), list) else []
    located = _first(locations, "latitude") or _first(locations)
    address = {}
    for location in [located, *[loc for loc in locations if isinstance(loc, dict)]]:
        address = _first(location.get("addresses"), "address_1") or _first(location.get("addresses"))
        if address:
            break
    phone = _first(org.get("phones"), "number")
    if not phone:
        for holder in [*locations, *(org.get("contacts") or [])]:
            if isinstance(holder, dict):
                phone = _first(holder.get("phones"), "number")
                if phone:
                    break
    company = ""
    for identifier in org.get("organization_identifiers") or []:
        if not isinstance(identifier, dict):
            continue
        # Only a Belgian enterprise number (scheme "BE-BCE_KBO" in org-id.guide): others do not fit.
        scheme = f"{identifier.get('identifier_scheme', '')} {identifier.get('identifier_type', '')}".upper()
        if scheme.startswith("BE") or "BCE" in scheme or "KBO" in scheme:
            company = _text(identifier.get("identifier"))
            break
    terms = []
    for attribute in org.get("attributes") or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and term.get("name"):
            terms.append(_text(term["name"]))
    for service in org.get("services") or []:
        for attribute in (service.get("attributes") or []) if isinstance(service, dict) else []:
            term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
            if isinstance(term, dict) and term.get("name"):
                terms.append(_text(term["name"]))
    values = {
        "id": _text(org.get("id")),
        "name": _text(org.get("name")),
        "alternate_name": _text(org.get("alternate_name")),
        "description": _text(org.get("description")),
        "email": _text(org.get("email")),
        "website": _text(org.get("website") or org.get("uri")),
        "phone": _text(phone.get("number")).strip('"'),
        "address_1": _text(address.get("address_1")),
        "postal_code": _text(address.get("postal_code")),
        "city": _text(address.get("city")),
        "latitude": _text(located.get("latitude")),
        "longitude": _text(located.get("longitude")),
        "company_number": company,
        "taxonomy_terms": "|".join(dict.fromkeys(t for t in terms if t)),
    }
    return values, []


def _read_hsds(data):
    parsed = _load_json(data)
    if isinstance(parsed, dict) and isinstance(parsed.get("contents"), list):
        items = parsed["contents"]
    elif isinstance(parsed, dict) and "name" in parsed:
        items = [parsed]
    else:
        items = _json_items(parsed)
    table = _objects_table(items, _hsds_organisation)
    table.columns = list(HSDS_COLUMNS)
    for row in table.rows:
        row.values = {column: row.values.get(column, "") for column in HSDS_COLUMNS}
    return table


# --- iCalendar ------------------------------------------------------------------------------------


def _ical_datetime(value):
    """(ISO text, all_day) of a DTSTART/DTEND value; floating times are taken as Brussels time."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=BRUSSELS)
        return value.isoformat(), False
    if isinstance(value, dt.date):
        return value.isoformat(), True
    raise ValueError("not a date")


def _ical_event(event):
    """Columns of one VEVENT. An all-day event's dtend is its last day (iCalendar says the day after)."""
    values, errors = dict.fromkeys(ICS_COLUMNS, ""), []
    for column in ("uid", "summary", "description", "location", "url", "status"):
        try:
            raw = event.get(column.upper())
            if isinstance(raw, list):
                raw = raw[0] if raw else ""
            values[column] = str(raw or "")
        except Exception:  # a malformed property stays on its row
            errors.append(_("The property %(name)s cannot be read.") % {"name": column.upper()})
    all_day = False
    try:
        start = event.get("DTSTART")
        if start is None:
            errors.append(_("This event has no start (DTSTART)."))
        else:
            values["dtstart"], all_day = _ical_datetime(start.dt)
            values["all_day"] = "1" if all_day else "0"
    except Exception:
        errors.append(_("The start (DTSTART) of this event cannot be read."))
    try:
        end = event.get("DTEND")
        if end is not None and all_day and type(end.dt) is dt.date:
            # iCalendar's all-day end is the day after (exclusive); Maillage keeps the last day.
            values["dtend"] = max(end.dt - dt.timedelta(days=1), event["DTSTART"].dt).isoformat()
        elif end is not None:
            values["dtend"] = _ical_datetime(end.dt)[0]
        elif event.get("DURATION") is not None and event.get("DTSTART") is not None:
            start_value = event["DTSTART"].dt
            if isinstance(start_value, dt.datetime) and start_value.tzinfo is None:
                start_value = start_value.replace(tzinfo=BRUSSELS)
            values["dtend"] = _ical_datetime(start_value + event["DURATION"].dt)[0]
    except Exception:
        errors.append(_("The end (DTEND) of this event cannot be read."))
    try:
        rule = event.get("RRULE")
        if isinstance(rule, list):
            rule = rule[0] if rule else None
        if rule is not None:
            values["rrule"] = rule.to_ical().decode("utf-8", "replace")
    except Exception:
        errors.append(_("The recurrence rule (RRULE) of this event cannot be read."))
    try:
        categories = event.get("CATEGORIES")
        groups = categories if isinstance(categories, list) else [categories] if categories is not None else []
        names = []
        for group in groups:
            names.extend(str(c) for c in getattr(group, "cats", [group]))
        values["categories"] = "|".join(n.strip() for n in names if str(n).strip())
    except Exception:
        errors.append(_("The categories of this event cannot be read."))
    try:
        organizer = event.get("ORGANIZER")
        if isinstance(organizer, list):
            organizer = organizer[0] if organizer else None
        if organizer is not None:
            name = getattr(organizer, "params", {}).get("CN", "")
            address = str(organizer)
            if address.lower().startswith("mailto:"):
                address = address[7:]
            values["organizer"] = str(name or address)
    except Exception:
        errors.append(_("The organiser of this event cannot be read."))
    try:
        geo = event.get("GEO")
        if geo is not None:
            values["latitude"], values["longitude"] = _text(float(geo.latitude)), _text(float(geo.longitude))
    except Exception:
        errors.append(_("The position (GEO) of this event cannot be read."))
    return values, errors


def _read_ics(data):
    import icalendar

    text, _encoding = _decode(data)
    if "BEGIN:VCALENDAR" not in text[:4096].upper():
        raise ReadError(_("This is not a valid iCalendar file (it does not start with BEGIN:VCALENDAR)."))
    if "END:VCALENDAR" not in text[-4096:].upper():
        raise ReadError(_("This is not a valid iCalendar file (it does not end with END:VCALENDAR)."))
    try:
        calendars = icalendar.Calendar.from_ical(text.lstrip("\ufeff"), multiple=True)
        events = [component for calendar in calendars for component in calendar.walk("VEVENT")]
    except Exception as exc:  # icalendar raises ValueError, KeyError, IndexError... on broken files
        raise ReadError(_("This is not a valid iCalendar file.")) from exc
    if len(events) > MAX_ROWS:
        raise ReadError(too_many_cells(len(events)))
    rows, skipped = [], 0
    for number, event in enumerate(events, start=1):
        if event.get("RECURRENCE-ID") is not None:
            skipped += 1
            continue
        try:
            values, errors = _ical_event(event)
        except Exception:
            values, errors = dict.fromkeys(ICS_COLUMNS, ""), [_("This event cannot be read.")]
        rows.append(Row(number=number, values=values, errors=errors))
    table = Table(columns=list(ICS_COLUMNS), rows=rows, encoding=_encoding)
    if skipped:
        table.notes.append(
            ngettext(
                "%(count)d changed occurrence of a recurring event (RECURRENCE-ID) was skipped.",
                "%(count)d changed occurrences of recurring events (RECURRENCE-ID) were skipped.",
                skipped,
            )
            % {"count": skipped}
        )
    if not events:
        raise ReadError(_("This calendar holds no events (VEVENT)."))
    return table
