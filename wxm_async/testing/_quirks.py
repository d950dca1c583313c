"""How WXM's answers differ from the tidy records the fake keeps: its quirks, in one place.

WXM is an ASP.NET Web API serialising .NET objects with Newtonsoft's defaults: whatever
is unset comes back as ``null``, lists included; fields come and go between versions;
.NET dates may be naive, carry seven fractional digits, or be ``DateTime.MinValue``.
By default the fake answers so; ``FakeWXM(tidy=True)`` skips this module. Each
function takes a tidy record and returns the record as WXM would send it, leaving
the tidy one unchanged. ``docs/reference/fake-wxm.md`` lists each quirk with its
public source.
"""

from __future__ import annotations

from typing import Any

NET_MIN_VALUE = "0001-01-01T00:00:00"
""".NET's ``DateTime.MinValue``, as Newtonsoft writes it: WXM's "never"."""

Record = dict[str, Any]


def _null_if_empty(record: Record, *keys: str) -> None:
    for key in keys:
        if record.get(key) == []:
            record[key] = None


def seven_digits(date: str) -> str:
    """``2026-01-01T00:00:00.123Z`` as .NET writes it: ``2026-01-01T00:00:00.1230000Z``."""
    if date.endswith("Z") and "." in date:
        return date[:-1] + "0000Z"
    return date


def naive(date: str) -> str:
    """``2026-01-01T00:00:00.123Z`` without its zone, as .NET writes an unspecified DateTime."""
    return date[:-1] if date.endswith("Z") else date


def answer(record: Record) -> Record:
    """A response: ``notes`` null when none, ``deviceId`` null off the apps, 7-digit dates."""
    shaped = dict(record)
    _null_if_empty(shaped, "notes")
    if not str(shaped.get("surveyClient", "")).startswith("InApp"):
        shaped["deviceId"] = None
    shaped["responseDateTime"] = seven_digits(shaped["responseDateTime"])
    shaped["notes"] = None if shaped["notes"] is None else [note(n) for n in shaped["notes"]]
    return shaped


def note(record: Record) -> Record:
    """A note: the MessageNote fields the fake does not use, null."""
    return {**record, "noteSurveyID": None, "attachments": None}


def question(record: Record) -> Record:
    """A question: empty lists null, and the display fields the fake does not use, null."""
    shaped = {**record, "displayLegend": None, "displayLocationByTag": None, "audio": None}
    _null_if_empty(shaped, "multiSelect", "questionTags")
    return shaped


def location(record: Record) -> Record:
    """A questionnaire in the settings' ``locationList``: ``tags`` null when none."""
    shaped = dict(record)
    _null_if_empty(shaped, "tags")
    return shaped


def token(record: Record) -> Record:
    """A survey token: ``preFill`` null when empty, ``campaign`` null, no unset language."""
    shaped = {**record, "campaign": None}
    _null_if_empty(shaped, "preFill")
    if shaped.get("preferredLanguage") is None:
        shaped.pop("preferredLanguage", None)
    return shaped


def delivery_plan(record: Record) -> Record:
    """A delivery plan: ``lastRun`` .NET's MinValue when it never ran."""
    shaped = {**record, "routeEmailSMTP": None}
    if shaped.get("lastRun") is None:
        shaped["lastRun"] = NET_MIN_VALUE
    return shaped


def dispatch(record: Record) -> Record:
    """A dispatch: naive dates (no zone), as .NET writes an unspecified DateTime."""
    return {**record, "created": naive(record["created"]), "updated": naive(record["updated"])}


def sub_user(record: Record) -> Record:
    """A sub-user: the fields the fake does not use, null."""
    return {**record, "enterpriseRole": None, "locationFilter": None}


def survey(record: Record) -> Record:
    """A token's survey: no prefill is ``null``, unset branding ``null``, unknown fields.

    The web micro-survey's sample (``src/models/Survey.ts``) has ``logoURL``,
    ``backgroundURL``, ``ack`` and ``translated`` null, and fields no client reads.
    """
    shaped = {
        **record,
        "logoURL": None,
        "backgroundURL": None,
        "businessCountry": None,
        "disclaimerText": None,
        "ack": None,
        "translated": None,
        "doNotSocialShare": None,
        "questions": [question(q) for q in record["questions"]],
    }
    _null_if_empty(shaped, "preFill")
    return shaped


def submitted(record: Record) -> Record:
    """A response WXM recorded from a survey: as every response, ``notes`` null and so on."""
    return answer(record)


def merged(record: Record) -> Record:
    """A token's merged data: no answers ``null``, never answered MinValue, no events ``null``.

    cisco/WXM-Invitations ``WXMDeliveryEvents`` types ``AnsweredAt`` as a non-nullable
    ``DateTime`` and its lists without defaults.
    """
    shaped = dict(record)
    _null_if_empty(shaped, "responses", "wxmEvents")
    at = shaped.get("answeredAt")
    shaped["answeredAt"] = NET_MIN_VALUE if at is None else seven_digits(at)
    return shaped
