"""An outside red team on ``WXMClient``: real WXM's answers, hostile servers, careless callers.

Each test proves a promise that an attack broke (and that the library now keeps) or
that an attack tried and the library held; the report lists which is which.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from wxm_async import (
    Answer,
    ConfigurationError,
    DecodeError,
    DeliveryPlan,
    Note,
    PaginationError,
    Question,
    QuestionSummary,
    RetryPolicy,
    SurveyResponse,
    WXMBearerAuth,
    WXMClient,
    WXMError,
    from_wire,
    to_wire,
)

pytestmark = pytest.mark.anyio

FUTURE = datetime(2030, 1, 1, tzinfo=UTC)


def client_on(
    answer: Callable[[httpx.Request], httpx.Response], sent: list[httpx.Request]
) -> WXMClient:
    """A client with a static token on a mock WXM that records what it is sent."""

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return answer(request)

    return WXMClient(
        auth=WXMBearerAuth("tok"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(handle),
        retries=RetryPolicy.off(),
    )


def json_answer(body: Any) -> Callable[[httpx.Request], httpx.Response]:
    """A handler that answers every request with ``body`` as JSON."""
    return lambda request: httpx.Response(200, json=body)


# --- careless callers: a filter that is not a ResponseFilter -------------------------


def _filtered_calls(client: WXMClient, bad: Any) -> list[Any]:
    """Every call that takes a ResponseFilter, each given ``bad`` instead."""

    async def first(iterator: Any) -> None:
        async for _ in iterator:
            break

    return [
        lambda: client.responses.list(bad),
        lambda: client.responses.page(0, filter=bad),
        lambda: client.responses.count(bad),
        lambda: first(client.responses.iterate(bad)),
        lambda: client.analytics.summary(bad),
        lambda: client.analytics.nps(bad),
        lambda: first(client.delivery.merged_data(["t1"], filter=bad)),
    ]


@pytest.mark.parametrize("bad", ["CustomerSurvey", {"location": ["x"]}, 0, "", FUTURE, ["q"]])
async def test_a_filter_that_is_not_a_response_filter_is_refused_unsent(bad: Any) -> None:
    """A questionnaire name (or dict, date, ...) given as the filter is refused, not sent as the body."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer([]), sent) as client:
        for call in _filtered_calls(client, bad):
            with pytest.raises(ConfigurationError, match="ResponseFilter"):
                await call()
    assert sent == []


# --- careless callers: naive datetimes and wrong kinds in a body ---------------------


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run the test in a local time zone 5 h 30 ahead of UTC, as on a laptop in India."""
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def test_a_naive_note_time_is_utc_whatever_the_local_zone(far_from_utc: None) -> None:
    """A naive ``note_time`` is sent as UTC (as WXM writes and the library reads them), not local time."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer(True), sent) as client:
        await client.responses.add_note("r1", "called back", note_time=datetime(2030, 1, 1, 9))
    assert json.loads(sent[0].content)["noteTime"] == "2030-01-01T09:00:00.000Z"


def test_to_wire_writes_a_naive_date_as_utc(far_from_utc: None) -> None:
    """``to_wire`` writes a naive date as UTC, so that ``from_wire`` reads back the same moment."""
    note = Note(text="x", note_time=datetime(2030, 1, 1, 9))
    assert to_wire(note)["noteTime"] == "2030-01-01T09:00:00.000Z"
    assert from_wire(to_wire(note), Note).note_time == datetime(2030, 1, 1, 9, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["2030-01-01T09:00:00Z", 1700000000, True])
async def test_a_note_time_that_is_not_a_datetime_is_refused_unsent(bad: Any) -> None:
    """``add_note(note_time=...)`` of another kind raises ConfigurationError (it raised AttributeError)."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer(True), sent) as client:
        with pytest.raises(ConfigurationError, match="note_time"):
            await client.responses.add_note("r1", "text", note_time=bad)
    assert sent == []


@pytest.mark.parametrize("bad", ["abc", 5, None, [{"questionId": "q"}]])
async def test_prefills_that_are_not_answers_are_refused_unsent(bad: Any) -> None:
    """A token's prefill that is not Answers raises ConfigurationError (it raised AttributeError/TypeError)."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer({}), sent) as client:
        with pytest.raises(ConfigurationError, match="Answer"):
            await client.survey_tokens.create(questionnaire="q", valid_till=FUTURE, prefill=bad)
        with pytest.raises(ConfigurationError, match="Answer"):
            await client.survey_tokens.bulk_for_dispatch(
                "d1", [bad], uuid_question_id="u", batch_question_id="b"
            )
        with pytest.raises(ConfigurationError, match="Answer"):
            await client.survey_tokens.bulk_for_dispatch(
                "d1", bad, uuid_question_id="u", batch_question_id="b"
            )
    assert sent == []


@pytest.mark.parametrize("bad", [5, None, 1.5])
async def test_update_many_of_something_not_iterable_is_a_configuration_error(bad: Any) -> None:
    """``update_many(5)`` raises ConfigurationError, not a bare TypeError, and sends nothing."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer(True), sent) as client:
        with pytest.raises(ConfigurationError, match="SurveyResponse"):
            await client.responses.update_many(bad)
    assert sent == []


@pytest.mark.parametrize("bad", [b"bytes", datetime(2030, 1, 1).date(), object()])
async def test_a_body_value_json_cannot_hold_is_a_configuration_error(bad: Any) -> None:
    """A value JSON has no form for (bytes, a date) raises ConfigurationError, not TypeError, unsent."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer({}), sent) as client:
        with pytest.raises(ConfigurationError, match="value must be a string"):
            await client.account.set_user_data("k", bad)
        with pytest.raises(ConfigurationError, match="channel must be a string"):
            await client.responses.add("q", [Answer(question_id="a", number=1)], channel=bad)
        with pytest.raises(ConfigurationError, match="not JSON"):
            await client.request("POST", "/api/UserData/k", json={"value": bad})
    assert sent == []


# --- real WXM's numbers: as strings, for every number field ---------------------------


def test_a_decimal_number_sent_as_a_string_is_read_as_whole_numbers_are() -> None:
    """``"24"`` / ``"4.5"`` decode into float fields, as ``"12"`` already did into int fields."""
    plan = from_wire({"id": "p", "schedule": [{"delayByHours": "24"}]}, DeliveryPlan)
    assert plan.steps[0].delay_by_hours == 24.0
    summary = from_wire({"ratingTrend": {"2026-01-01T00:00:00": " 4.5 "}}, QuestionSummary)
    assert list(summary.rating_trend.values()) == [4.5]


@pytest.mark.parametrize("garbage", ["1_000", "\u0663", "12abc", "", "0x10", "1e3"])
def test_a_whole_number_string_that_is_not_ascii_digits_is_refused(garbage: str) -> None:
    """Only ASCII digits (with a sign) read as a whole number: Python's ``int()`` takes ``1_000`` and Arabic digits."""
    with pytest.raises(DecodeError, match="sequence"):
        from_wire({"id": "q", "sequence": garbage}, Question)


@pytest.mark.parametrize("garbage", ["1_0.5", "\u0663.5", "abc", "", "infinity", "nan"])
def test_a_decimal_number_string_that_is_not_a_number_is_refused(garbage: str) -> None:
    """A float field's string must be a plain decimal number (or Json.NET's ``NaN``/``Infinity``)."""
    with pytest.raises(DecodeError, match="delayByHours"):
        from_wire({"id": "p", "schedule": [{"delayByHours": garbage}]}, DeliveryPlan)


# --- hostile pagination --------------------------------------------------------------


def _page_of(ids: list[str], **extra: Any) -> dict[str, Any]:
    return {"responses": [{"id": i} for i in ids], **extra}


async def _all_ids(client: WXMClient, page_size: int = 2) -> list[str]:
    return [response.id async for response in client.responses.iterate(page_size=page_size)]


async def test_a_server_repeating_the_same_full_page_forever_is_refused() -> None:
    """The same full page, without ``currentPage`` or totals, raises PaginationError on the 2nd page."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer(_page_of(["a", "b"])), sent) as client:
        with pytest.raises(PaginationError):
            await _all_ids(client)
    assert len(sent) == 2


async def test_a_page_of_null_ends_the_listing() -> None:
    """``{"responses": null}`` (WXM's empty list) ends the iteration; a bare ``null`` page is a DecodeError."""
    answers = iter([_page_of(["a", "b"]), {"responses": None, "totalCount": None}])
    sent: list[httpx.Request] = []
    async with client_on(lambda r: httpx.Response(200, json=next(answers)), sent) as client:
        assert await _all_ids(client) == ["a", "b"]
    sent.clear()
    null = lambda r: httpx.Response(200, content=b"null")  # noqa: E731
    async with client_on(null, sent) as client:
        with pytest.raises(DecodeError, match="got null"):
            await _all_ids(client)


async def test_a_total_count_that_lies_low_stops_the_listing_where_it_says() -> None:
    """A ``totalCount`` of 1 beside full pages stops after the first page: never more pages than it fills."""
    sent: list[httpx.Request] = []
    fresh = iter(range(10_000))
    answer = lambda r: httpx.Response(  # noqa: E731
        200, json=_page_of([f"r{next(fresh)}", f"r{next(fresh)}"], totalCount=1, totalPages=99)
    )
    async with client_on(answer, sent) as client:
        assert await _all_ids(client) == ["r0", "r1"]
    assert len(sent) == 1


async def test_an_empty_page_in_the_middle_ends_the_listing() -> None:
    """An empty page ends the iteration even if ``totalPages`` says more follow (documented)."""
    pages = iter([_page_of(["a", "b"], totalPages=3), _page_of([], totalPages=3)])
    sent: list[httpx.Request] = []
    async with client_on(lambda r: httpx.Response(200, json=next(pages)), sent) as client:
        assert await _all_ids(client) == ["a", "b"]
    assert len(sent) == 2


async def test_pages_that_overlap_yield_each_response_once() -> None:
    """New responses shifting the pages (page 2 repeats page 1's last) give each id once."""
    pages = iter([_page_of(["a", "b"]), _page_of(["b", "c"]), _page_of(["d"])])
    sent: list[httpx.Request] = []
    async with client_on(lambda r: httpx.Response(200, json=next(pages)), sent) as client:
        assert await _all_ids(client) == ["a", "b", "c", "d"]


# --- careless callers: the client's life ------------------------------------------------


async def test_a_call_after_aclose_is_a_configuration_error_unsent() -> None:
    """A call on a closed client raises ConfigurationError (it was httpx's bare RuntimeError)."""
    sent: list[httpx.Request] = []
    client = client_on(json_answer([]), sent)
    async with client:
        await client.questions.active()
    sent.clear()
    with pytest.raises(ConfigurationError, match="closed"):
        await client.questions.active()
    with pytest.raises(ConfigurationError, match="closed"):
        await client.with_options(timeout=5).questions.active()
    assert sent == []
    await client.aclose()  # a second close is harmless


async def test_async_with_twice_or_after_aclose_is_a_configuration_error() -> None:
    """Entering a client a second time (nested, again, or after aclose) raises ConfigurationError."""
    client = client_on(json_answer([]), [])
    async with client:
        with pytest.raises(ConfigurationError, match="opened once"):
            async with client:
                pass
    with pytest.raises(ConfigurationError, match="opened once"):
        await client.__aenter__()


def test_a_client_used_from_a_second_event_loop_is_refused_unsent() -> None:
    """A client first used under one event loop refuses another (asyncio, then trio) with ConfigurationError."""
    import anyio

    sent: list[httpx.Request] = []
    client = client_on(json_answer([]), sent)
    assert anyio.run(client.questions.active) == []
    sent.clear()
    for backend in ("asyncio", "trio"):
        with pytest.raises(ConfigurationError, match="another event loop"):
            anyio.run(client.questions.active, backend=backend)
    assert sent == []


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda c: c.account.set_user_data("k", 5), "value"),
        (lambda c: c.questions.by_questionnaire(12), "name"),
        (lambda c: c.responses.add(12, [Answer(question_id="a", number=1)]), "questionnaire"),
        (lambda c: c.responses.add("q", [Answer(question_id="a")], channel=True), "channel"),
        (lambda c: c.responses.add("q", [Answer(question_id="a")], duration="9"), "duration"),
        (lambda c: c.responses.add("q", [Answer(question_id="a", number="9")]), "number"),  # type: ignore[arg-type]
        (
            lambda c: c.survey_tokens.create(questionnaire="q", valid_till=FUTURE, valid_uses="3"),
            "valid_uses",
        ),
        (
            lambda c: c.survey_tokens.create(questionnaire="q", valid_till=FUTURE, valid_uses=True),
            "valid_uses",
        ),
        (lambda c: c.survey_tokens.create(questionnaire="q", valid_till=FUTURE, note=7), "note"),
    ],
)
async def test_a_body_field_of_the_wrong_kind_is_refused_unsent(
    call: Callable[[WXMClient], Any], argument: str
) -> None:
    """A number where WXM wants a string (or the reverse) raises ConfigurationError naming it, unsent."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer({"id": "x"}), sent) as client:
        with pytest.raises(ConfigurationError, match=rf"\b{argument} must be"):
            await call(client)
    assert sent == []


# --- real WXM: a bare null for an empty list ---------------------------------------------


async def test_every_listing_reads_a_bare_null_as_empty() -> None:
    """Newtonsoft writes an unset list as ``null``: every method returning a list returns ``[]``."""
    null = lambda r: httpx.Response(200, content=b"null")  # noqa: E731
    async with client_on(null, []) as client:
        for call in (
            client.questions.active,
            client.questions.all,
            client.questions.questionnaires,
            client.responses.list,
            client.survey_tokens.list,
            client.delivery.plans,
            client.delivery.dispatches,
            client.delivery.templates,
            client.account.sub_users,
        ):
            assert await call() == []
        assert await client.questions.by_questionnaire("q") == []
        assert await client.survey_tokens.search(questionnaire="q") == []
        assert await client.delivery.events("t") == []
        assert [r async for r in client.delivery.merged_data(["t"])] == []


# --- a hostile WXM: whatever it answers, a library error or a value -----------------------

HOSTILE_BODIES = [
    b"null",
    b"[]",
    b"{}",
    b'"x"',
    b"12",
    b'"12"',
    b"True",
    b"[null]",
    b"[{}]",
    b'[{"id": null}]',
    b'[{"id": 12, "user": 5}]',
    b'{"id": 12}',
    b"[[[[]]]]",
    b"1" + b"0" * 5000,
    b"1e999",
    b"NaN",
    b"",
    b"\xef\xbb\xbf[]",
    b'"\xff"',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    b'{"responses": [{"id": "a", "responseDateTime": "0001-01-01T00:00:00+14:00"}]}',
    b'{"responses": [{"id": "a", "responseDateTime": "9999-12-31T23:59:59.9999999-14:00"}]}',
    b'{"id": "p", "schedule": [{"delayByHours": "1e999"}], "lastRun": "Mon, 01 Jan 99999 00:00:00 GMT"}',
    b'{"summary": [{"ratingTrend": {"0001-01-01T00:00:00": 1, "x": 2}}], "netPromoter": []}',
]


def _every_method(client: WXMClient) -> list[Callable[[], Any]]:
    """Every public method of every namespace, with arguments that are all right."""

    async def drain(iterator: Any) -> None:
        async for _ in iterator:
            pass

    a = [Answer(question_id="a", number=1)]
    t, r, d, s = client.survey_tokens, client.responses, client.delivery, client.account
    return [
        client.questions.active, client.questions.all, client.questions.questionnaires,
        lambda: client.questions.by_questionnaire("q"),
        r.list, lambda: r.page(0), r.count, lambda: r.get("r1"), lambda: r.add_note("r1", "x"),
        lambda: r.add("q", a), lambda: drain(r.iterate()),
        lambda: r.update_many([SurveyResponse(id="r1")]),
        lambda: t.create(questionnaire="q", valid_till=FUTURE), t.list, lambda: t.get("t"),
        lambda: t.delete("t"), lambda: t.delete_many(["t"]), lambda: t.search(questionnaire="q"),
        lambda: t.page(0), lambda: t.qr("t"),
        lambda: t.bulk_for_dispatch("d", [a], uuid_question_id="u", batch_question_id="b"),
        d.plans, lambda: d.plan("p"), d.dispatches, lambda: d.dispatch("p"), d.templates,
        lambda: d.events("t"), lambda: drain(d.merged_data(["t"])),
        lambda: d.request_invitation(questionnaire="q", valid_till=FUTURE, email="a@b.c"),
        client.analytics.summary, client.analytics.nps,
        s.settings, s.profile, s.sub_users, s.sub_users_page, lambda: drain(s.iterate_sub_users()),
        s.api_key, s.generate_api_key, lambda: s.user_data("k"), lambda: s.set_user_data("k", "v"),
        s.logout, lambda: client.surveys.get("t"), lambda: client.surveys.submit("t", a),
        lambda: client.surveys.save_partial("p", a),
    ]  # fmt: skip


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=lambda b: repr(b[:24]))
async def test_every_method_meets_a_hostile_answer_with_a_library_error(body: bytes) -> None:
    """Whatever a 200 carries, every method returns or raises a WXMError, never TypeError/KeyError/RecursionError."""
    answer = lambda r: httpx.Response(  # noqa: E731
        200, content=body, headers={"content-type": "application/json"}
    )
    async with client_on(answer, []) as client:
        for call in _every_method(client):
            with contextlib.suppress(WXMError):
                await call()


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/a\ud800", None),
        ("/api/x", {"a": "b\ud800"}),
        ("/api/x", {"a\ud800": "b"}),
        (b"/api/x", None),
        (None, None),
    ],
)
async def test_a_raw_call_with_a_path_or_query_that_is_not_text_is_refused_unsent(
    path: Any, params: Any
) -> None:
    """``client.request`` with bytes, None or lone surrogates raises ConfigurationError, not TypeError/UnicodeEncodeError."""
    sent: list[httpx.Request] = []
    async with client_on(json_answer(1), sent) as client:
        with pytest.raises(ConfigurationError, match=r"path|query"):
            await client.request("GET", path, params=params)
        with pytest.raises(ConfigurationError, match=r"path|query"):
            await client.request_raw("GET", path, params=params)
    assert sent == []
