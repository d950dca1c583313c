"""The synchronous-callers how-to runs as written, from plain threads, on both backends.

Its ``wxm_sync.py`` is written to a file and imported as a reader's project would; its
other blocks run in order against the fake WXM on loopback, found through WXM_*
variables as ``WXMClient.from_env()`` reads them.
"""

from __future__ import annotations

import ast
import importlib
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest

from wxm_async import AuthenticationError, ConfigurationError, WXMClient
from wxm_async.testing import FakeWXM

from ..cli.test_cli import served
from ..conftest import PASSWORD, USERNAME
from .test_docs_examples import ANY_BLOCK, DOCS

PAGE = DOCS / "how-to" / "sync.md"
BACKENDS = ["asyncio", "trio"]


def page_blocks() -> tuple[str, list[str]]:
    """The page's ``wxm_sync.py``, and its other Python blocks in order."""
    module = ""
    others = []
    for title, code in ANY_BLOCK.findall(PAGE.read_text(encoding="utf-8")):
        if title == "wxm_sync.py":
            module = code
        else:
            assert not title, title
            others.append(code)
    assert module
    return module, others


@pytest.fixture
def fake() -> FakeWXM:
    return FakeWXM()


@pytest.fixture
def wxm_sync(
    fake: FakeWXM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[types.ModuleType]:
    """The page's module, importable as ``wxm_sync``, with WXM_* naming the served fake."""
    source, _ = page_blocks()
    tmp_path.joinpath("wxm_sync.py").write_text(source, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "wxm_sync", raising=False)
    with served(fake) as url:
        monkeypatch.setenv("WXM_BASE_URL", url)
        monkeypatch.setenv("WXM_USERNAME", USERNAME)
        monkeypatch.setenv("WXM_PASSWORD", PASSWORD)
        module = importlib.import_module("wxm_sync")
        try:
            yield module
        finally:
            module.close_wxm()


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_sync_how_to_runs_in_order(
    backend: str,
    wxm_sync: types.ModuleType,
    fake: FakeWXM,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each block of the page runs from synchronous code: one login for all of them."""
    # What wxm() makes, on this backend.
    monkeypatch.setattr(wxm_sync, "_wxm", wxm_sync.SyncWXM(backend=backend))
    django_http = types.ModuleType("django.http")
    django_http.JsonResponse = dict  # type: ignore[attr-defined]  # enough to read the view
    monkeypatch.setitem(sys.modules, "django", types.ModuleType("django"))
    monkeypatch.setitem(sys.modules, "django.http", django_http)
    _, blocks = page_blocks()
    notebook = [code for code in blocks if "await client" in code and "def " not in code]
    assert len(blocks) == 4
    assert len(notebook) == 1
    for code in blocks:
        if code in notebook:
            continue
        namespace: dict[str, Any] = {}
        exec(compile(code, "sync.md", "exec"), namespace)
        if "active_questions" in namespace:  # the Django view, called as Django would
            answer = namespace["active_questions"](object())
            assert len(answer["questions"]) == 5
    printed = capsys.readouterr().out
    assert "5 questions; 114 responses; I am demo" in printed
    assert "archived;" in printed
    assert fake.logins == 1


def test_the_notebook_cell_runs_with_top_level_await(
    fake: FakeWXM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The notebook block, compiled as IPython does (top-level await), runs in a loop."""
    [code] = [c for c in page_blocks()[1] if "await client" in c and "def " not in c]
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    compiled = compile(code + "await client.aclose()\n", "sync.md (notebook)", "exec", flags=flags)

    async def cell() -> dict[str, Any]:
        namespace: dict[str, Any] = {}
        await eval(compiled, namespace)
        return namespace

    with served(fake) as url:
        monkeypatch.setenv("WXM_BASE_URL", url)
        monkeypatch.setenv("WXM_USERNAME", USERNAME)
        monkeypatch.setenv("WXM_PASSWORD", PASSWORD)
        namespace = anyio.run(cell)
    assert len(namespace["questions"]) == 5


@pytest.mark.parametrize("backend", BACKENDS)
def test_threads_share_one_portal_one_client_and_one_login(
    backend: str, wxm_sync: types.ModuleType, fake: FakeWXM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twenty threads calling at once through wxm(): one login between them."""
    monkeypatch.setattr(wxm_sync, "_wxm", wxm_sync.SyncWXM(backend=backend))
    start = threading.Barrier(20)
    answers: list[int] = []
    failures: list[BaseException] = []

    def worker() -> None:
        start.wait()
        try:
            w = wxm_sync.wxm()
            answers.append(len(w.call(w.client.questions.active)))
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    assert answers == [5] * 20
    assert fake.logins == 1


def test_errors_come_back_in_the_calling_thread(
    wxm_sync: types.ModuleType, fake: FakeWXM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A wrong password raises AuthenticationError from w.call(), as await would."""
    monkeypatch.setenv("WXM_PASSWORD", "wrong")
    w = wxm_sync.wxm()
    with pytest.raises(AuthenticationError):
        w.call(w.client.questions.active)


def test_close_closes_the_client_and_a_later_wxm_starts_afresh(
    wxm_sync: types.ModuleType,
) -> None:
    """close_wxm() closes the client in its loop; the next wxm() is a new one."""
    first = wxm_sync.wxm()
    client: WXMClient = first.client
    wxm_sync.close_wxm()
    assert client.http.is_closed
    assert wxm_sync.wxm() is not first


def test_call_from_inside_the_loop_raises_runtime_error(wxm_sync: types.ModuleType) -> None:
    """As the page warns: w.call() from a function the portal runs raises RuntimeError."""
    w = wxm_sync.wxm()

    async def calls_back() -> None:
        w.call(w.client.questions.active)

    with pytest.raises(RuntimeError, match="event loop thread"):
        w.call(calls_back)


def test_a_client_that_cannot_be_made_leaves_no_thread_behind(
    wxm_sync: types.ModuleType,
) -> None:
    """make_client raising (a missing variable) stops the portal's loop before raising."""
    before = threading.active_count()

    def missing() -> WXMClient:
        raise ConfigurationError("WXM_USERNAME is not set")

    with pytest.raises(ConfigurationError):
        wxm_sync.SyncWXM(missing)
    assert threading.active_count() == before
