"""Seeded survey responses, made on demand: answer ``i`` comes from ``(seed, i)`` alone.

Nothing is stored but the notes added to answers, so a fake can serve 100,000 responses
or more. ``responseDateTime`` increases with ``i``, so a filter on dates alone is a range
of indices, found by bisection, and a page of it costs its rows only.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from typing import Any

from ._catalog import CHANNELS, EPOCH_MS, LIKED, QUESTIONNAIRES
from ._filters import FilterBy
from ._wire import iso

SPACING_MS = 15 * 60_000
"""Answer ``i`` is given in ``[EPOCH_MS + i * SPACING_MS, EPOCH_MS + (i + 1) * SPACING_MS)``."""
_MASK = (1 << 64) - 1
_SCORES = range(11)
_SCORE_WEIGHTS = tuple(accumulate((1, 1, 1, 1, 2, 3, 4, 6, 8, 9, 8)))  # NPS: 0-10, skewed high


def _mix(x: int) -> int:
    """SplitMix64's finaliser: a cheap, well-spread hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK
    return x ^ (x >> 31)


class AnswerSet:
    """The account's ``count`` responses, generated from the seed when asked for."""

    def __init__(
        self, *, seed: int, count: int, user: str, questions: Sequence[dict[str, Any]]
    ) -> None:
        self.seed = seed
        self.count = count
        self.user = user
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self._questions = {
            name: [q for q in questions if name in q["displayLocation"] and not q["isRetired"]]
            for name, _ in QUESTIONNAIRES
        }
        self._seed_hex = f"{seed & 0xFFFFFFFF:08x}"

    def time_ms(self, i: int) -> int:
        """When answer ``i`` was given, in milliseconds since the epoch."""
        return EPOCH_MS + i * SPACING_MS + _mix((self.seed << 32) ^ i) % SPACING_MS

    def id_of(self, i: int) -> str:
        """Answer ``i``'s id: 24 hex digits, like WXM's (seconds, seed, index)."""
        return f"{(self.time_ms(i) // 1000) & 0xFFFFFFFF:08x}{self._seed_hex}{i:08x}"

    def index_of(self, answer_id: str) -> int | None:
        """The index of the answer with ``answer_id``, or None if there is none."""
        if len(answer_id) != 24:
            return None
        try:
            i = int(answer_id[16:], 16)
        except ValueError:
            return None
        if not 0 <= i < self.count or self.id_of(i) != answer_id.lower():
            return None
        return i

    def outline(self, i: int) -> tuple[str, bool, str]:
        """Answer ``i``'s questionnaire, archived flag and channel, without making the rest."""
        h = _mix((self.seed << 32) ^ i ^ 0x5EED)
        location = QUESTIONNAIRES[0][0] if h % 10 < 7 else QUESTIONNAIRES[1][0]
        return location, (h >> 8) % 100 < 5, CHANNELS[(h >> 16) % len(CHANNELS)]

    def answer(self, i: int) -> dict[str, Any]:
        """Answer ``i`` as WXM's JSON, with the notes added to it so far."""
        rng = random.Random(self.seed * 10_000_019 + i)
        location, archived, channel = self.outline(i)
        responses = []
        for question in self._questions[location]:
            if not question["isRequired"] and rng.random() < 0.2:
                continue
            text: str | None = None
            number = 0
            match question["displayType"]:
                case "Scale":
                    number = rng.choices(_SCORES, cum_weights=_SCORE_WEIGHTS)[0]
                case "Number":
                    number = rng.randrange(61)
                case "MultilineText":
                    text = rng.choice(LIKED)
                case "Select":
                    text = rng.choice(question["multiSelect"])
                case _:
                    text = f"customer{rng.randrange(1000)}@example.com"
            responses.append(
                {
                    "questionId": question["id"],
                    "questionText": question["text"],
                    "textInput": text,
                    "numberInput": number,
                }
            )
        return {
            "id": self.id_of(i),
            "user": self.user,
            "locationId": location,
            "responseDateTime": iso(self.time_ms(i)),
            "responseDuration": rng.randrange(20, 600),
            "surveyClient": channel,
            "responses": responses,
            "archived": archived,
            "notes": list(self.notes.get(i, ())),
            "openTicket": None,
            "deviceId": f"device-{rng.randrange(10**6):06d}",
        }

    def select(self, where: FilterBy) -> Sequence[int]:
        """The indices of the answers ``where`` matches, in order."""
        lo, hi = 0, self.count
        if where.after_ms is not None:
            lo = bisect_left(range(self.count), where.after_ms, key=self.time_ms)
        if where.before_ms is not None:
            hi = bisect_left(range(self.count), where.before_ms, key=self.time_ms)
        window = range(lo, max(lo, hi))
        if where.dates_only:
            return window
        candidates: Sequence[int] = (
            sorted(i for i in self.notes if lo <= i < hi) if where.with_notes else window
        )
        found = []
        for i in candidates:
            location, archived, channel = self.outline(i)
            if where.matches_outline(
                location=location, archived=archived, channel=channel, has_notes=i in self.notes
            ) and (not where.checks or where.matches_checks(self.answer(i))):
                found.append(i)
        return found
