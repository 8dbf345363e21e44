"""The sizes of a bench run, issue 13's targets, and the table the run prints."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    runs: int  # runs per figure (the median is reported)
    heavy_runs: int  # runs for the bare memory and largest-directive figures
    bare_workflows: int
    lifecycle_items: int
    storm_items: int
    list_open_items: int
    list_page_runs: int
    memory_items: int
    directive_items: int


# The storm is 1,000 items, the size issue 13 measured the strict ceiling at (three rounds of a
# 5,000-item pair would take ~1 h here); `--storm-items 5000` for the older, longer figure.
FULL = Sizes(3, 3, 300, 300, 1000, 50_000, 50, 1000, 10_000)
# A smoke run of every figure at reduced size, one run each: under 3 minutes.
QUICK = Sizes(1, 1, 100, 100, 300, 5_000, 20, 150, 800)

# Issue 13's targets, against the strict bare ceiling (bench/bare.py, bench/worker_proc.py).
TARGETS = {
    "item_vs_bare": (">=", 0.9),
    "report_rtt_p50_vs_bare": ("<=", 1.5),
    "events_per_item": ("<=", 15),
    "parent_events_per_item": ("<=", 2),
    "storm_vs_bare": (">=", 0.8),
    "overdue_list_p95_ms": ("<=", 50),
    "overdue_list_pg_p95_ms": ("<=", 50),
    "worker_kib_per_cached_item_vs_bare": ("<=", 1.0),
    "largest_directive_status_page_s": ("<=", 2.0),
}


def _base(name: str) -> str:
    """A figure's name without the `_Nproc` of a run with several worker processes."""
    return re.sub(r"_\d+proc$", "", name)


def table(figures: dict[str, float | None]) -> str:
    lines = [f"{'figure':<42} {'value':>12}  target"]
    for name, value in figures.items():
        if value is None:
            missed = "MISSED (stalled)" if _base(name) in TARGETS else ""
            lines.append(f"{name:<42} {'—':>12}  {missed}")
            continue
        target = ""
        if _base(name) in TARGETS:
            op, bound = TARGETS[_base(name)]
            met = value >= bound if op == ">=" else value <= bound
            target = f"{op} {bound}  {'met' if met else 'MISSED'}"
        shown = f"{value:.0f}" if value >= 100 else f"{value:.3g}"
        lines.append(f"{name:<42} {shown:>12}  {target}")
    return "\n".join(lines)
