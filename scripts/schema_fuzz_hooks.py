"""Schemathesis hooks for scripts/schema-fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

One hook, `filter_failure`, drops a few failures that are not the API's fault: "schema-valid
request rejected" (ST202, positive_data_acceptance) where the request was not in fact valid or
a documented rule that no schema can state refused it, and "schema-violating request accepted"
(ST201, negative_data_rejection) where the request as sent was in fact valid. Each rule is
narrow: it matches only the exact refusal it is about, and only when the request really was
refused (or accepted) for that reason, so anything else from the same endpoint still fails the
run. Schemathesis counts and prints every dropped failure ("dropped by `filter_failure`");
FUZZ_DROPPED_LOG=<file> also writes each one, with the rule that dropped it, as a JSON line.
"""

from __future__ import annotations

import json
import os
import re
import zoneinfo
from datetime import datetime

import jsonschema_rs
import schemathesis

# The fuzzing owner's user id (set by schema-fuzz.sh from GET /api/v1/me).
OWNER_ID = os.environ.get("FUZZ_OWNER_ID", "")
# When set, every dropped failure is appended here as a JSON line (rule, operation, response).
DROPPED_LOG = os.environ.get("FUZZ_DROPPED_LOG", "")

# Business rules that refuse an action on the caller or on the owner (422 with their own code,
# documented as 422 for these operations). The fuzz workspace has one member, its owner, who is
# also the caller, so every real user id the fuzzer can find is refused by one of these; no
# schema can say "not yourself".
SELF_OR_OWNER_RULES = {
    "POST /api/v1/team/members/{user_id}/deactivate": {
        "cannot_deactivate_self",
        "cannot_deactivate_owner",
    },
    "POST /api/v1/team/members/{user_id}/reactivate": {
        "cannot_reactivate_self",
        "cannot_reactivate_owner",
    },
    "PUT /api/v1/team/members/{user_id}/role": {"owner_role_fixed"},
}

# The WhatsApp connector's secrets (PUT /api/v1/connectors/whatsapp).
WHATSAPP_SECRETS = {"access_token", "app_secret", "verify_token"}

CTL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


def _error(response) -> dict | None:
    try:
        body = response.json()
    except Exception:
        return None
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"]
    return None


def _failing_fields(error: dict) -> dict[str, str]:
    if error.get("code") != "validation_failed":
        return {}
    fields = (error.get("details") or {}).get("fields") or {}
    return fields if isinstance(fields, dict) else {}


def _base(field: str) -> str:
    """`rating_categories[3]` -> `rating_categories`."""
    return field.split("[", 1)[0].split(".", 1)[0]


_VALIDATORS: dict[tuple[str, str, str], object] = {}


def _body_validator(case):
    key = (case.operation.path, case.operation.method.lower(), case.media_type)
    if key not in _VALIDATORS:
        raw = case.operation.schema.raw_schema
        schema = raw["paths"][key[0]][key[1]]["requestBody"]["content"][key[2]]["schema"]
        root = dict(schema)
        root["components"] = raw.get("components", {})
        _VALIDATORS[key] = jsonschema_rs.validator_for(root, validate_formats=True)
    return _VALIDATORS[key]


def _format_violations(case) -> set[str] | None:
    """Top-level body properties that break the schema once `format` is enforced, or None.

    OpenAPI 3.1 schemas are JSON Schema 2020-12, where `format` is only an annotation, so the
    generator may send `""` as a `date-time`; docs/api.md promises `format` as a limit the
    server enforces. A body that breaks a declared format was never a valid request.
    """
    if case.media_type != "application/json" or not isinstance(case.body, dict):
        return None
    try:
        validator = _body_validator(case)
    except (KeyError, TypeError, ValueError):
        return None
    bad = set()
    for err in validator.iter_errors(case.body):
        path = list(err.instance_path)
        bad.add(str(path[0]) if path else "")
    return bad


def _multipart_field_name_unsendable(case, response) -> bool:
    """Whether the generator wrote a form field name that cannot be sent in a valid header.

    The schema lets a form carry extra fields, and the generator writes their names raw into
    `Content-Disposition: form-data; name="..."`: a control character is not allowed in a
    header (RFC 9110 field-value), and a `"` or `\\` breaks the quoted string (a name ending in
    a backslash escapes the closing quote). Such a part is malformed, so `400
    malformed_multipart` is the right answer. Checked on the bytes actually sent.
    """
    if case.media_type != "multipart/form-data" or not isinstance(case.body, dict):
        return False
    body = response.request.body
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    if not isinstance(body, bytes):
        return False
    headers = [line for line in body.split(b"\r\n") if line.lower().startswith(b"content-disposition:")]
    if any(CTL.search(line) for line in headers):
        return True
    for name in case.body:
        if isinstance(name, str) and ('"' in name or "\\" in name or CTL.search(name.encode("utf-8", "replace"))):
            raw = b'name="' + name.encode("utf-8", "surrogatepass") + b'"'
            if any(raw in line for line in headers):
                return True
    return False


# Leading bytes of the kinds of file the upload endpoints take (the UploadForm schema's `file`:
# an image, audio, a PDF, an office document or text); the server sniffs the content. A zip
# (`PK\x03\x04`) is not here: it is an office document only when its entries say so, which
# generated bytes never do, and the server refuses a plain zip.
MAGIC = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\xd0\xcf\x11\xe0",
    b"OggS", b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"fLaC", b"\x1aE\xdf\xa3",
)


def _could_be_accepted_file(data: bytes) -> bool:
    if data.startswith(MAGIC) or data[:4] == b"RIFF" or data[4:8] == b"ftyp":
        return True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # Plain text: UTF-8 without NUL; HTML and SVG are refused by design (they can run script).
    head = text[:512].lower()
    markup = any(m in head for m in ("<html", "<!doctype", "<svg", "<script", "<?xml"))
    return "\0" not in text and not markup


def _file_bytes(value) -> bytes | None:
    """The bytes of a generated file: plain bytes, or schemathesis' `Binary` wrapper of them
    (what it generates for a `format: binary` field in explicit examples and coverage cases)."""
    data = getattr(value, "data", value)
    return bytes(data) if isinstance(data, (bytes, bytearray)) else None


def _timestamp(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _slots_really_refused(body: dict, fields: dict[str, str]) -> bool:
    """Whether each refused `booking_slots` entry (or the file beside them) breaks its rule."""
    slots = body.get("booking_slots")
    if not isinstance(slots, list):
        return False
    now = datetime.now().astimezone()
    for field, message in fields.items():
        found = re.fullmatch(r"booking_slots\[(\d+)\]\.(starts_at|ends_at)", field)
        if field == "attachment_id":
            if message != "cannot go with booking_slots" or body.get("attachment_id") is None:
                return False
        elif field == "booking_slots":
            starts = [_timestamp(s.get("starts_at")) for s in slots if isinstance(s, dict)]
            if message != "must not offer the same time twice" or len(set(starts)) == len(starts):
                return False
        elif found:
            slot = slots[int(found[1])] if int(found[1]) < len(slots) else None
            starts = _timestamp(slot.get("starts_at")) if isinstance(slot, dict) else None
            if starts is None or starts.tzinfo is None:
                return False
            if found[2] == "starts_at" and not (message == "must be in the future" and starts <= now):
                return False
            if found[2] == "ends_at":
                ends = _timestamp(slot.get("ends_at"))
                if message != "must be after starts_at" or ends is None or ends.tzinfo is None or ends > starts:
                    return False
        else:
            return False
    return True


def _inapplicable(case, response) -> str | None:
    """The name of the rule that explains this rejection, or None to keep the failure."""
    label = f"{case.operation.method.upper()} {case.operation.path}"
    error = _error(response)
    if error is None:
        return None
    code = error.get("code")

    if response.status_code == 400 and code == "malformed_multipart":
        if _multipart_field_name_unsendable(case, response):
            return "multipart field name that no valid header can carry"
        return None

    if response.status_code != 422:
        return None

    # The upload endpoints sniff the bytes; random bytes are not an image, audio, a PDF, an
    # office document or text, and a schema cannot describe file contents. Kept when the bytes
    # start like one of those kinds or read as plain text.
    if code == "unsupported_file_type" and case.media_type == "multipart/form-data":
        data = _file_bytes((case.body or {}).get("file") if isinstance(case.body, dict) else None)
        if data is not None and not _could_be_accepted_file(data):
            return "random bytes are no accepted kind of file"
        return None

    rules = SELF_OR_OWNER_RULES.get(label)
    if rules and code in rules:
        if OWNER_ID and (case.path_parameters or {}).get("user_id") == OWNER_ID:
            return f"{code} on the fuzzing owner"
        return None

    fields = _failing_fields(error)
    if not fields:
        return None
    body = case.body if isinstance(case.body, dict) else {}

    # Cursors are opaque: only a `next_cursor` the server returned is one, and no schema can
    # describe that. Any other refusal of the same request is kept.
    if all(f == "cursor" and m == "is not a cursor this list returned" for f, m in fields.items()):
        query = case.query or {}
        if any(isinstance(query.get(k), str) and query.get(k) for k in ("cursor", "before")):
            return "forged cursor"
        return None

    # `time_zone` must be an IANA zone name: a list of some 600 names tied to the tz database
    # version, which the schema does not enumerate. Kept when the refused value is a real zone.
    if set(fields) == {"time_zone"} and fields["time_zone"].startswith("must be an IANA time zone"):
        zone = body.get("time_zone")
        if isinstance(zone, str) and zone.strip() not in zoneinfo.available_timezones():
            return "not an IANA time zone"
        return None

    # A booking must end after it starts: JSON Schema cannot compare two fields. Kept unless
    # the sent `ends_at` really is at or before `starts_at`.
    if fields == {"ends_at": "must be after starts_at"}:
        starts, ends = _timestamp(body.get("starts_at")), _timestamp(body.get("ends_at"))
        if starts and ends and ends <= starts:
            return "booking ends before it starts"
        return None

    # A number's secrets are required when it is first connected and kept when left out or
    # blank later (the dashboard never sends them back): whether one is stored is state, which
    # no schema can state. Kept unless each refused secret really was absent or blank.
    if label == "PUT /api/v1/connectors/whatsapp" and all(
        f in WHATSAPP_SECRETS and m == "is required to connect a number" for f, m in fields.items()
    ):
        if all(not str(body.get(f) or "").strip() for f in fields):
            return "secret left out when first connecting a number"
        return None

    violations = _format_violations(case)
    if violations and {_base(f) for f in fields} <= violations:
        return "breaks a declared format"

    # Offered times must lie in the future, end after they start and not repeat: the first
    # depends on the clock, the others compare entries, and no schema states either. Kept
    # unless every refused slot really breaks the rule named.
    if fields and all(_base(f) in ("booking_slots", "attachment_id") for f in fields):
        if _slots_really_refused(body, fields):
            return "offered times in the past, backwards, repeated or with a file"
        return None

    return None


def _negative_multipart_sent_valid(case) -> str | None:
    """For ST201 on a multipart form: whether what went over the wire was in fact valid.

    A form field set to an empty array is sent as no part at all, so a "negative" case such as
    `duration_ms: []` reaches the server as a valid form without that field, and the server
    rightly accepts it. Only for operations whose sole input is the body, and only when the body
    as sent (empty arrays dropped) validates against the schema.
    """
    if case.media_type != "multipart/form-data" or not isinstance(case.body, dict):
        return None
    if case.operation.schema.raw_schema["paths"][case.operation.path][case.operation.method.lower()].get("parameters"):
        return None
    if not any(value == [] for value in case.body.values()):
        return None
    sent = {k: ("<bytes>" if isinstance(v, bytes) else v) for k, v in case.body.items() if v != []}
    try:
        validator = _body_validator(case)
    except (KeyError, TypeError, ValueError):
        return None
    if validator.is_valid(sent):
        return "multipart field as an empty array is sent as no field"
    return None


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    code = getattr(failure, "code", None)
    if response is None or code not in ("ST201", "ST202"):
        return True
    if code == "ST201":
        rule = _negative_multipart_sent_valid(case)
    else:
        rule = _inapplicable(case, response)
    if rule and DROPPED_LOG:
        with open(DROPPED_LOG, "a", encoding="utf-8") as log:
            entry = {
                "rule": rule,
                "operation": f"{case.operation.method.upper()} {case.operation.path}",
                "status": response.status_code,
                "response": response.content[:300].decode("utf-8", "replace"),
            }
            log.write(json.dumps(entry) + "\n")
    return rule is None
