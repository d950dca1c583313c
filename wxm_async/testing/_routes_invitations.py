"""``POST /api/RequestInvitation``: make a token and have WXM email or text it.

The fake sends nothing: it makes the token and keeps the invitation in
``FakeWXM.invitations``. Its choices where no source shows WXM's: it answers the new
token's id as a JSON string (the vendor's sample reads the answer as the token id);
an invitation to a customer invited within ``nonRepeatWithinLastDays`` (same value
of the ``nonRepeatByUniquieQuestionTag`` tag in ``preFillByQuestionTag``) is a 400.
As WXM binds JSON to .NET types, ``"1"`` reads as 1 and ``"False"`` as false: the
vendor's sample sends its settings as strings.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from ._catalog import DAY_MS
from ._routes_survey_tokens import new_token
from ._wire import (
    Invalid,
    Reply,
    Request,
    Route,
    json_object,
    now_ms,
    ok,
    parse_iso,
    responses_in,
    typed,
)
from ._world import World


def routes(world: World) -> list[Route]:
    """The invitation route."""
    return [Route("POST", "/api/RequestInvitation", partial(_invite, world))]


def _number(body: dict[str, Any], key: str) -> int | None:
    """An int, or a string of one, as Newtonsoft binds it."""
    value = body.get(key.lower())
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            raise Invalid(f"'{key}' must be a whole number.") from None
    return typed(body, key, int)  # type: ignore[no-any-return]


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key.lower())
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return bool(typed(body, key, bool, False))


def _invite(world: World, request: Request) -> Reply:
    body = json_object(request)
    details = body.get("tokendetails")
    if not isinstance(details, dict):
        raise Invalid("'tokenDetails' is required.")
    details = {str(k).lower(): v for k, v in details.items()}
    location = typed(details, "location", str)
    if not location:
        raise Invalid("'tokenDetails.location' is required.")
    sms = _flag(body, "isSMS")
    to = typed(body, "customerPhone" if sms else "customerEmail", str)
    if not to:
        raise Invalid(
            "'customerPhone' is required with isSMS." if sms else "'customerEmail' is required."
        )
    by_tag = body.get("prefillbyquestiontag") or {}
    if not isinstance(by_tag, dict) or not all(isinstance(v, str) for v in by_tag.values()):
        raise Invalid("'preFillByQuestionTag' must map tags to strings.")
    tag = typed(body, "nonRepeatByUniquieQuestionTag", str)
    days = _number(body, "nonRepeatWithinLastDays")
    now = now_ms()
    if tag and days and tag in by_tag:
        for earlier in world.invitations:
            if earlier["uniqueBy"] == (tag, by_tag[tag]) and now - earlier["at"] < days * DAY_MS:
                raise Invalid(f"The customer was invited within the last {days} days.")
    till = details.get("validtill")
    token = new_token(
        world,
        location=location,
        valid_till=None if till is None else parse_iso(till, "validTill"),
        valid_uses=_number(details, "validUses") or -1,
        prefill=responses_in(details.get("prefill"), "preFill"),
        note=typed(details, "note", str),
        language=typed(details, "preferredLanguage", str) or None,
    )
    world.invitations.append(
        {
            "token": token["id"],
            "channel": "sms" if sms else "email",
            "to": to,
            "name": typed(body, "customerName", str),
            "subject": typed(body, "subject", str),
            "template": typed(body, "template", str),
            "uniqueBy": (tag, by_tag.get(tag)) if tag else None,
            "at": now,
        }
    )
    return ok(token["id"])
