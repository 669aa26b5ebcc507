"""Cutting a year's standards into batches and choosing each batch's reviewer (plain data in and
out, no ORM). The coordinator's preview and the creation both run this, so what is shown is what
is made.

Routing: a standard goes to the reviewers of the most specific routing rule that matches it —
its drafting body, else its division, else any of its ministries. Standards routed by the same
rules are cut together, at most `max_size` to a batch, in catalog order; each batch goes to the
reviewer of its pool with the least open work so far (counting the batches cut before it), the
first by name on a tie. A standard the pre-check re-routed (reviews.precheck) is `pinned` to one
rule's pool instead, and to nothing else.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# Most specific first; the values of reviews.survey.models.RoutingRule.Kind.
KINDS = ("drafting_body", "division", "ministry")


@dataclass(frozen=True, slots=True)
class Route:
    """A routing rule: standards of this kind and value go to one of these reviewers (ids)."""

    kind: str
    value: str
    reviewers: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Item:
    """One standard to put in a batch."""

    key: int
    number: str
    division: str
    drafting_body: str = ""
    ministries: tuple[str, ...] = ()
    # (kind, value) of the rule the pre-check re-routed it to; None to route by its own fields
    pinned: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Cut:
    """One batch to make: its standards, its reviewer, and the rules that chose that reviewer
    (none when the coordinator named the reviewer)."""

    items: tuple[Item, ...]
    reviewer: int
    routes: tuple[Route, ...] = ()


class Unrouted(ValueError):
    """No routing rule with an active reviewer covers this standard."""

    def __init__(self, item: Item):
        super().__init__(f"no routing rule covers {item.number}")
        self.item = item


def routes_for(item: Item, routes: Sequence[Route]) -> tuple[Route, ...]:
    """The rules of the most specific kind that match the item and have a reviewer (only the
    rule it is pinned to, if it is)."""
    if item.pinned is not None:
        kind, value = item.pinned
        return tuple(r for r in routes if r.kind == kind and r.value == value and r.reviewers)
    wanted = {
        "drafting_body": {item.drafting_body} if item.drafting_body else set(),
        "division": {item.division},
        "ministry": set(item.ministries),
    }
    for kind in KINDS:
        found = tuple(
            r for r in routes if r.kind == kind and r.value in wanted[kind] and r.reviewers
        )
        if found:
            return found
    return ()


def cut(
    items: Sequence[Item],
    *,
    max_size: int,
    reviewer: int | None = None,
    routes: Sequence[Route] = (),
    load: Mapping[int, int] | None = None,
    names: Mapping[int, str] | None = None,
) -> list[Cut]:
    """The batches for `items` (in the order given): all to `reviewer` if one is named, else
    routed. `load` is each reviewer's open work now; `names` breaks ties. Raises Unrouted."""
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1, not {max_size}")
    if reviewer is not None:
        return [Cut(tuple(chunk), reviewer) for chunk in _chunks(items, max_size)]
    groups: dict[tuple[Route, ...], list[Item]] = {}
    for item in items:
        matched = routes_for(item, routes)
        if not matched:
            raise Unrouted(item)
        groups.setdefault(matched, []).append(item)
    load = dict(load or {})
    names = names or {}
    cuts = []
    for matched, members in groups.items():
        pool = sorted({user for route in matched for user in route.reviewers})
        for chunk in _chunks(members, max_size):
            chosen = min(pool, key=lambda user: (load.get(user, 0), names.get(user, ""), user))
            load[chosen] = load.get(chosen, 0) + len(chunk)
            cuts.append(Cut(tuple(chunk), chosen, matched))
    return cuts


def _chunks(items: Sequence[Item], size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
