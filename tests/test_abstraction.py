"""Tests for the map abstraction: budgets, required items, connectivity, N vs P% vs all."""

from __future__ import annotations

import pytest

from bottleneck_finder.analysis.abstraction import (
    ALL,
    END,
    Arrow,
    Limit,
    Shortcut,
    abstract,
    runs,
    shorten,
)

# A main line S → M1 → M2 → E (100 cases), a rare branch M1 → R1 → R2 → M2 (5 cases) and a
# rare slow detour M2 → X → E (3 cases, 900,000 s of waiting into X).
ARROWS = [
    Arrow("S", "M1", 100, 1000.0),
    Arrow("M1", "M2", 95, 2000.0),
    Arrow("M1", "R1", 5, 10.0),
    Arrow("R1", "R2", 5, 10.0),
    Arrow("R2", "M2", 5, 10.0),
    Arrow("M2", "E", 97, 3000.0),
    Arrow("M2", "X", 3, 900000.0),
    Arrow("X", "E", 3, 5.0),
]
COUNTS = {"S": 100, "M1": 100, "M2": 100, "R1": 5, "R2": 5, "X": 3, "E": 100}
STARTS, ENDS = {"S": 100}, {"E": 100}


def _connected(view: object) -> bool:
    """Every shown activity lies on a shown path from start to end."""
    arrows = set(view.arrows)  # type: ignore[attr-defined]
    nodes = set(view.activities)  # type: ignore[attr-defined]
    fwd = {a: {t for s, t in arrows if s == a} for a in nodes}
    back = {a: {s for s, t in arrows if t == a} for a in nodes}

    def reach(seeds: set[str], step: dict[str, set[str]]) -> set[str]:
        seen, todo = set(seeds), list(seeds)
        while todo:
            for n in step[todo.pop()]:
                if n not in seen:
                    seen.add(n)
                    todo.append(n)
        return seen

    return nodes <= reach(set(view.starts), fwd) & reach(set(view.ends), back)  # type: ignore[attr-defined]


def test_limit_parsing() -> None:
    assert Limit.parse("10") == Limit(count=10)
    assert Limit.parse("50%") == Limit(share=0.5)
    assert Limit.parse("all") == ALL and Limit.parse("ALL") == ALL
    assert Limit.parse("50%").of(7) == 4 and Limit.parse("1%").of(7) == 1
    assert Limit.parse(3).of(2) == 2 and ALL.of(9) == 9
    assert Limit.parse("50%").smaller(2).of(10) == 2
    assert Limit.parse(10).smaller(4) == Limit(count=4)
    for bad in ("0", "-1", "x", "0%", "101%", "", "1.5"):
        with pytest.raises(ValueError):
            Limit.parse(bad)


def test_all_shows_everything() -> None:
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities="all", paths="all")
    assert set(view.activities) == set(COUNTS)
    assert len(view.arrows) == 8 and view.starts == ("S",) and view.ends == ("E",)
    assert view.total_arrows == 10 and view.hidden_arrows == 0 and not view.hides_anything
    assert view.hidden_occurrences == 0 and view.hidden_wait_s == 0.0


def test_activity_budget_keeps_the_significant_and_connected() -> None:
    # Significance: S, M1, M2, E hold 100/413 of occurrences each; X holds 900,000 of
    # 906,035 s of waiting: X is the most significant. With 5 activities: X, then the main line.
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities=5, paths="all")
    assert set(view.activities) == {"S", "M1", "M2", "E", "X"}
    assert ("M1", "R1") not in view.arrows
    assert _connected(view)
    assert view.hidden_activities == 2
    # Hidden: M1 → R1, R1 → R2, R2 → M2: 15 of 313 transitions, 30 s of waiting.
    assert view.hidden_arrows == 3 and view.hidden_occurrences == 15
    assert view.hidden_wait_s == pytest.approx(30.0)
    assert view.total_wait_s == pytest.approx(906035.0)


def test_an_activity_comes_with_its_widest_paths_or_not_at_all() -> None:
    # With 4 activities X cannot come alone: it needs S, M1, M2 and E (5) to be connected.
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities=4, paths="all")
    assert set(view.activities) == {"S", "M1", "M2", "E"}
    assert _connected(view)
    # R1 alone would need R2 as well: with 6 activities R1 does not fit, R2 neither.
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities=6, paths="all")
    assert set(view.activities) == {"S", "M1", "M2", "E", "X"}


def test_required_items_are_shown_beyond_the_budget() -> None:
    view = abstract(
        COUNTS, ARROWS, STARTS, ENDS, required_arrows=[("R1", "R2")], activities=2, paths=1
    )
    assert {"R1", "R2"} <= set(view.activities)
    assert ("R1", "R2") in view.arrows
    assert _connected(view)  # with the paths of the required activities
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, required_activities=["X"], activities=1)
    assert "X" in view.activities and _connected(view)


def test_path_budget_counts_start_and_end_arrows() -> None:
    # The main line needs 5 arrows (start → S … E → end); 6 allow one more: M2 → X is out as
    # X is not shown, so the budget is met by the connecting arrows only.
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities=4, paths=6)
    shown = len(view.arrows) + len(view.starts) + len(view.ends)
    assert shown == 5 and view.total_arrows == 10
    # A share: 50% of 10 arrows.
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities="all", paths="50%")
    shown = len(view.arrows) + len(view.starts) + len(view.ends)
    assert view.path_limit == "50%" and shown >= 5


def test_no_arrow_is_invented() -> None:
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities=4, paths="all")
    assert set(view.arrows) <= {(a.source, a.target) for a in ARROWS}
    # M1 → M2 is shown with its own count, not the count through the hidden branch.
    assert view.total_occurrences == sum(a.count for a in ARROWS)


def test_runs_are_plain_chains_of_at_least_two_activities() -> None:
    """On the whole graph: R1 → R2 has one arrow in (from M1) and one out (to M2); S and X
    are plain too but alone (one activity is not elided); M1, M2 and E branch or merge."""
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities="all", paths="all")
    assert runs(view) == [Shortcut("M1", "M2", ("R1", "R2"))]
    assert runs(view, keep={"R2"}) == []  # a required activity is never elided


def test_shorten_hides_the_run_and_counts_it() -> None:
    """The branch's three arrows (5 + 5 + 5 transitions, 10 + 10 + 10 s of waiting) join the
    hidden figures; the two activities are hidden; nothing else moves."""
    view = abstract(COUNTS, ARROWS, STARTS, ENDS, activities="all", paths="all")
    short = shorten(view, runs(view)[0], ARROWS, STARTS, ENDS)
    assert short.activities == tuple(a for a in view.activities if a not in ("R1", "R2"))
    assert set(view.arrows) - set(short.arrows) == {("M1", "R1"), ("R1", "R2"), ("R2", "M2")}
    assert (short.hidden_activities, short.hidden_arrows) == (2, 3)
    assert short.hidden_occurrences == view.hidden_occurrences + 15
    assert short.hidden_wait_s == view.hidden_wait_s + 30.0
    assert short.shortcuts == (Shortcut("M1", "M2", ("R1", "R2")),)
    assert short.document()["hidden_transitions"] == 15


def test_a_run_to_the_end_hides_its_end_arrow() -> None:
    """A line S → A → B → E with S required: A, B and E run to the end; E's 100 cases ending
    there are hidden with it, and its three arrows (300 transitions, 5 + 6 + 7 s); the
    shortcut ends at the map's end node."""
    arrows = [Arrow("S", "A", 100, 5.0), Arrow("A", "B", 100, 6.0), Arrow("B", "E", 100, 7.0)]
    counts = {"S": 100, "A": 100, "B": 100, "E": 100}
    view = abstract(counts, arrows, STARTS, ENDS, activities="all", paths="all")
    (run,) = runs(view, keep={"S"})
    assert run == Shortcut("S", END, ("A", "B", "E"))
    short = shorten(view, run, arrows, STARTS, ENDS)
    assert short.activities == ("S",) and short.ends == () and short.starts == ("S",)
    assert (short.hidden_end_cases, short.hidden_occurrences, short.hidden_wait_s) == (
        100,
        300,
        18.0,
    )
