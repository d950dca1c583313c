"""A FastAPI backend that calls WXM: one WXMClient for the whole app, handed out per request.

The client is made once, in the app's lifespan, so that every request shares its
connection pool and its login: hundreds of concurrent requests to this app cause one
login to WXM, not one each. Routes get it through a dependency.

Run it against WXM (credentials from WXM_USERNAME and WXM_API_KEY), in a checkout of
wxm_async, which is not on PyPI yet (once it is: ``pip install wxm-async``)::

    pip install -e . fastapi uvicorn
    uvicorn examples.fastapi_app:app

or against the fake WXM, in tests: ``create_app(lambda: WXMClient(transport=...))``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from wxm_async import NotFoundError, ResponseFilter, WXMClient, WXMError


class QuestionOut(BaseModel):
    """A question, as this app shows it."""

    id: str
    text: str | None


class ResponseSummary(BaseModel):
    """One survey response, reduced to what this app's callers need."""

    id: str
    questionnaire: str | None
    answers: int


def wxm(request: Request) -> WXMClient:
    """The dependency that hands each request the app's one client."""
    client: WXMClient = request.app.state.wxm
    return client


Client = Annotated[WXMClient, Depends(wxm)]


def create_app(make_client: Callable[[], WXMClient] = WXMClient.from_env) -> FastAPI:
    """Build the app; ``make_client`` makes its one WXMClient when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with make_client() as client:
            app.state.wxm = client
            yield

    app = FastAPI(title="WXM proxy", lifespan=lifespan)

    @app.get("/questions")
    async def questions(client: Client) -> list[QuestionOut]:
        return [QuestionOut(id=q.id, text=q.text) for q in await client.questions.active()]

    @app.get("/responses/count")
    async def count(client: Client, channel: str | None = None) -> int:
        return await client.responses.count(ResponseFilter(channel=channel))

    @app.get("/responses/{response_id}")
    async def response(client: Client, response_id: str) -> ResponseSummary:
        try:
            found = await client.responses.get(response_id)
        except NotFoundError:
            raise HTTPException(status_code=404, detail="no such response") from None
        return ResponseSummary(
            id=found.id, questionnaire=found.questionnaire, answers=len(found.answers)
        )

    @app.exception_handler(WXMError)
    async def wxm_unavailable(request: Request, exc: WXMError) -> JSONResponse:
        # Anything else WXM or the network says becomes a 502 for this app's callers:
        # the message never holds a secret, but it is WXM's business, not theirs.
        return JSONResponse(status_code=502, content={"detail": "WXM is unavailable"})

    return app


# The client (and the environment it reads) is made when the app starts, not here.
app = create_app()
