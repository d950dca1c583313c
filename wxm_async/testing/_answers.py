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
from typing import Any, overload

from ._catalog import CHANNELS, EPOCH_MS, LIKED, QUESTIONNAIRES
from ._filters import FilterBy
from ._wire import iso

SPACING_MS = 15 * 60_000
"""Answer ``i`` is given in ``[EPOCH_MS + i * SPACING_MS, EPOCH_MS + (i + 1) * SPACING_MS)``."""
ARCHIVED_EVERY = 20
"""One answer in 20 is archived."""
_MASK = (1 << 64) - 1
_KEPT_SELECTIONS = 16
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
        self._selections: dict[FilterBy, Sequence[int]] = {}  # recent selects, until a note
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
        return location, self.archived(i), CHANNELS[(h >> 16) % len(CHANNELS)]

    def archived(self, i: int) -> bool:
        """Whether answer ``i`` is archived: one in ``ARCHIVED_EVERY``, at a seeded offset.

        A regular pattern, so that the live (or archived) answers of a date range are a
        sequence computed, not scanned: WXM's filters leave archived answers out by
        default, and a page of 10,000,000 must still cost its rows only.
        """
        return (i + self.seed) % ARCHIVED_EVERY == ARCHIVED_EVERY - 1

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

    def add_note(self, i: int, note: dict[str, Any]) -> None:
        """Add ``note`` to answer ``i``."""
        self.notes.setdefault(i, []).append(note)
        self._selections.clear()  # a filter on notes may now select otherwise

    def select(self, where: FilterBy) -> Sequence[int]:
        """The indices of the answers ``where`` matches, in order.

        The last few selections are kept, so that paging through a filter that needs
        a scan scans once, not once a page.
        """
        found = self._selections.get(where)
        if found is None:
            found = self._select(where)
            if len(self._selections) >= _KEPT_SELECTIONS:
                self._selections.pop(next(iter(self._selections)))
            self._selections[where] = found
        return found

    def _select(self, where: FilterBy) -> Sequence[int]:
        lo, hi = 0, self.count
        if where.after_ms is not None:
            lo = bisect_left(range(self.count), where.after_ms, key=self.time_ms)
        if where.before_ms is not None:
            hi = bisect_left(range(self.count), where.before_ms, key=self.time_ms)
        window = range(lo, max(lo, hi))
        if where.dates_only:
            if where.archived is None:
                return window
            kept = {ARCHIVED_EVERY - 1} if where.archived else set(range(ARCHIVED_EVERY - 1))
            return _Residues(window, offset=self.seed, modulus=ARCHIVED_EVERY, kept=kept)
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


class _Residues(Sequence[int]):
    """The ``i`` of a range whose ``(i + offset) % modulus`` is in ``kept``: computed, not stored."""

    def __init__(self, window: range, *, offset: int, modulus: int, kept: set[int]) -> None:
        self._offset = offset
        self._modulus = modulus
        self._kept = sorted(kept)
        self._start = self._below(window.start + offset)
        self._length = self._below(window.stop + offset) - self._start

    def _below(self, j: int) -> int:
        """How many ``j' < j`` (shifted indices, from 0) have a kept residue."""
        whole, rest = divmod(j, self._modulus)
        return whole * len(self._kept) + sum(r < rest for r in self._kept)

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, k: int) -> int: ...
    @overload
    def __getitem__(self, k: slice) -> Sequence[int]: ...
    def __getitem__(self, k: int | slice) -> int | Sequence[int]:
        if isinstance(k, slice):
            return [self[n] for n in range(*k.indices(self._length))]
        if k < 0:
            k += self._length
        if not 0 <= k < self._length:
            raise IndexError(k)
        whole, rest = divmod(self._start + k, len(self._kept))
        return whole * self._modulus + self._kept[rest] - self._offset
