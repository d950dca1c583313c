"""The fake account's fixed and seeded records: questions, questionnaires, delivery, users.

Everything here is built once per ``FakeWXM`` from its seed, so two fakes with the same
seed serve the same data.
"""

from __future__ import annotations

import random
from typing import Any

from ._wire import iso

EPOCH_MS = 1_767_225_600_000  # 2026-01-01T00:00:00.000Z: the first seeded response's day
DAY_MS = 86_400_000

QUESTIONNAIRES = (
    ("CustomerSurvey", "Customer survey"),
    ("SupportFeedback", "Support feedback"),
)
NPS_QUESTION_ID = "q1"
MEAL_OPTIONS = ("Breakfast", "Lunch", "Dinner")
LIKED = (
    "Friendly staff",
    "Quick service",
    "Clean tables",
    "Great coffee",
    "Easy to reach",
    "Nothing much",
)
CHANNELS = ("JS-Web", "email", "InApp-Droid", "InApp-iOS", "voice")
BOTH = [name for name, _ in QUESTIONNAIRES]

# id, text, displayType, options, displayLocation, isRequired, isRetired, tags, note
_QUESTIONS: tuple[tuple[str, str, str, list[str], list[str], bool, bool, list[str], str], ...] = (
    ("q1", "How likely are you to recommend us?", "Scale", [], BOTH, True, False, ["NPS"], "NPS"),
    ("q2", "What did you like?", "MultilineText", [], BOTH, False, False, [], "Liked"),
    ("q3", "Your email", "Text", [], BOTH, False, False, ["Email"], "Email"),
    (
        "q4",
        "Which meal did you have?",
        "Select",
        list(MEAL_OPTIONS),
        ["CustomerSurvey"],
        False,
        False,
        [],
        "Meal",
    ),
    (
        "q5",
        "How many minutes did you wait?",
        "Number",
        [],
        ["SupportFeedback"],
        False,
        False,
        [],
        "Wait",
    ),
    ("q6", "How did you hear about us?", "Text", [], ["CustomerSurvey"], False, True, [], "Source"),
)

_FIRST = ("Asha", "Ben", "Chen", "Dana", "Emil", "Fatima", "Goran", "Hana", "Ivan", "Jo")
_LAST = ("Kaur", "Lopez", "Meyer", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi")
_ROLES = ("Manager", "Executive", "Agent", "Analyst")
_DEPARTMENTS = ("Sales", "Support", "Operations", None)
SUB_USER_COUNT = 30
DELIVERY_TARGETS = (*(f"customer{n}@example.com" for n in range(1, 6)), "+15550100001")


def questions(user: str) -> list[dict[str, Any]]:
    """Every question of the account, retired ones included, in sequence order."""
    return [
        {
            "id": qid,
            "user": user,
            "setName": "Main",
            "sequence": n,
            "text": text,
            "displayType": display,
            "multiSelect": options,
            "displayLocation": locations,
            "isRequired": required,
            "isRetired": retired,
            "questionTags": tags,
            "note": note,
            "lastUpdate": iso(EPOCH_MS - 30 * DAY_MS + n * 60_000),
        }
        for n, (qid, text, display, options, locations, required, retired, tags, note) in enumerate(
            _QUESTIONS, start=1
        )
    ]


def questionnaires() -> list[dict[str, Any]]:
    """The account's questionnaires, as ``/api/AllSurveyQuestionnaires`` lists them."""
    return [
        {"isNameImmutable": True, "name": name, "displayName": display, "hashPIIBy": None}
        for name, display in QUESTIONNAIRES
    ]


def settings(user: str) -> dict[str, Any]:
    """The account's settings: the questionnaires as ``locationList``, UTC."""
    return {
        "id": f"settings-{user}",
        "user": user,
        "locations": [name for name, _ in QUESTIONNAIRES],
        "locationList": [
            {"name": name, "displayName": display, "isNameImmutable": True, "tags": []}
            for name, display in QUESTIONNAIRES
        ],
        "timeZoneOffset": 0,
        "integrations": {"queueDetails": []},
    }


def content_templates(user: str) -> list[dict[str, Any]]:
    """Three email and SMS templates."""
    names = ("Invitation email", "Reminder email", "Invitation SMS")
    return [
        {"id": f"template-{n}", "account": user, "name": name} for n, name in enumerate(names, 1)
    ]


def delivery_plans(user: str) -> list[dict[str, Any]]:
    """Two delivery plans (policies): one live, one not."""
    plans = []
    for n, (name, live) in enumerate((("Weekday email", True), ("SMS follow-up", False)), 1):
        channel = "email" if n == 1 else "sms"
        plans.append(
            {
                "id": f"plan-{n}",
                "user": user,
                "name": name,
                "description": f"{name} delivery policy",
                "isLive": live,
                "goodAfterTimeOfDay": "09:00",
                "goodBeforeTimeOfDay": "18:00",
                "goodOnDaysOfWeek": [1, 2, 3, 4, 5],
                "startAfter": iso(EPOCH_MS),
                "endBefore": iso(EPOCH_MS + 365 * DAY_MS),
                "remindOnlyAfterHours": 48,
                "repeatOnlyAfterHours": 720,
                "uniqueCustomerIDByPreFilledQuestionTag": "Email",
                "schedule": [
                    {
                        "onChannel": channel,
                        "delayByHours": 0,
                        "subject": "Tell us how we did",
                        "textBody": "Answer a short survey: $link",
                        "htmlBody": None,
                        "templateId": f"template-{1 if n == 1 else 3}",
                    }
                ],
                "emailFromAddress": "surveys@example.com",
                "tokensAttached": 0,
                "surveysDelivered": 0,
                "surveysOpened": 0,
                "surveysAnswered": 0,
                "emailBounces": 0,
                "unsubscribes": 0,
                "smsSent": 0,
                "lastRun": None,
                "status": "Active" if live else "Paused",
                "message": None,
            }
        )
    return plans


def dispatches(user: str) -> list[dict[str, Any]]:
    """Two dispatches, one per questionnaire, each tied to a delivery plan and templates."""
    return [
        {
            "id": f"dispatch-{n}",
            "user": user,
            "name": f"{display} dispatch",
            "created": iso(EPOCH_MS - 10 * DAY_MS),
            "updated": iso(EPOCH_MS - 9 * DAY_MS),
            "deliveryPlanId": f"plan-{n}",
            "contentTemplateIds": {"email": "template-1", "sms": "template-3"},
            "tokenTemplateId": None,
            "questionnaireName": name,
            "questionnaireDisplayName": display,
            "isLive": n == 1,
            "message": None,
        }
        for n, (name, display) in enumerate(QUESTIONNAIRES, 1)
    ]


def delivery_events(seed: int, user: str) -> dict[str, list[dict[str, Any]]]:
    """Delivery events for each of ``DELIVERY_TARGETS``, keyed by target, lower-cased."""
    rng = random.Random(f"events:{seed}")
    events: dict[str, list[dict[str, Any]]] = {}
    for t, target in enumerate(DELIVERY_TARGETS):
        channel = "sms" if target.startswith("+") else "email"
        created = EPOCH_MS + t * DAY_MS + rng.randrange(DAY_MS)
        actions = ["Sent", "Displayed", "Answered"][: rng.randint(1, 3)]
        if channel == "email" and rng.random() < 0.2:
            actions = ["Sent", "Bounced"]
        steps = [
            {
                "timeStamp": iso(created + k * 3_600_000),
                "channel": channel,
                "action": action,
                "sentSequence": 1,
                "message": None,
            }
            for k, action in enumerate(actions)
        ]
        events[target.lower()] = [
            {
                "id": f"event-{t + 1}",
                "deliveryWorkFlowId": "plan-1",
                "user": user,
                "location": QUESTIONNAIRES[0][0],
                "created": iso(created),
                "updated": steps[-1]["timeStamp"],
                "target": target,
                "dispatchId": "dispatch-1",
                "events": steps,
            }
        ]
    return events


def sub_users(seed: int, user: str) -> list[dict[str, Any]]:
    """``SUB_USER_COUNT`` sub-users with names drawn from the seed."""
    rng = random.Random(f"users:{seed}")
    users = []
    for n in range(1, SUB_USER_COUNT + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        login = f"{user}.{first.lower()}{n}"
        users.append(
            {
                "id": f"user-{n}",
                "userName": login,
                "name": f"{first} {last}",
                "email": f"{first.lower()}.{last.lower()}{n}@example.com",
                "mobilePhone": f"+1555{rng.randrange(10**7):07d}",
                "primaryRole": rng.choice(_ROLES),
                "isEmailVerified": rng.random() < 0.8,
                "isActive": rng.random() < 0.9,
                "department": rng.choice(_DEPARTMENTS),
            }
        )
    return users
