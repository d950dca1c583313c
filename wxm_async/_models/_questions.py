"""Questions and the questionnaires (WXM's "locations") they belong to."""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

__all__ = ["Question", "Questionnaire"]


@frozen(kw_only=True)
class Question:
    """One question of the account's surveys.

    Attributes:
        id: The question's id, used in filters and prefills.
        text: The question as the respondent sees it.
        display_type: How it is asked: ``"Scale"``, ``"Text"``, ``"MultilineText"``,
            ``"Select"``, ``"MultiSelect"``, ``"Number"``, ``"Smile-5"``, ...
        note: A short label for the question (reports use it as a column header).
        set_name: The question set it belongs to.
        sequence: Its position in the survey.
        options: The choices of a select question (``multiSelect``).
        questionnaires: The questionnaires that show it (``displayLocation``).
        tags: Its tags, e.g. ``"NPS"`` (``questionTags``).
        is_required: Whether an answer is required.
        is_retired: Whether it was retired (kept for old responses, no longer asked).
        user: The account that owns it.
        last_update: When it last changed, timezone-aware.
    """

    id: str
    text: str | None = None
    display_type: str | None = None
    note: str | None = None
    set_name: str | None = None
    sequence: int | None = None
    options: tuple[str, ...] = ()
    questionnaires: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    is_required: bool = False
    is_retired: bool = False
    user: str | None = None
    last_update: datetime | None = None


@frozen(kw_only=True)
class Questionnaire:
    """A questionnaire: one survey of the account (WXM also calls it a "location").

    Attributes:
        name: Its name, used in filters (``ResponseFilter.questionnaires``).
        display_name: The name shown to people.
        is_name_immutable: Whether the name can no longer change.
        hash_pii_by: How personal data in its responses is hashed, if at all.
    """

    name: str
    display_name: str | None = None
    is_name_immutable: bool | None = None
    hash_pii_by: str | None = None
