"""The fake account's state: seeded records, and what requests have changed since."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from attrs import define, field

from . import _catalog
from ._answers import AnswerSet
from ._filters import FilterBy, parse_filter
from ._wire import Invalid, Request, json_object

FIRST_TOKEN_NUMBER = 10_001


@define
class World:
    """Everything the fake's resource routes read and change.

    Args:
        user: The account that owns the data (the fake's first account).
        seed: Seeds the generated data.
        responses: How many survey responses the account has.
        page_base: The index of the first page on paged routes.
        max_page_size: The most rows a page of responses may have.
        tidy: Whether to answer with the tidy records, without WXM's quirks.
    """

    user: str
    seed: int
    responses: int
    page_base: int
    max_page_size: int
    tidy: bool = False
    answers: AnswerSet = field(init=False)
    questions: list[dict[str, Any]] = field(init=False)
    delivery_plans: list[dict[str, Any]] = field(init=False)
    dispatches: list[dict[str, Any]] = field(init=False)
    templates: list[dict[str, Any]] = field(init=False)
    delivery_events: dict[str, list[dict[str, Any]]] = field(init=False)
    sub_users: list[dict[str, Any]] = field(init=False)
    tokens: dict[str, dict[str, Any]] = field(init=False, factory=dict)  # by lower-cased id
    next_token: int = field(init=False, default=FIRST_TOKEN_NUMBER)
    user_data: dict[tuple[str, str], str] = field(init=False, factory=dict)
    downloads: dict[str, bytes] = field(init=False, factory=dict)  # bulk imports' files
    invitations: list[dict[str, Any]] = field(init=False, factory=list)  # RequestInvitation
    written: dict[str, dict[str, Any]] = field(init=False, factory=dict)  # answers/add, update
    next_written: int = field(init=False, default=1)

    def __attrs_post_init__(self) -> None:
        self.questions = _catalog.questions(self.user)
        self.answers = AnswerSet(
            seed=self.seed, count=self.responses, user=self.user, questions=self.questions
        )
        self.delivery_plans = _catalog.delivery_plans(self.user)
        self.dispatches = _catalog.dispatches(self.user)
        self.templates = _catalog.content_templates(self.user)
        self.delivery_events = _catalog.delivery_events(self.seed, self.user)
        self.sub_users = _catalog.sub_users(self.seed, self.user)

    def wire(
        self, shape: Callable[[dict[str, Any]], dict[str, Any]], record: dict[str, Any]
    ) -> dict[str, Any]:
        """``record`` as WXM sends it (``shape`` from ``_quirks``), or as it is when tidy."""
        return record if self.tidy else shape(record)

    def page(
        self, page: str, size: int, total: int, *, base: int | None = None
    ) -> tuple[int, range, int]:
        """Page number, the indices on it, and the page count, for ``total`` items.

        Args:
            page: The page asked for, from the path.
            size: Items per page.
            total: Items in all.
            base: The first page's number; default ``page_base``.

        Raises:
            Invalid: ``page`` is not a whole number or is below the first page.
        """
        first = self.page_base if base is None else base
        try:
            number = int(page)
        except ValueError:
            raise Invalid("'page' must be a whole number.") from None
        if number < first:
            raise Invalid(f"'page' starts at {first}.")
        start = (number - first) * size
        return number, range(min(start, total), min(start + size, total)), math.ceil(total / size)

    def filter_of(self, request: Request) -> FilterBy:
        """The request body's FilterBy; an empty body or ``{}`` matches every answer."""
        return parse_filter(json_object(request, empty=True))

    def new_token_id(self) -> str:
        """The next survey token id, ``DM-10001`` first."""
        token_id = f"DM-{self.next_token}"
        self.next_token += 1
        return token_id
