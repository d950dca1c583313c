"""Small request bodies: private models that only ``_converter`` spells for WXM.

The namespaces build these instead of dicts, so that WXM's names (and misspellings)
live in one place.
"""

from __future__ import annotations

from attrs import frozen

from ._responses import Answer

__all__ = ["DispatchTokensRequest", "QuestionnaireName", "UserDataValue"]


@frozen
class QuestionnaireName:
    """The body of ``POST /api/Questions/Questionnaire``: ``{"name": ...}``."""

    name: str


@frozen
class UserDataValue:
    """The body of ``POST /api/UserData/{key}``: ``{"value": ...}``."""

    value: str


@frozen(kw_only=True)
class DispatchTokensRequest:
    """The body of ``POST /api/SurveyByToken/Import/Dispatch``: one token per prefill."""

    dispatch_id: str
    prefills: tuple[tuple[Answer, ...], ...]
    uuid_question_id: str
    batch_question_id: str
