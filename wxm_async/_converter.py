"""The one place that knows WXM's wire format.

A private cattrs converter: WXM's key names (camelCase, ``.issued``, the odd ``questionID``),
its ``"True"`` strings, its RFC 1123 and ISO 8601 dates. Users never see or mutate it.
Every failure to decode becomes one ``DecodeError`` whose message carries cattrs' paths.

Every model's attribute is read from (and written to) the camelCase of its name, unless
``_WIRE_NAMES`` says otherwise: the models are named for the domain, not for the JSON.

The shared token stores' records (``_stores._at_rest``) are attrs classes too: this
converter spells their fields as it spells WXM's, and the token in them as WXM sends it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, get_type_hints

import attrs
import cattrs
import httpx
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.v import format_exception

from . import _models as m
from ._body import json_body
from ._exceptions import DecodeError
from ._fast_structure import fast_structure
from ._wire_values import check_kinds, field_kinds, json_kind, register_value_hooks

__all__ = [
    "decode",
    "decode_response",
    "from_wire",
    "structure",
    "to_wire",
    "unstructure",
]

T = TypeVar("T")

_converter = cattrs.Converter(forbid_extra_keys=False)


register_value_hooks(_converter)

#: Wire keys that are not the camelCase of the attribute's name.
_WIRE_NAMES: dict[type, dict[str, str]] = {
    m.AccessToken: {
        "access_token": "access_token",
        "token_type": "token_type",
        "expires_in": "expires_in",
        "issued": ".issued",
        "expires": ".expires",
    },
    m.Question: {
        "options": "multiSelect",
        "questionnaires": "displayLocation",
        "tags": "questionTags",
    },
    m.Questionnaire: {"hash_pii_by": "hashPIIBy"},
    m.Answer: {"text": "textInput", "number": "numberInput"},
    m.Note: {"text": "note"},
    m.SurveyResponse: {
        "questionnaire": "locationId",
        "answers": "responses",
        "channel": "surveyClient",
        "duration": "responseDuration",
    },
    m.ResponsePage: {"page": "currentPage"},
    m.NewResponse: {
        "questionnaire": "locationId",
        "answers": "responses",
        "channel": "surveyClient",
        "duration": "responseDuration",
    },
    m.Survey: {
        "prefill": "preFill",
        "logo_url": "logoURL",
        "background_url": "backgroundURL",
        "recaptcha_site_key": "reCaptchaSiteKey",
    },
    m.SurveySubmission: {
        "answers": "responses",
        "channel": "surveyClient",
        "duration": "responseDuration",
    },
    m.Notification: {"rule": "notification", "response": "answer"},
    m.SubUserPage: {"page": "currentPage"},
    m.QuestionFilter: {},
    m.ResponseFilter: {
        "questionnaires": "location",
        "after": "afterdate",
        "before": "beforedate",
        "questions": "filterquestions",
    },
    m.SurveyToken: {"questionnaire": "location", "prefill": "preFill"},
    m.SurveyTokenPage: {"page": "currentPage"},
    m.MergedDelivery: {
        "token_id": "_id",
        "answers": "responses",
        "events": "wxmEvents",
    },
    m.MergedDataRequest: {"filter": "filter", "token_ids": "TokenIds"},
    m.DispatchTokensRequest: {
        "dispatch_id": "DispatchId",
        "prefills": "PrefillReponse",  # sic: WXM's spelling
        "uuid_question_id": "UUID",
        "batch_question_id": "Batchid",
    },
    m.TokenDetails: {"questionnaire": "location", "prefill": "preFill"},
    m.InvitationRequest: {
        "token": "tokenDetails",
        "email": "customerEmail",
        "phone": "customerPhone",
        "sms": "isSMS",
        "template_url": "template",
        "unique_by_question_tag": "nonRepeatByUniquieQuestionTag",  # sic: WXM's spelling
        "not_within_days": "nonRepeatWithinLastDays",
        "prefill_question_id": "preFillByQuestionId",
        "prefill_by_question_tag": "preFillByQuestionTag",
    },
    m.DeliveryStep: {"channel": "onChannel"},
    m.DeliveryPlan: {"steps": "schedule"},
    m.DeliveryEvent: {"timestamp": "timeStamp"},
    m.DeliveryTarget: {"delivery_workflow_id": "deliveryWorkFlowId", "questionnaire": "location"},
    m.Settings: {"locations": "locationList"},
    m.NetPromoterScore: {
        "question_id": "questionID",
        "passives": "passive",
        "score": "netPromoters",
    },
    m.NPSReport: {"nps": "netPromoter"},
    m.QuestionSummary: {"question": "askedQuestion", "counts": "response"},
    m.Summary: {"questions": "summary", "nps": "netPromoter"},
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def wire_names(cls: type) -> dict[str, str]:
    """Return each attribute's key on the wire, for ``cls``."""
    renames = _WIRE_NAMES.get(cls, {})
    return {a.name: renames.get(a.name, _camel(a.name)) for a in attrs.fields(cls)}


def _renamed(cls: type) -> dict[str, Any]:
    return {name: override(rename=key) for name, key in wire_names(cls).items()}


def _structure_factory(cls: type) -> Any:
    """A model from a JSON object, taking WXM's answers as they come.

    WXM (ASP.NET, Newtonsoft defaults) sends ``null`` for whatever is unset, lists
    included, and adds or drops fields between accounts and versions. So a ``null``
    or missing field takes its default, and unknown fields are ignored. Only a field
    without a default (the object's identity, such as ``id``) must be there.
    """
    generated: Callable[[dict[str, Any], type], Any] = make_dict_structure_fn(
        cls, _converter, **_renamed(cls)
    )
    names = wire_names(cls)
    optional = frozenset(names[a.name] for a in attrs.fields(cls) if a.default is not attrs.NOTHING)

    def structure(value: object, _: object) -> Any:
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {_json_kind(value)}")
        if None in value.values():
            value = {k: v for k, v in value.items() if v is not None or k not in optional}
        return generated(value, cls)

    return fast_structure(cls, names, structure, _converter)


#: The models of the API, whose fields a caller's arguments fill.
_MODELS = frozenset(getattr(m, name) for name in m.__all__)


def _unstructure_factory(cls: type) -> Any:
    # Unset fields (``None``, empty) are left out: WXM reads a missing key as "any".
    generated: Callable[[Any], Any] = make_dict_unstructure_fn(
        cls, _converter, _cattrs_omit_if_default=True, **_renamed(cls)
    )
    if cls not in _MODELS:  # the stores' records are checked where they are made
        return generated
    kinds = field_kinds(cls)

    def unstructure(value: Any) -> Any:
        check_kinds(value, kinds)  # a caller's argument, before it is sent as WXM's JSON
        return generated(value)

    return unstructure


_converter.register_structure_hook_factory(attrs.has, _structure_factory)
_converter.register_unstructure_hook_factory(attrs.has, _unstructure_factory)

#: The login answer's fields that only inform: malformed, they become ``None`` rather
#: than reject a login whose token is usable.
_TOKEN_INFORMATION = (
    "user_name",
    "email",
    "primary_role",
    "managed_by",
    "preview",
    "station",
    "hash",
    "issued",
    "expires",
)


def _structure_access_token(value: object, cls: type) -> m.AccessToken:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, got {_json_kind(value)}")
    data = dict(value)
    names = wire_names(m.AccessToken)
    hints = get_type_hints(m.AccessToken)
    for name in _TOKEN_INFORMATION:
        key = names[name]
        if data.get(key) is not None:
            try:
                _converter.structure(data[key], hints[name])
            except (cattrs.BaseValidationError, TypeError, ValueError, OverflowError):
                data[key] = None
    lifetime = data.get("expires_in")  # "3600" is the float hook's, as every number string
    if isinstance(lifetime, int) and not isinstance(lifetime, bool) and abs(lifetime) > 2**1000:
        data["expires_in"] = math.inf if lifetime > 0 else -math.inf  # more than a float holds
    return _structure_token_fields(data, cls)


_structure_token_fields = make_dict_structure_fn(
    m.AccessToken, _converter, **_renamed(m.AccessToken)
)
_converter.register_structure_hook(m.AccessToken, _structure_access_token)


#: Writes every field, unset ones as ``null`` as WXM does: for ``to_wire``. A copy of
#: the converter, so that the two can never disagree on a name or a date.
_complete = _converter.copy()
_complete.register_unstructure_hook_factory(
    attrs.has, lambda cls: make_dict_unstructure_fn(cls, _complete, **_renamed(cls))
)


def unstructure(value: object) -> Any:
    """Turn a model into the JSON WXM expects (camelCase keys, ISO dates, no unset fields)."""
    return _converter.unstructure(value)


def to_wire(value: object) -> Any:
    """Turn a model (or a list or dict of them) back into WXM's JSON, ready for ``json.dumps``.

    Keys are WXM's own (``locationId``, ``responses``, ``surveyClient``...), dates
    are ISO 8601 strings in UTC (``2026-11-01T10:00:00.000Z``), tuples are lists,
    and every field is written, unset ones as ``null``. ``from_wire`` reads it back
    into an equal model.

    Example:
        ```python
        responses = await client.responses.list()
        print(json.dumps(to_wire(responses)))
        ```

    Args:
        value: A model of wxm_async, or a list, tuple or dict of them.

    Returns:
        Plain JSON data: dicts, lists, strings, numbers, booleans and ``None``.
    """
    return _complete.unstructure(value)


def from_wire(data: Any, cls: type[T]) -> T:
    """Read WXM's JSON (as WXM sends it, or as ``to_wire`` wrote it) into a model.

    It is as tolerant as the client: ``null`` and missing fields take their
    defaults, unknown fields are ignored.

    Args:
        data: Decoded JSON, e.g. from ``json.loads``.
        cls: The model to build, e.g. ``SurveyResponse``.

    Returns:
        An instance of ``cls``.

    Raises:
        DecodeError: The data does not fit ``cls``; the message gives each path.
    """
    return decode(data, cls, what=f"the {cls.__name__}", request=None)  # type: ignore[no-any-return]


def structure(data: Any, cls: type[T], *, what: str, request: httpx.Request | None) -> T:
    """Turn decoded JSON into a model, or raise ``DecodeError`` naming what was wrong.

    Args:
        data: Decoded JSON.
        cls: The model to build.
        what: What the data is, for the message (``"the LoginToken answer"``).
        request: The request the data answers, for the error.

    Returns:
        An instance of ``cls``.

    Raises:
        DecodeError: The data does not fit ``cls``; the message lists cattrs' paths.
    """
    if not isinstance(data, dict):
        raise DecodeError(
            f"could not decode {what}: expected a JSON object, got {_json_kind(data)}",
            request=request,
        )
    return decode(data, cls, what=what, request=request)  # type: ignore[no-any-return]


def decode(data: Any, tp: Any, *, what: str, request: httpx.Request | None) -> Any:
    """Turn decoded JSON into ``tp``: a model, a list or dict of them, or a bare scalar.

    WXM answers some calls with bare JSON (``true``, ``42``, ``"key"``); those decode
    with the same strictness as model fields.

    Raises:
        DecodeError: The data does not fit ``tp``; the message lists cattrs' paths.
    """
    try:
        return _converter.structure(data, tp)
    except (cattrs.ClassValidationError, cattrs.IterableValidationError) as exc:
        problems = "; ".join(_problems(exc, "$", tp))
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        # A bare value of the wrong kind, or a list where an object was expected.
        problems = _problems(exc, "$", tp)[0]
    raise DecodeError(f"could not decode {what}: {problems}", request=request) from None


def decode_response(
    response: httpx.Response, cls: type[T], *, what: str, request: httpx.Request | None
) -> T:
    """Decode a response's JSON body into ``cls``.

    The body must have been read. Its text is never quoted in an error: it may hold
    secrets.

    Raises:
        DecodeError: The body is not JSON, or does not fit ``cls``.
    """
    return structure(
        json_body(response, what=what, request=request), cls, what=what, request=request
    )


def _problems(exc: BaseException, path: str, cls: Any) -> list[str]:
    """Describe every failure under ``exc``, each with its JSON path in wire names.

    Like ``cattrs.transform_error``, but the path names keys as WXM sends them
    (``$.userName``, ``$['.issued']``), not as Python attributes.
    """
    if isinstance(exc, cattrs.ClassValidationError):
        names = wire_names(exc.cl) if attrs.has(exc.cl) else {}
        with_notes, without_notes = exc.group_exceptions()
        found = [
            p
            for e, note in with_notes
            for p in _problems(e, path + _key(names.get(note.name, note.name)), note.type)
        ]
        return found + [p for e in without_notes for p in _problems(e, path, None)]
    if isinstance(exc, cattrs.IterableValidationError):
        indexed, unindexed = exc.group_exceptions()
        found = [p for e, note in indexed for p in _problems(e, f"{path}[{note.index}]", note.type)]
        return found + [p for e in unindexed for p in _problems(e, path, None)]
    own = isinstance(exc, TypeError | ValueError) and str(exc).startswith("expected ")
    return [f"{exc if own else format_exception(exc, cls)} @ {path}"]


def _key(name: str) -> str:
    return f".{name}" if name.isidentifier() else f"[{name!r}]"


_json_kind = json_kind
