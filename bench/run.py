"""`make bench` / `make bench-quick`: every figure as a median of runs; a table; results.json."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bench import lifecycle, lists, machine, memory, scale, storm
from bench.figures import FULL, QUICK, Sizes, table
from bench.harness import Env, environment, median, percentile

RESULTS = Path(__file__).parent / "results.json"
LATENCY_CLIENTS = (1, 10)  # reports in flight for the `latency` figures (the lifecycle: 50)
T = TypeVar("T")


class Bench:
    """Runs each figure `runs` times, each in a fresh environment, and keeps every raw value."""

    def __init__(self, sizes: Sizes, quick: bool, worker_processes: int = 1) -> None:
        self.sizes = sizes
        # Worker processes on the queue, dondoc's and bare's alike (the memory figure: one).
        # With more than one, every figure and run is named with a suffix (`item_vs_bare_2proc`),
        # so a run with 1 and a run with 2 sit side by side in results.json.
        self.worker_processes = worker_processes
        self.tag = f"_{worker_processes}proc" if worker_processes > 1 else ""
        self.figures: dict[str, float | None] = {}
        self.earlier: dict[str, Any] = {}
        self.meta: dict[str, Any] = {
            "mode": "quick" if quick else "full",
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            # Anything else running on the machine shows here (the figures are ratios for this).
            "load_average_at_start": list(os.getloadavg()),
            "sizes": asdict(sizes),
            f"worker_processes{self.tag}": worker_processes,
            "machine": machine.describe(),
            "runs": {},
            "rounds": {},  # every round's ratio, for each ratio figure (the figure: their median)
        }

    async def repeat(self, name: str, runs: int, once: Callable[[Env], Awaitable[T]]) -> list[T]:
        results = []
        for i in range(runs):
            t0 = time.monotonic()
            async with environment(self.worker_processes) as env:
                results.append(await once(env))
            print(f"  {name} run {i + 1}/{runs}: {time.monotonic() - t0:.0f} s", flush=True)
        self.meta["runs"][name + self.tag] = [_plain(r) for r in results]
        return results

    async def rounds(
        self, name: str, runs: int, sides: dict[str, Callable[[Env], Awaitable[T]]]
    ) -> dict[str, list[T]]:
        """`runs` rounds of every side, alternating their order (A B, B A, A B …), each run in a
        fresh environment: a ratio is taken within a round, under the same load on the machine,
        and the figure is the median of the rounds' ratios."""
        found: dict[str, list[T]] = {side: [] for side in sides}
        order = list(sides)
        for i in range(runs):
            for side in order if i % 2 == 0 else order[::-1]:
                t0 = time.monotonic()
                async with environment(self.worker_processes) as env:
                    found[side].append(await sides[side](env))
                took = time.monotonic() - t0
                print(f"  {name} round {i + 1}/{runs} {side}: {took:.0f} s", flush=True)
        for side, results in found.items():
            self.meta["runs"][f"{name}_{side}{self.tag}"] = [_plain(r) for r in results]
        return found

    def ratio(self, name: str, values: list[float | None]) -> None:
        """A ratio figure: every round's value kept, the median of those measured reported."""
        self.meta["rounds"][name + self.tag] = [None if v is None else round(v, 4) for v in values]
        measured = [v for v in values if v is not None]
        self.figures[name] = median(measured) if measured else None

    def keep_earlier(self) -> None:
        """With --only, the other figures of an earlier run of the same mode stay in the file."""
        if not RESULTS.exists():
            return
        earlier = json.loads(RESULTS.read_text())
        meta = earlier.pop("meta", {})
        if meta.get("mode") == self.meta["mode"]:
            self.earlier = earlier
            self.meta["runs"] = meta.get("runs", {})
            self.meta["rounds"] = meta.get("rounds", {})
            keep = ("explain_", "assigned_per_s", "worker_processes")
            self.meta.update({k: v for k, v in meta.items() if k.startswith(keep)})

    def tagged(self) -> dict[str, float | None]:
        return {k + self.tag: v for k, v in self.figures.items()}

    def save(self) -> None:
        figures = {**self.earlier, **self.tagged()}
        RESULTS.write_text(
            json.dumps({**figures, "meta": self.meta}, indent=2, ensure_ascii=False) + "\n"
        )

    async def throughput(self) -> None:
        s = self.sizes
        wf = await self.repeat(
            "bare_wf", s.runs, lambda env: lifecycle.bare_workflows(env, s.bare_workflows)
        )
        self.figures["bare_wf_per_s"] = median([w.per_s for w in wf])
        n = s.lifecycle_items
        found = await self.rounds(
            "lifecycle",
            s.runs,
            {
                "bare": lambda env: lifecycle.bare_items(env, n),
                "dondoc": lambda env: lifecycle.dondoc_items(env, n),
            },
        )
        bare, ours = found["bare"], found["dondoc"]
        self.figures["bare_lifecycle_per_s"] = median([b.items_per_s for b in bare])
        self.figures["item_per_s"] = median([o.items_per_s for o in ours])
        pairs = list(zip(bare, ours, strict=True))
        self.ratio("item_vs_bare", [o.items_per_s / b.items_per_s for b, o in pairs])
        for key in ("p50", "p95", "closing_p50", "closing_p95"):
            name = f"report_rtt_{key}_ms"
            self.figures[name] = median([o.report_ms[key] for o in ours])
            self.figures[f"bare_{name}"] = median([b.report_ms[key] for b in bare])
        self.ratio(
            "report_rtt_p50_vs_bare",
            [o.report_ms["p50"] / b.report_ms["p50"] for b, o in pairs],
        )
        self.figures["events_per_item"] = median([o.events_per_item for o in ours])
        self.figures["parent_events_per_item"] = median([o.parent_events_per_item for o in ours])
        self.figures["bare_events_per_item"] = median([b.events_per_item for b in bare])

    async def latency(self) -> None:
        """The report's round trip with fewer reports in flight (1 and 10 clients, as many items
        as the lifecycle's): how much of it is dondoc's own path and how much queueing."""
        n = self.sizes.lifecycle_items
        for clients in LATENCY_CLIENTS:
            found = await self.rounds(
                f"latency_{clients}c",
                self.sizes.runs,
                {
                    "bare": lambda env, c=clients: lifecycle.bare_items(env, n, c),
                    "dondoc": lambda env, c=clients: lifecycle.dondoc_items(env, n, c),
                },
            )
            pairs = list(zip(found["bare"], found["dondoc"], strict=True))
            name = f"report_rtt_p50_ms_{clients}c"
            self.figures[name] = median([o.report_ms["p50"] for _, o in pairs])
            self.figures[f"bare_{name}"] = median([b.report_ms["p50"] for b, _ in pairs])
            self.ratio(
                f"report_rtt_p50_vs_bare_{clients}c",
                [o.report_ms["p50"] / b.report_ms["p50"] for b, o in pairs],
            )

    async def largest(self) -> None:
        n = self.sizes.directive_items
        runs = await self.repeat(
            "largest_directive", self.sizes.heavy_runs, lambda env: scale.largest_directive(env, n)
        )
        self.figures["largest_directive_items"] = n
        self.figures["largest_directive_all_assigned_s"] = median([r.all_assigned_s for r in runs])
        self.figures["largest_directive_status_view_s"] = median([r.status_view_s for r in runs])
        self.figures["largest_directive_status_page_s"] = median([r.status_page_s for r in runs])
        self.meta["assigned_per_s"] = median([r.assigned_per_s for r in runs])
        bare = await self.repeat(
            "largest_bare", self.sizes.heavy_runs, lambda env: scale.bare_starts(env, n)
        )
        self.figures["largest_bare_all_started_s"] = median([b.all_started_s for b in bare])

    async def storms(self) -> None:
        await self.storm_figures("storm", cache=self.sizes.storm_items + 1000)

    async def storms_default_cache(self) -> None:
        """Diagnosis, not in the default run: the storm with the SDK's default cache (1,000)."""
        await self.storm_figures("storm_default_cache", cache=None)

    async def storm_figures(self, prefix: str, cache: int | None) -> None:
        """Both storms with the same worker cache; `None` leaves the SDK default (1,000 runs)."""
        n = self.sizes.storm_items
        # Deadlines must fall after setup: the first run plans from the measured start rate
        # (or a cautious guess), each later run from the setup rate of the run before it.
        rate = {"dondoc": 0.7 * self.meta.get("assigned_per_s", 20.0), "bare": 25.0}

        async def ours_once(env: Env) -> storm.Storm:
            result = await storm.dondoc_storm(env, n, rate["dondoc"], cache)
            rate["dondoc"] = 0.8 * result.setup_per_s
            return result

        async def bare_once(env: Env) -> storm.Storm:
            result = await storm.bare_storm(env, n, rate["bare"], cache)
            rate["bare"] = 0.8 * result.setup_per_s
            return result

        # Rounds, not heavy runs: the ratio is a median of at least three in a full run.
        found = await self.rounds(prefix, self.sizes.runs, {"bare": bare_once, "dondoc": ours_once})
        bare, ours = found["bare"], found["dondoc"]
        self.meta[f"{prefix}_max_cached_workflows"] = cache or "SDK default (1000)"
        self.figures[f"{prefix}_items"] = n
        stalled = [o for o in ours if o.stalled]
        if stalled:
            # No time to report: how far it got, and when it stopped, instead.
            self.figures[f"{prefix}_recorded_before_stall"] = min(o.recorded for o in stalled)
            self.figures[f"{prefix}_stalled_after_s"] = min(o.all_done_s for o in stalled)
        done = [o for o in ours if not o.stalled]
        self.figures[f"{prefix}_all_escalated_s"] = (
            median([o.all_done_s for o in done]) if done else None
        )
        self.figures[f"{prefix}_lateness_p99_s"] = median([o.lateness_p99_s for o in done or ours])
        self.figures[f"{prefix}_bare_all_done_s"] = median([b.all_done_s for b in bare])
        self.figures[f"{prefix}_bare_lateness_p99_s"] = median([b.lateness_p99_s for b in bare])
        # A stalled round has no time until all escalated, so no ratio either.
        pairs = zip(bare, ours, strict=True)
        ratios = [None if o.stalled else b.all_done_s / o.all_done_s for b, o in pairs]
        self.ratio(f"{prefix}_vs_bare", ratios)

    async def memory(self) -> None:
        n = self.sizes.memory_items
        # RSS moves by ±5 KiB per item from run to run: both runners get the full run count.
        for unsandboxed, key in ((False, "worker_kib_per_cached_item"), (True, "unsandboxed")):
            runs = await self.repeat(
                f"memory_{'unsandboxed' if unsandboxed else 'sandboxed'}",
                self.sizes.runs,
                lambda env, u=unsandboxed: memory.rss_per_item(env, n, unsandboxed=u),
            )
            name = key if key.startswith("worker") else "worker_kib_per_cached_item_unsandboxed"
            self.figures[name] = median([r.kib_per_item for r in runs])
        runs = await self.repeat(
            "memory_bare", self.sizes.heavy_runs, lambda env: memory.bare_rss_per_wf(env, n)
        )
        name = "worker_kib_per_cached_bare_wf"
        self.figures[name] = median([r.kib_per_item for r in runs])
        ours, bare = (self.figures[k] for k in ("worker_kib_per_cached_item", name))
        self.figures["worker_kib_per_cached_item_vs_bare"] = ours / bare if ours and bare else None

    def lists(self) -> None:
        s = self.sizes
        found = {"": lists.on_sqlite(s.list_open_items, s.list_page_runs)}
        pg = lists.on_postgres(s.list_open_items, s.list_page_runs)
        if pg is not None:
            found["_pg"] = pg
        self.figures["overdue_list_items"] = s.list_open_items
        for suffix, times in found.items():
            # `dondoc list --overdue` (and list_items as the CLI calls it) shows a page of 50:
            # that is the figure with the target; every row at once (`--limit 0`) is context.
            self.figures[f"overdue_list{suffix}_rows"] = times.rows_all
            self.figures[f"overdue_list{suffix}_p95_ms"] = percentile(times.page_ms, 95)
            self.figures[f"overdue_list{suffix}_all_rows_p95_ms"] = percentile(times.all_ms, 95)
            self.meta[f"explain_{times.backend}"] = times.explain
            self.meta["runs"][f"list_{times.backend}"] = asdict(times) | {"explain": None}


def _plain(result: Any) -> Any:
    return asdict(result) if hasattr(result, "__dataclass_fields__") else result


async def main(
    quick: bool,
    only: set[str],
    heavy_runs: int | None,
    storm_items: int | None,
    worker_processes: int = 1,
) -> None:
    sizes = QUICK if quick else FULL
    if heavy_runs is not None:
        sizes = replace(sizes, heavy_runs=heavy_runs)
    if storm_items is not None:
        sizes = replace(sizes, storm_items=storm_items)
    bench = Bench(sizes, quick, worker_processes)
    if only:
        bench.keep_earlier()
    steps: list[tuple[str, Callable[[], Awaitable[None]]]] = [
        ("throughput", bench.throughput),
        ("latency", bench.latency),
        ("lists", lambda: asyncio.to_thread(bench.lists)),
        ("memory", bench.memory),
        ("largest", bench.largest),  # measures the start rate the storm's setup plans with
        ("storm", bench.storms),
        ("storm-default-cache", bench.storms_default_cache),
    ]
    default = {name for name, _ in steps} - {"storm-default-cache"}
    t0 = time.monotonic()
    for name, step in steps:
        if name not in (only or default):
            continue
        print(f"{name} …", flush=True)
        t1 = time.monotonic()
        await step()
        print(f"  {name}: {time.monotonic() - t1:.0f} s", flush=True)
        bench.meta["elapsed_s"] = round(time.monotonic() - t0)
        bench.save()
    print()
    print(table({**bench.earlier, **bench.tagged()}))
    print(f"\n{bench.meta['mode']} run in {bench.meta['elapsed_s']} s; wrote {RESULTS}")


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="reduced sizes, under 3 minutes")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        choices=[
            "throughput",
            "latency",
            "lists",
            "memory",
            "largest",
            "storm",
            "storm-default-cache",
        ],
        help="run only these figure groups (repeatable); storm-default-cache only when named",
    )
    parser.add_argument(
        "--heavy-runs", type=int, default=None, help="runs for bare memory and largest directive"
    )
    parser.add_argument("--storm-items", type=int, default=None, help="items in each storm")
    parser.add_argument(
        "--worker-processes",
        type=int,
        default=1,
        help="worker processes for dondoc and bare (figures then named _Nproc)",
    )
    args = parser.parse_args()
    asyncio.run(
        main(
            args.quick,
            set(args.only),
            args.heavy_runs,
            args.storm_items,
            args.worker_processes,
        )
    )


if __name__ == "__main__":
    cli()
