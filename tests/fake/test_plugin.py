"""The pytest plugin: fixtures users get by installing wxm_async, no conftest needed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import httpx
import pytest

from wxm_async import ServerError, WXMAuth, WXMClient
from wxm_async.testing import FakeWXM

pytest_plugins = ["pytester"]


@pytest.mark.anyio
async def test_the_fixtures_reach_the_fake(
    wxm_http: httpx.AsyncClient, wxm_fake: FakeWXM, wxm_auth: WXMAuth
) -> None:
    """wxm_http logs in to wxm_fake (with its API key) and gets its data."""
    response = await wxm_http.get("/api/Questions/Active")
    assert response.status_code == 200
    assert [q["id"] for q in response.json()] == ["q1", "q2", "q3", "q4", "q5"]
    assert wxm_fake.logins == 1
    assert wxm_auth.username == wxm_fake.username == "demo"


@pytest.mark.anyio
async def test_wxm_client_reaches_the_fake_and_retries_without_waiting(
    wxm_client: WXMClient, wxm_fake: FakeWXM
) -> None:
    """wxm_client is a WXMClient on wxm_fake whose retries happen at once."""
    wxm_fake.fail_next(2, route="POST /api/answers/count", status=503)
    assert await wxm_client.responses.count() == 114  # 120, less the 6 archived
    assert wxm_fake.requests["POST /api/answers/count"] == 3
    wxm_fake.fail_next(4, route="POST /api/answers/count", status=503)
    with pytest.raises(ServerError):
        await wxm_client.responses.count()


def test_a_users_test_file_runs_with_the_plugin(pytester: pytest.Pytester) -> None:
    """A test file that only uses the plugin's fixtures passes, on asyncio and trio."""
    pytester.makepyfile(
        textwrap.dedent(
            """
            import pytest

            pytestmark = pytest.mark.anyio


            @pytest.fixture(params=["asyncio", "trio"])
            def anyio_backend(request):
                return request.param


            async def test_count(wxm_http, wxm_fake):
                wxm_fake.fail_next(status=503)
                assert (await wxm_http.post("/api/answers/count")).status_code == 503
                assert (await wxm_http.post("/api/answers/count")).json() == 114
            """
        )
    )
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)


def test_the_plugin_imports_without_uvicorn() -> None:
    """Loading the plugin never imports uvicorn: it works without the testing extra."""
    code = (
        "import sys; sys.modules['uvicorn'] = None\n"
        "import wxm_async.testing._plugin\n"
        "assert sys.modules['uvicorn'] is None"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
