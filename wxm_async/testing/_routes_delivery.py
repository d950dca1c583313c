"""Delivery plans (policies), dispatches, content templates, delivery events."""

from __future__ import annotations

from functools import partial
from typing import Any

from ._wire import Answer, NotFound, Request, Route, ok
from ._world import World


def routes(world: World) -> list[Route]:
    """The routes of invitation delivery."""
    return [
        Route("GET", "/api/DeliveryPlan", partial(_list, world.delivery_plans)),
        Route(
            "GET",
            "/api/DeliveryPlan/{item_id}",
            partial(_one, world.delivery_plans, "delivery plan"),
        ),
        Route("GET", "/api/Dispatches", partial(_list, world.dispatches)),
        Route("GET", "/api/Dispatches/{item_id}", partial(_one, world.dispatches, "dispatch")),
        Route("GET", "/api/ContentTemplates", partial(_list, world.templates)),
        Route("GET", "/api/DeliveryEventsBy/Target/{target}", partial(_events, world)),
    ]


def _list(items: list[dict[str, Any]], request: Request) -> Answer:
    return ok(items)


def _one(items: list[dict[str, Any]], kind: str, request: Request, item_id: str) -> Answer:
    for item in items:
        if item["id"].lower() == item_id.lower():
            return ok(item)
    raise NotFound(f"No {kind} has the id '{item_id}'.")


def _events(world: World, request: Request, target: str) -> Answer:
    return ok(world.delivery_events.get(target.lower(), []))
