"""Chart geometry for the survey dashboard: the reports' plain numbers in, SVG coordinates out.

No ORM and no HTML: the template draws what these functions place, so a test can check a bar's
length or a line's path without a database or a browser.
"""

import datetime as dt
import math

from reviews.survey.workflow import ANSWERED_STATES, OPEN_STATES, State

# Segments of a progress bar, most advanced first, so the open states (where overdue work lies)
# sit side by side, the overdue mark beneath them, and withdrawn work last.
SEGMENT_ORDER = tuple(
    str(state) for state in (*ANSWERED_STATES, *reversed(OPEN_STATES), State.WITHDRAWN)
)
# The table's columns: the states in the workflow's order.
STATE_COLUMNS = tuple(State.values)
BAR_LENGTH = 100  # a progress bar is drawn in a 0–100 viewBox, stretched to the cell
TICK_ROOM = 36  # SVG units an axis label such as "12/15" needs at 12px


def percent(part: int, whole: int) -> float | None:
    """Share in per cent with one decimal; None when there is nothing to share out."""
    return round(100 * part / whole, 1) if whole else None


# --- progress: one stacked bar per row ----------------------------------------------------------


def progress_bars(rows: list[dict], dimension: str) -> list[dict]:
    """For each report row, its counts in table order and a bar: the planned standards as the
    track, each state a segment laid over it, and the overdue share marked under the open states.
    A row with more assignments than planned standards is scaled to its assignments."""
    return [_progress_bar(row, dimension) for row in rows]


def _progress_bar(row: dict, dimension: str) -> dict:
    counted = sum(row.get(state, 0) for state in SEGMENT_ORDER)
    scale = max(row["planned"], counted) or 1
    segments, start = [], 0.0
    for state in SEGMENT_ORDER:
        n = row.get(state, 0)
        width = BAR_LENGTH * n / scale
        if n:
            segments.append(
                {"state": state, "n": n, "x": round(start, 2), "width": round(width, 2)}
            )
        start += width
    done = sum(row.get(state, 0) for state in ANSWERED_STATES)
    return {
        "key": row[dimension],
        "planned": row["planned"],
        "assigned_total": counted,
        "cells": [row.get(state, 0) for state in STATE_COLUMNS],
        "overdue": row["overdue"],
        "accepted_percent": percent(row.get("accepted", 0), row["planned"]),
        "track": round(BAR_LENGTH * row["planned"] / scale, 2),
        "segments": segments,
        "overdue_mark": {
            "x": round(BAR_LENGTH * done / scale, 2),
            "width": round(BAR_LENGTH * row["overdue"] / scale, 2),
        },
    }


# --- burn-down: ideal, remaining and submitted over the days of the year ------------------------


def burndown_chart(
    report: dict, *, width: int = 640, height: int = 240, margin: tuple = (16, 16, 28, 48)
) -> dict:
    """Polylines for the ideal line, the standards remaining and those submitted, on axes from the
    report's start to its end and from zero to the largest figure; month ticks on the x axis, round
    numbers on the y axis, and today marked when it falls inside. `margin` is (top, right, bottom,
    left) in SVG units; the plot lies inside it."""
    top, right, bottom, left = margin
    plot_w, plot_h = width - left - right, height - top - bottom
    start, end = report["start"], report["end"]
    days = max((end - start).days, 1)
    points = report["points"]
    highest = max(
        [report["planned"], *(p["submitted"] or 0 for p in points), *(p["ideal"] for p in points)]
    )
    y_ticks = nice_ticks(highest)
    y_max = y_ticks[-1] or 1

    def x_of(day: dt.date) -> float:
        return round(left + plot_w * (day - start).days / days, 1)

    def y_of(value: float) -> float:
        return round(top + plot_h * (1 - value / y_max), 1)

    def line(field: str) -> str:
        return " ".join(
            f"{x_of(p['date'])},{y_of(p[field])}" for p in points if p[field] is not None
        )

    today = report["today"]
    last = _last_actual(points)
    return {
        "width": width,
        "height": height,
        "plot": {"left": left, "top": top, "right": left + plot_w, "bottom": top + plot_h},
        "ideal": line("ideal"),
        "remaining": line("remaining"),
        "submitted": line("submitted"),
        "today_x": x_of(today) if start <= today <= end else None,
        # the label reads away from the nearer edge of the plot
        "today_anchor": "start" if x_of(today) < left + plot_w / 2 else "end",
        "x_ticks": _spaced([{"x": x_of(day), "date": day} for day in month_starts(start, end)]),
        "y_ticks": [{"y": y_of(value), "value": value} for value in y_ticks],
        "last": last,
        "last_marks": (
            {
                "x": x_of(last["date"]),
                "remaining_y": y_of(last["remaining"]),
                "submitted_y": y_of(last["submitted"]),
            }
            if last
            else None
        ),
    }


def _spaced(ticks: list[dict], room: float = TICK_ROOM) -> list[dict]:
    """Drop the first tick (a mid-month start) when the next one would print over it."""
    if len(ticks) > 1 and ticks[1]["x"] - ticks[0]["x"] < room:
        return ticks[1:]
    return ticks


def _last_actual(points: list[dict]) -> dict | None:
    """The latest point with actual figures, for the numbers written beside the chart."""
    actual = [p for p in points if p["remaining"] is not None]
    return actual[-1] if actual else None


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of each month inside [start, end], and start itself when mid-month."""
    days, day = [start], start.replace(day=1)
    while True:
        day = (day + dt.timedelta(days=32)).replace(day=1)
        if day > end:
            return days
        days.append(day)


def nice_ticks(highest: float, count: int = 5) -> list[int]:
    """Whole-number axis ticks from 0 in steps of 1, 2 or 5 × 10ⁿ, reaching at least `highest`."""
    if highest <= 0:
        return [0, 1]
    raw = highest / (count - 1)
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    top = math.ceil(highest / step) * step
    return list(range(0, int(top) + 1, int(step)))


# --- answers: one horizontal bar per option -----------------------------------------------------


def option_bars(
    question: dict, *, bar_length: int = 300, row_height: int = 22, gap: int = 10
) -> dict:
    """A question's options as bars whose length is the option's share of those who answered, each
    with its count and percentage written after it. The label column is as wide as the longest
    label needs (wide characters count double)."""
    label_width = max((_text_width(o["label"]) for o in question["options"]), default=0) + gap
    rows = []
    for index, option in enumerate(question["options"]):
        share = percent(option["count"], question["answered"])
        length = round(bar_length * (share or 0) / 100, 1)
        rows.append(
            {
                **option,
                "percent": share,
                "y": index * row_height,
                "text_y": index * row_height + row_height * 0.65,
                "bar_x": label_width,
                "bar_width": length,
                "value_x": label_width + length + gap,
            }
        )
    return {
        **question,
        "rows": rows,
        "width": label_width + bar_length + 100,
        "height": row_height * len(rows),
        "bar_height": row_height - 6,
        "bar_length": bar_length,
    }


def _text_width(text: str, narrow: int = 8, wide: int = 13) -> int:
    """Rough width in SVG units at 12px: CJK and full-width characters take about twice the room."""
    return sum(wide if ord(ch) >= 0x2E80 else narrow for ch in str(text))
