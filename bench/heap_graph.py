"""What a cached workflow run keeps alive in Python, by part: an object-graph walk.

Each run is walked from its roots in priority order (the workflow's own state first, then the
SDK's per-run instance, then the sandbox); an object is counted under the first part that
reaches it. Objects reachable from the process's modules, or from more than one sampled run
(interned strings, enum members, classes, shared converters), are shared and not counted.
Sizes are `sys.getsizeof` (no allocator rounding): tracemalloc gives the true Python total.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from dondoc.sandbox import unwrapped

Roots = list[tuple[str, list[Any]]]


def _referents(obj: Any) -> list[Any]:
    return gc.get_referents(obj)


def reach(roots: Iterable[Any], *stops: Container[int]) -> dict[int, Any]:
    """Every object reachable from `roots`, not crossing `stops`, modules or classes."""
    seen: dict[int, Any] = {}
    todo = list(roots)
    while todo:
        obj = todo.pop()
        key = id(obj)
        if key in seen or any(key in s for s in stops) or isinstance(obj, type | ModuleType):
            continue
        seen[key] = obj
        todo.extend(_referents(obj))
    return seen


def shared_ids(fence: Iterable[Any], extra_roots: Iterable[Any] = ()) -> set[int]:
    """What the whole process shares: reachable from its modules (and `extra_roots`, the
    worker), without entering `fence` (the per-run objects themselves)."""
    fenced = {id(f) for f in fence}
    roots: list[Any] = [*sys.modules.values(), *extra_roots]
    seen: set[int] = set(fenced)
    todo: list[Any] = []
    for r in roots:
        todo.extend(_referents(r))
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        todo.extend(_referents(obj))
    return seen - fenced


def sandbox_of(running: Any) -> Any:
    """A cache entry's instance as the runner built it (dondoc's runner wraps the sandbox's)."""
    return unwrapped(running.instance)


def impl_of(running: Any) -> Any:
    """The SDK's workflow instance of a cache entry (inside its sandbox, if sandboxed)."""
    sandbox = sandbox_of(running)
    if hasattr(sandbox, "globals_and_locals"):
        return sandbox.globals_and_locals["__temporal_in_sandbox"].instance
    return sandbox


def parts_of_run(running: Any) -> Roots:
    """A cached run's roots, the workflow's own state first (dondoc's `Book` field by field)."""
    sandbox, impl = sandbox_of(running), impl_of(running)
    parts: Roots = []
    wf = impl._object
    book = getattr(wf, "b", None)
    if isinstance(book, BaseModel):
        parts += [(f"book.{name}", [getattr(book, name)]) for name in type(book).model_fields]
        parts.append(("book (instance)", [book]))
    parts += [(f"workflow.{k}", [v]) for k, v in vars(wf).items()]
    parts.append(("workflow (instance)", [wf]))
    parts += [(f"sdk.{k}", [v]) for k, v in vars(impl).items() if k != "_object"]
    parts.append(("sdk (instance)", [impl]))
    if sandbox is not impl:
        parts += [(f"sandbox.{k}", [v]) for k, v in vars(sandbox).items()]
        parts.append(("sandbox (instance)", [sandbox]))
    parts.append(("running (cache entry)", [running]))
    return parts


def claims(running: Any, shared: set[int]) -> dict[int, tuple[str, Any]]:
    """Every object private to this run's parts, with the part that claimed it."""
    claimed: dict[int, tuple[str, Any]] = {}
    parts = parts_of_run(running)
    # A part does not enter another part's instance (a timer's future holds the SDK's
    # instance, its event loop): each instance is claimed by its own "(instance)" part.
    fence = {id(r) for label, roots in parts if label.endswith("(instance)") for r in roots}
    for label, roots in parts:
        own = {id(r) for r in roots}
        for key, obj in reach(roots, shared, claimed, fence - own).items():
            claimed[key] = (label, obj)
    return claimed


def _tally(
    runs: list[Any], shared: set[int], key_of: Callable[[str, Any], str | None]
) -> dict[str, float]:
    """Bytes per run, summed by `key_of(part, object)`, of objects private to one run."""
    per_run = [claims(running, shared) for running in runs]
    counts: Counter[int] = Counter(k for claimed in per_run for k in claimed)
    total: defaultdict[str, int] = defaultdict(int)
    for claimed in per_run:
        for key, (label, obj) in claimed.items():
            name = key_of(label, obj)
            if counts[key] == 1 and name is not None:
                total[name] += sys.getsizeof(obj)
    return {k: v / len(runs) for k, v in sorted(total.items(), key=lambda kv: -kv[1])}


def attribute(runs: list[Any], shared: set[int]) -> dict[str, float]:
    """Bytes per run by part, over the sampled `runs`."""
    return _tally(runs, shared, lambda label, _obj: label)


def types_of(runs: list[Any], shared: set[int], label_prefix: str = "") -> dict[str, float]:
    """Bytes per run by object type (of the parts whose label starts with `label_prefix`)."""
    return _tally(
        runs,
        shared,
        lambda label, obj: type(obj).__qualname__ if label.startswith(label_prefix) else None,
    )


def traced_report(
    before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, n: int, top: int
) -> dict[str, Any]:
    """Python heap kept per run (KiB), and the files and lines that allocated it (B per run)."""
    by_file = after.compare_to(before, "filename")
    by_line = after.compare_to(before, "lineno")
    total = sum(s.size_diff for s in by_file) / n / 1024

    def table(stats: list[tracemalloc.StatisticDiff], line: bool) -> dict[str, float]:
        picked = sorted(stats, key=lambda s: -s.size_diff)[:top]
        out = {}
        for s in picked:
            frame = s.traceback[0]
            path = frame.filename.split("site-packages/")[-1].split("/work/main/")[-1]
            out[f"{path}:{frame.lineno}" if line else path] = round(s.size_diff / n, 1)
        return out

    return {
        "traced_kib": total,
        "traced_by_file_b": table(by_file, line=False),
        "traced_by_line_b": table(by_line, line=True),
    }
