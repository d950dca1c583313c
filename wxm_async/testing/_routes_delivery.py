"""Delivery plans (policies), dispatches, content templates, delivery events."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from . import _quirks
from ._wire import NotFound, Reply, Request, Route, ok
from ._world import World

Shape = Callable[[dict[str, Any]], dict[str, Any]]


def routes(world: World) -> list[Route]:
    """The routes of invitation delivery."""
    return [
        Route("GET", "/api/DeliveryPlan", partial(_list, world, plan, world.delivery_plans)),
        Route(
            "GET",
            "/api/DeliveryPlan/{item_id}",
            partial(_one, world, plan, world.delivery_plans, "delivery plan"),
        ),
        Route("GET", "/api/Dispatches", partial(_list, world, dispatch, world.dispatches)),
        Route(
            "GET",
            "/api/Dispatches/{item_id}",
            partial(_one, world, dispatch, world.dispatches, "dispatch"),
        ),
        Route("GET", "/api/ContentTemplates", partial(_list, world, _same, world.templates)),
        Route("GET", "/api/DeliveryEventsBy/Target/{target}", partial(_events, world)),
    ]


plan: Shape = _quirks.delivery_plan
dispatch: Shape = _quirks.dispatch


def _same(record: dict[str, Any]) -> dict[str, Any]:
    return record


def _list(world: World, shape: Shape, items: list[dict[str, Any]], request: Request) -> Reply:
    return ok([world.wire(shape, item) for item in items])


def _one(
    world: World,
    shape: Shape,
    items: list[dict[str, Any]],
    kind: str,
    request: Request,
    item_id: str,
) -> Reply:
    for item in items:
        if item["id"].lower() == item_id.lower():
            return ok(world.wire(shape, item))
    raise NotFound(f"No {kind} has the id '{item_id}'.")


def _events(world: World, request: Request, target: str) -> Reply:
    return ok(world.delivery_events.get(target.lower(), []))
