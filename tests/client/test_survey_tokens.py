"""client.survey_tokens beyond create: update, search, pages, deletes, bulk import, QR codes.

Hostile inputs first (a careless caller, a broken or hostile server), then the fake.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
import httpx
import pytest

from wxm_async import (
    Answer,
    BadRequestError,
    ConfigurationError,
    DecodeError,
    NotFoundError,
    ResponseTooLargeError,
    RetryPolicy,
    SurveyToken,
    SurveyTokenPage,
    WXMAuth,
    WXMBearerAuth,
    WXMClient,
    WXMError,
)
from wxm_async.testing import FakeWXM

from ..conftest import IN_PROCESS_URL, PASSWORD, USERNAME

pytestmark = pytest.mark.anyio

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
Handler = Callable[[httpx.Request], httpx.Response]


def mock_client(
    handle: Handler, seen: list[httpx.Request] | None = None, **options: Any
) -> WXMClient:
    """A client whose every request ``handle`` answers, kept in ``seen``."""

    def record(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return handle(request)

    return WXMClient(
        auth=WXMBearerAuth("t0ken"),
        base_url="https://wxm.test",
        transport=httpx.MockTransport(record),
        retries=RetryPolicy.off(),
        **options,
    )


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"nothing should be sent, but {request.url} was")


@pytest.mark.parametrize("ids", [None, 42, "DM-1", b"DM-1", ["DM-1", ".."], ["DM-1", 7]])
async def test_delete_many_refuses_careless_ids_before_sending(ids: Any) -> None:
    """None, a number, one string or bytes, or a bad id among them: ConfigurationError, no call."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError):
            await client.survey_tokens.delete_many(ids)


# -- qr -------------------------------------------------------------------------------


async def test_qr_refuses_an_answer_that_is_not_a_png() -> None:
    """An HTML page or JSON where the PNG should be is a DecodeError, not bytes."""
    async with mock_client(lambda r: httpx.Response(200, text="<html>login</html>")) as client:
        with pytest.raises(DecodeError, match="not a PNG"):
            await client.survey_tokens.qr("DM-1")


async def test_qr_refuses_a_huge_answer_at_one_mebibyte() -> None:
    """A PNG of 2 MiB (WXM's are ~1 KB) stops at MAX_QR_BYTES, whatever max_answer_bytes."""
    huge = PNG + b"\x00" * (2 * 1024 * 1024)
    async with mock_client(lambda r: httpx.Response(200, content=huge)) as client:
        with pytest.raises(ResponseTooLargeError) as caught:
            await client.survey_tokens.qr("DM-1")
    assert caught.value.limit == 1024 * 1024


@pytest.mark.parametrize("bad", ["", "..", "a/b" * 600, "x\n", 42])
async def test_qr_refuses_a_bad_id_before_sending(bad: object) -> None:
    """An id that is empty, dots, too long, has a control character or is no string."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError):
            await client.survey_tokens.qr(bad)  # type: ignore[arg-type]


async def test_qr_quotes_the_id_as_one_segment() -> None:
    """An id with a slash stays one path segment."""
    seen: list[httpx.Request] = []
    async with mock_client(lambda r: httpx.Response(200, content=PNG), seen) as client:
        assert await client.survey_tokens.qr("a/b.c") == PNG
    assert seen[0].url.raw_path == b"/api/SurveyByToken/QR/a%2Fb.c"


# -- import_csv -------------------------------------------------------------------------


@pytest.mark.parametrize("csv_data", [b"", b" \r\n", "q3\nann\n", None])
async def test_import_refuses_an_empty_or_textual_csv_before_sending(csv_data: object) -> None:
    """An empty file, a str instead of bytes, or None is a ConfigurationError."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError, match="csv"):
            await client.survey_tokens.import_csv(csv_data, questionnaire="Q")  # type: ignore[arg-type]


async def test_import_refuses_a_csv_over_the_upload_limit_before_sending() -> None:
    """A file over MAX_CSV_BYTES is refused with a message saying to split it."""
    big = b"q3\n" + b"a" * (32 * 1024 * 1024)
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError, match="split"):
            await client.survey_tokens.import_csv(big, questionnaire="Q")


@pytest.mark.parametrize(("days", "uses"), [(0, 1), (1, 0), (-3, 1), (True, 1), ("7", 1)])
async def test_import_refuses_bad_numbers_before_sending(days: object, uses: object) -> None:
    """Days and uses are whole numbers of at least 1 (a bool or string is not one)."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError):
            await client.survey_tokens.import_csv(
                b"q3\na\n",
                questionnaire="Q",
                valid_days=days,  # type: ignore[arg-type]
                valid_uses=uses,  # type: ignore[arg-type]
            )


@pytest.mark.parametrize(
    "answer",
    [
        None,
        {"file": "download/x"},
        "",
        "download/",
        "download/..",
        "../../api/account/logout",
        "https://evil.example/download/x",
        "//evil.example/download/x",
        "download/x/../../account/logout",
        "download/x?y=1",
        "download\\x",
    ],
)
async def test_import_refuses_an_answer_that_is_not_a_download_path(answer: object) -> None:
    """Null, an object or a path elsewhere is a DecodeError, and nothing more is fetched."""
    seen: list[httpx.Request] = []
    body = json.dumps(answer).encode()
    async with mock_client(lambda r: httpx.Response(200, content=body), seen) as client:
        with pytest.raises(DecodeError, match="download"):
            await client.survey_tokens.import_csv(b"q3\na\n", questionnaire="Q")
    assert len(seen) == 1


async def test_import_caps_the_downloaded_file_at_max_answer_bytes() -> None:
    """A filled-in file larger than the client's max_answer_bytes is refused, not held."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json="download/ab")
        return httpx.Response(200, content=b"x" * 10_000)

    async with mock_client(handle, max_answer_bytes=4096) as client:
        with pytest.raises(ResponseTooLargeError):
            await client.survey_tokens.import_csv(b"q3\na\n", questionnaire="Q")


async def test_import_refuses_a_non_json_answer() -> None:
    """An upload answered with HTML is a DecodeError."""
    async with mock_client(lambda r: httpx.Response(200, text="<html/>")) as client:
        with pytest.raises(DecodeError):
            await client.survey_tokens.import_csv(b"q3\na\n", questionnaire="Q")


async def test_import_sends_the_file_as_wxm_s_dashboard_does() -> None:
    """Multipart part ``files``, path /Import/{days}/{uses}/{location}/{plan}, then Download."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json="/api/download/ab12")
        return httpx.Response(200, content=b"Token,q3\r\nDM-1,a\r\n")

    async with mock_client(handle, seen) as client:
        filled = await client.survey_tokens.import_csv(
            b"q3\na\n", questionnaire="Store 7", valid_days=7, valid_uses=2, delivery_plan_id="p1"
        )
    assert filled == b"Token,q3\r\nDM-1,a\r\n"
    post, get = seen
    assert post.url.raw_path == b"/api/SurveyByToken/Import/7/2/Store%207/p1"
    assert post.headers["content-type"].startswith("multipart/form-data")
    assert b'name="files"' in post.content
    assert b"q3\na\n" in post.content
    assert get.url.raw_path == b"/api/Download/ab12"
    assert get.headers["authorization"] == "Bearer t0ken"


async def test_import_maps_a_refusal_to_its_status_error() -> None:
    """A 400 from the upload is BadRequestError with WXM's message."""
    answer = httpx.Response(400, json={"message": "bad file"})
    async with mock_client(lambda r: answer) as client:
        with pytest.raises(BadRequestError, match="bad file"):
            await client.survey_tokens.import_csv(b"q3\na\n", questionnaire="Q")


# -- search, page, update, delete_many ---------------------------------------------------


async def test_search_needs_a_questionnaire_or_a_note() -> None:
    """search() with neither would list nothing WXM documents: a ConfigurationError."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError):
            await client.survey_tokens.search()


async def test_search_and_page_read_null_lists_as_empty() -> None:
    """A search answered ``null`` and a page with ``tokens: null`` are empty, not errors."""

    def handle(request: httpx.Request) -> httpx.Response:
        if "/page/" in request.url.path:
            return httpx.Response(200, json={"currentPage": 0, "tokens": None, "totalCount": None})
        return httpx.Response(200, content=b"null")

    async with mock_client(handle) as client:
        assert await client.survey_tokens.search(note="n") == []
        assert await client.survey_tokens.page() == SurveyTokenPage(page=0)


@pytest.mark.parametrize("page", [-1, True, "1", 1.5])
async def test_page_refuses_a_bad_page_number(page: object) -> None:
    """A page below 0, a bool, a string or a float never reaches the path."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError):
            await client.survey_tokens.page(page)  # type: ignore[arg-type]


@pytest.mark.parametrize("till", [datetime(2030, 1, 1), "2030-01-01T00:00:00Z", None])
async def test_create_refuses_a_naive_date_or_no_date_as_a_configuration_error(till: Any) -> None:
    """Creating a token with a naive valid_till, a string or None: ConfigurationError, no call."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError, match="valid_till"):
            await client.survey_tokens.create(questionnaire="CustomerSurvey", valid_till=till)


async def test_update_refuses_a_naive_date_or_a_non_token() -> None:
    """A naive valid_till (local or UTC?) or a dict instead of a SurveyToken is refused."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError, match="timezone"):
            await client.survey_tokens.update(
                SurveyToken(id="DM-1", valid_till=datetime(2030, 1, 1))
            )
        with pytest.raises(ConfigurationError, match="SurveyToken"):
            await client.survey_tokens.update({"id": "DM-1"})  # type: ignore[arg-type]


@pytest.mark.parametrize("answer", [b"null", b"true", b'"DM-1"', b"{}", b"<html/>"])
async def test_update_refuses_an_answer_that_is_not_a_token(answer: bytes) -> None:
    """Null, a bool, a string, an object without id or HTML is a DecodeError, not a token."""
    async with mock_client(lambda r: httpx.Response(200, content=answer)) as client:
        with pytest.raises(DecodeError):
            await client.survey_tokens.update(SurveyToken(id="DM-1", valid_uses=2))


@pytest.mark.parametrize("ids", ["DM-1", b"DM-1", ["DM-1", ""], ["DM-1", None], ["x" * 1001]])
async def test_delete_many_refuses_bad_ids_before_sending(ids: object) -> None:
    """One string (not a list of them), an empty id, a non-string, an overlong id."""
    async with mock_client(never) as client:
        with pytest.raises(ConfigurationError):
            await client.survey_tokens.delete_many(ids)  # type: ignore[arg-type]


async def test_delete_many_of_nothing_sends_nothing() -> None:
    """An empty list of ids is done without a call."""
    async with mock_client(never) as client:
        await client.survey_tokens.delete_many([])


@pytest.mark.parametrize("answer", [False, None, "yes"])
async def test_delete_many_refuses_an_answer_other_than_true(answer: object) -> None:
    """WXM's ``false`` is a WXMError; null or a string is not a confirmation either."""
    body = json.dumps(answer).encode()
    async with mock_client(lambda r: httpx.Response(200, content=body)) as client:
        with pytest.raises(WXMError):
            await client.survey_tokens.delete_many(["DM-1"])


async def test_delete_many_posts_the_ids_as_a_json_list() -> None:
    """The body is the bare list of ids, as the vendor's client sends it."""
    seen: list[httpx.Request] = []
    async with mock_client(lambda r: httpx.Response(200, json=True), seen) as client:
        await client.survey_tokens.delete_many(iter(["DM-1", "DM-2"]))
    assert seen[0].url.path == "/api/surveytoken/delete/"
    assert json.loads(seen[0].content) == ["DM-1", "DM-2"]


# -- against the fake -------------------------------------------------------------------


async def new_token(client: WXMClient, note: str | None = None) -> SurveyToken:
    return await client.survey_tokens.create(
        questionnaire="CustomerSurvey",
        valid_till=datetime.now(UTC) + timedelta(days=1),
        prefill=[Answer(question_id="q3", text="ann@example.com")],
        note=note,
    )


async def test_update_search_page_and_delete_many_on_the_fake(client: WXMClient) -> None:
    """The fake keeps an update, finds by questionnaire and note, pages, deletes many."""
    first = await new_token(client, note="spring")
    second = await new_token(client)
    till = datetime(2031, 1, 1, tzinfo=UTC)
    updated = await client.survey_tokens.update(attrs.evolve(first, valid_till=till, valid_uses=5))
    assert (updated.valid_till, updated.valid_uses, updated.note) == (till, 5, "spring")
    assert await client.survey_tokens.get(first.id) == updated
    assert [t.id for t in await client.survey_tokens.search(note="spring")] == [first.id]
    assert len(await client.survey_tokens.search(questionnaire="customersurvey")) == 2
    assert await client.survey_tokens.search(questionnaire="CustomerSurvey", note="none") == []
    page = await client.survey_tokens.page(0)
    assert (page.page, page.total_count, page.total_pages) == (0, 2, 1)
    assert {t.id for t in page.tokens} == {first.id, second.id}
    await client.survey_tokens.delete_many([first.id, second.id])
    assert await client.survey_tokens.list() == []


async def test_update_of_an_unknown_token_is_not_found(client: WXMClient) -> None:
    """The fake answers 404 for a token it does not know."""
    with pytest.raises(NotFoundError):
        await client.survey_tokens.update(SurveyToken(id="DM-404"))


async def test_qr_on_the_fake_is_a_200_pixel_png(client: WXMClient) -> None:
    """The fake's QR route (before the survey routes) answers a 200 x 200 PNG."""
    token = await new_token(client)
    png = await client.survey_tokens.qr(token.id)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png[16:24] == (200).to_bytes(4, "big") * 2  # IHDR's width and height
    with pytest.raises(NotFoundError):
        await client.survey_tokens.qr("DM-404")


async def test_import_csv_on_the_fake_makes_one_token_per_row(client: WXMClient) -> None:
    """Each row becomes a token with its prefill; the file comes back with a Token column."""
    filled = await client.survey_tokens.import_csv(
        b"q3\r\nann@example.com\r\n\r\nbob@example.com\r\n",
        questionnaire="CustomerSurvey",
        valid_days=7,
    )
    rows = list(csv.reader(io.StringIO(filled.decode())))
    assert rows[0] == ["Token", "q3"]
    assert [row[1] for row in rows[1:]] == ["ann@example.com", "bob@example.com"]
    for token_id, email in rows[1:]:
        token = await client.survey_tokens.get(token_id)
        assert token.prefill[0].text == email
        assert token.valid_uses == 1


async def test_import_csv_on_the_fake_refuses_a_file_without_rows(client: WXMClient) -> None:
    """A header alone, or unknown question ids, is WXM's 400."""
    with pytest.raises(BadRequestError):
        await client.survey_tokens.import_csv(b"q3\n", questionnaire="CustomerSurvey")
    with pytest.raises(BadRequestError):
        await client.survey_tokens.import_csv(b"nope\nx\n", questionnaire="CustomerSurvey")


async def test_the_fake_answers_a_search_that_finds_nothing_with_null(fake: FakeWXM) -> None:
    """As .NET serialises an unset list; FakeWXM(tidy=True) answers []."""
    for tidy, expected in ((False, None), (True, [])):
        transport = FakeWXM(tidy=tidy).transport()
        async with httpx.AsyncClient(transport=transport, base_url="https://wxm.test") as http:
            login = await http.post(
                "/api/LoginToken",
                data={"grant_type": "password", "username": "demo", "password": "demo-password"},
            )
            headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
            found = await http.get("/api/surveytoken/all/none", headers=headers)
        assert found.json() == expected


async def test_an_upload_whose_token_died_is_replayed_after_a_new_login(fake: FakeWXM) -> None:
    """The multipart body is read into bytes first, so the auth can replay it after a 401.

    Through the fake's ASGI transport, which streams the body (a MockTransport reads
    every request first, which would hide a one-shot stream).
    """
    auth = WXMAuth(USERNAME, PASSWORD)
    async with WXMClient(auth=auth, base_url=IN_PROCESS_URL, transport=fake.transport()) as client:
        await client.account.profile()
        token = auth.store.current()
        assert token is not None
        async with httpx.AsyncClient(transport=fake.transport(), base_url=IN_PROCESS_URL) as http:
            revoked = await http.get(
                "/api/account/logout", headers={"Authorization": token.authorization}
            )
        assert revoked.status_code == 200
        filled = await client.survey_tokens.import_csv(
            b"q3\nann@example.com\n", questionnaire="CustomerSurvey"
        )
    assert filled.startswith(b"Token,q3")
    assert fake.logins == 2
