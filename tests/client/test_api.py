"""Every namespace method against the default fake WXM, in process and over loopback.

The default fake answers as WXM does (``null`` lists and strings, unknown fields, naive,
seven-digit and MinValue dates, a bare ``null`` for no responses): each method must
take those answers as they come.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wxm_async import (
    Answer,
    BadRequestError,
    NotFoundError,
    QuestionFilter,
    ResponseFilter,
    WXMClient,
)

from ..conftest import USERNAME

pytestmark = pytest.mark.anyio

SEEDED = 120  # the fake's default number of responses
LIVE = 114  # of which not archived: what WXM's filters keep unless told otherwise
IN_A_WEEK = datetime.now(UTC) + timedelta(days=7)


# -- questions ------------------------------------------------------------------------


async def test_active_questions_leave_retired_ones_out(client: WXMClient) -> None:
    """questions.active() returns typed questions, none retired; all() includes them."""
    active = await client.questions.active()
    everything = await client.questions.all()
    assert active
    assert all(not q.is_retired for q in active)
    assert {q.id for q in everything} - {q.id for q in active} == {
        q.id for q in everything if q.is_retired
    }
    nps = next(q for q in active if "NPS" in q.tags)
    assert (nps.display_type, nps.is_required) == ("Scale", True)


async def test_questions_by_questionnaire(client: WXMClient) -> None:
    """by_questionnaire() returns the questions shown by that questionnaire only."""
    questionnaires = await client.questions.questionnaires()
    assert len(questionnaires) >= 2
    for questionnaire in questionnaires:
        questions = await client.questions.by_questionnaire(questionnaire.name)
        assert questions
        assert all(questionnaire.name in q.questionnaires for q in questions)
    assert await client.questions.by_questionnaire("No such questionnaire") == []


# -- responses ------------------------------------------------------------------------


async def test_count_list_and_filters_agree(client: WXMClient) -> None:
    """count() and list() agree, with and without a filter, and the filter applies."""
    assert await client.responses.count() == LIVE
    assert len(await client.responses.list()) == LIVE
    email = ResponseFilter(channel="email")
    by_email = await client.responses.list(email)
    assert 0 < len(by_email) < LIVE
    assert all(r.channel == "email" for r in by_email)
    assert await client.responses.count(email) == len(by_email)


async def test_no_match_is_an_empty_list(client: WXMClient) -> None:
    """WXM answers null when nothing matches: list() gives [], count() 0, iterate() nothing."""
    nothing = ResponseFilter(questionnaires=["No such questionnaire"])
    assert await client.responses.list(nothing) == []
    assert await client.responses.count(nothing) == 0
    assert [r async for r in client.responses.iterate(nothing)] == []


async def test_archived_responses_come_only_when_asked_for(client: WXMClient) -> None:
    """Unset archived keeps live responses only, as WXM does; archived=True only the others."""
    live = await client.responses.list()
    archived = await client.responses.list(ResponseFilter(archived=True))
    assert not any(r.archived for r in live)
    assert len(archived) == SEEDED - LIVE
    assert all(r.archived for r in archived)


async def test_filters_on_dates_and_answers(client: WXMClient) -> None:
    """after/before bound the dates; a question filter keeps matching answers only."""
    everything = await client.responses.list()
    middle = everything[SEEDED // 2].response_date_time
    assert middle is not None
    later = await client.responses.list(ResponseFilter(after=middle))
    assert later
    assert all(r.response_date_time and r.response_date_time >= middle for r in later)
    earlier = await client.responses.count(ResponseFilter(before=middle))
    assert earlier + len(later) == LIVE
    promoters = await client.responses.list(
        ResponseFilter(questions=[QuestionFilter.greater_than("q1", 8)])
    )
    assert promoters
    for response in promoters:
        nps = [a.number for a in response.answers if a.question_id == "q1"]
        assert nps
        assert nps[0] is not None
        assert nps[0] > 8


async def test_pages_and_iteration(client: WXMClient) -> None:
    """page() reports totals; iterate() yields every response exactly once."""
    first = await client.responses.page(0, rows=50)
    assert (first.page, len(first.responses), first.total_count, first.total_pages) == (
        0,
        50,
        LIVE,
        3,
    )
    ids = [r.id async for r in client.responses.iterate(page_size=50)]
    assert len(ids) == len(set(ids)) == LIVE
    assert ids == [r.id for r in await client.responses.list()]


async def test_a_page_size_wxm_refuses_is_a_bad_request(client: WXMClient) -> None:
    """A page larger than the server allows comes back as BadRequestError."""
    with pytest.raises(BadRequestError, match="400"):
        await client.responses.page(0, rows=100_000)


async def test_get_one_and_add_a_note(client: WXMClient) -> None:
    """get() returns one response; add_note() adds a note that get() then shows."""
    some = (await client.responses.page(0, rows=1)).responses[0]
    assert await client.responses.get(some.id) == some
    await client.responses.add_note(some.id, "Called the customer back")
    noted = await client.responses.get(some.id)
    assert [n.text for n in noted.notes][-1] == "Called the customer back"
    assert noted.notes[-1].user == USERNAME


async def test_unknown_responses_are_not_found(client: WXMClient) -> None:
    """get() and add_note() of an unknown id raise NotFoundError."""
    with pytest.raises(NotFoundError):
        await client.responses.get("no-such-response")
    with pytest.raises(NotFoundError):
        await client.responses.add_note("no-such-response", "hello")


# -- survey tokens --------------------------------------------------------------------


async def test_survey_token_life_cycle(client: WXMClient) -> None:
    """create(), get(), list() and delete() a survey token."""
    token = await client.survey_tokens.create(
        questionnaire="CustomerSurvey",
        valid_till=IN_A_WEEK,
        valid_uses=3,
        prefill=[Answer(question_id="q3", text="ann@example.com")],
        note="campaign-7",
    )
    assert token.id
    assert (token.questionnaire, token.valid_uses, token.note) == (
        "CustomerSurvey",
        3,
        "campaign-7",
    )
    assert token.prefill[0].text == "ann@example.com"
    assert await client.survey_tokens.get(token.id) == token
    assert token.id in {t.id for t in await client.survey_tokens.list()}
    await client.survey_tokens.delete(token.id)
    with pytest.raises(NotFoundError):
        await client.survey_tokens.get(token.id)
    with pytest.raises(NotFoundError):
        await client.survey_tokens.delete(token.id)


async def test_bulk_tokens_for_a_dispatch(client: WXMClient) -> None:
    """bulk_for_dispatch() makes one token per prefill row; an unknown dispatch is refused."""
    dispatch = (await client.delivery.dispatches())[0]
    rows = [[Answer(question_id="q3", text=f"c{n}@example.com")] for n in range(3)]
    made = await client.survey_tokens.bulk_for_dispatch(
        dispatch.id, rows, uuid_question_id="q3", batch_question_id="q2"
    )
    assert len(made) == 3
    assert sorted(prefill[0].text or "" for prefill in made.values()) == [
        "c0@example.com",
        "c1@example.com",
        "c2@example.com",
    ]
    with pytest.raises(BadRequestError):
        await client.survey_tokens.bulk_for_dispatch(
            "no-such-dispatch", rows, uuid_question_id="q3", batch_question_id="q2"
        )


# -- delivery -------------------------------------------------------------------------


async def test_delivery_plans_dispatches_and_templates(client: WXMClient) -> None:
    """Plans, dispatches and templates list, and each plan and dispatch reads by id."""
    plans = await client.delivery.plans()
    assert plans
    assert plans[0].steps
    assert await client.delivery.plan(plans[0].id) == plans[0]
    dispatches = await client.delivery.dispatches()
    assert await client.delivery.dispatch(dispatches[0].id) == dispatches[0]
    assert dispatches[0].delivery_plan_id in {p.id for p in plans}
    templates = await client.delivery.templates()
    assert {s.template_id for p in plans for s in p.steps} <= {t.id for t in templates}
    with pytest.raises(NotFoundError):
        await client.delivery.plan("no-such-plan")
    with pytest.raises(NotFoundError):
        await client.delivery.dispatch("no-such-dispatch")


async def test_delivery_events_of_a_recipient(client: WXMClient) -> None:
    """events() returns what happened to one recipient's invitations, in order."""
    [target] = await client.delivery.events("customer1@example.com")
    assert target.target == "customer1@example.com"
    assert target.events
    assert target.events[0].action == "Sent"
    stamps = [e.timestamp for e in target.events]
    assert stamps == sorted(stamps)  # type: ignore[type-var]
    assert await client.delivery.events("nobody@example.com") == []


# -- account --------------------------------------------------------------------------


async def test_settings_profile_and_sub_users(client: WXMClient) -> None:
    """settings(), profile(), sub_users() and a searched page of them."""
    settings = await client.account.settings()
    assert {q.name for q in settings.locations} == {
        q.name for q in await client.questions.questionnaires()
    }
    assert (await client.account.profile()).user == USERNAME
    users = await client.account.sub_users()
    assert len(users) == 30
    page = await client.account.sub_users_page()
    assert (page.page, len(page.users), page.total_count, page.total_pages) == (1, 25, 30, 2)
    wanted = users[0].email or ""
    found = await client.account.sub_users_page(1, wanted)
    assert [u.id for u in found.users] == [users[0].id]
    assert [u async for u in client.account.iterate_sub_users()] == users


async def test_api_key_and_user_data(client: WXMClient) -> None:
    """api_key() reads the key, generate_api_key() replaces it; user data round-trips."""
    key = await client.account.api_key()
    assert key
    assert key == await client.account.api_key()
    new = await client.account.generate_api_key()
    assert new != key
    assert await client.account.api_key() == new
    assert await client.account.user_data("theme") is None
    await client.account.set_user_data("theme", "dark")
    assert await client.account.user_data("theme") == "dark"


# -- analytics ------------------------------------------------------------------------


async def test_nps_and_summary(client: WXMClient) -> None:
    """nps() counts promoters, passives and detractors; summary() counts every answer."""
    report = await client.analytics.nps()
    assert report.nps is not None
    nps = report.nps
    assert nps.promoters + nps.passives + nps.detractors == report.total_responses == LIVE
    assert nps.score == round(100 * (nps.promoters - nps.detractors) / LIVE)
    assert nps.default_index is False
    summary = await client.analytics.summary(ResponseFilter(channel="email"))
    assert summary.response_count == await client.responses.count(ResponseFilter(channel="email"))
    by_id = {s.question.id: s for s in summary.questions if s.question is not None}
    assert sum(by_id["q1"].counts.values()) == summary.response_count
    assert by_id["q1"].rating_trend
    assert all(day.utcoffset() is not None for day in by_id["q1"].rating_trend)
    assert isinstance(summary.weighted_score, int)
