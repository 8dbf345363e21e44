"""Memory per cached open item, cheaply: `python -m bench.item_memory` (issue 13, figure 5's parts).

Not the benchmark (bench.memory starts a directive, a database and a worker process): here each
pass is a fresh process of its own (`--child`) whose worker, on one in-memory dev server, holds
N open `TaskItem` runs (started as `start_items` starts them: `assigned`, the directive's search
attribute), or N `BareTimer` runs (`--kind shaped`: bench.shaped, a bare timer started as an
item is). The kinds take turns, `--rss-rounds` times. For each pass it reports
- `rss_kib`: worker-process RSS growth per run (gc and malloc_trim before each reading; the
  Rust core's share is what tracemalloc does not see);
- `traced_kib`: Python heap kept per run (tracemalloc), and the top files and lines it came from;
- `parts`: the object graph of sampled runs, by part (bench.heap_graph): `book.<field>` (the
  item's live state), `workflow.<attr>`, `sdk.<attr>` (the SDK's per-run instance), `sandbox.*`;
- `objects`: without a server, what decoding one `ItemInput` payload and building the workflow
  object cost (tracemalloc), beside a `BareTimer`'s datetime.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import json
import os
import sys
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import psutil
from temporalio.client import Client
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from bench import bare, heap_graph, plans, shaped
from bench.harness import bounded
from bench.worker_proc import bare_worker
from dondoc.client import data_converter
from dondoc.config import Settings, item_workflow_id
from dondoc.db.session import make_engine, session_factory
from dondoc.local.devserver import binary
from dondoc.schemas.messages import ItemInput, ItemSpec
from dondoc.worker import build_worker
from dondoc.workflows.directive import DIRECTIVE_KEY
from dondoc.workflows.item import TaskItemWorkflow

CLIENTS = 50
SAMPLE = 40  # runs walked for the object-graph parts
_LIBC = ctypes.CDLL("libc.so.6")


def specs(n: int) -> list[ItemSpec]:
    """Items as bench.memory opens them: one lead, one support, due in 30 days."""
    plan = plans.plan(n, datetime.now(UTC) + timedelta(days=30), support=("MTTQ",))
    return [plan.spec(i) for i in plan.items]


def _settle() -> int:
    gc.collect()
    _LIBC.malloc_trim(0)
    return int(psutil.Process().memory_info().rss)


# -- without a server ------------------------------------------------------------------------


def _traced(build: Callable[[], list[Any]], n: int) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    kept = build()
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    assert len(kept) == n
    return sum(s.size_diff for s in after.compare_to(before, "filename")) / n / 1024


def objects(n: int) -> dict[str, float]:
    conv = data_converter.payload_converter
    items = [conv.to_payloads([ItemInput(spec=s, assigned=True)])[0] for s in specs(n)]
    at = datetime.now(UTC) + timedelta(days=30)
    timers = [conv.to_payloads([at])[0] for _ in range(n)]

    def decode_items() -> list[Any]:
        return [conv.from_payloads([p], [ItemInput])[0] for p in items]

    def item_runs() -> list[Any]:
        return [TaskItemWorkflow(conv.from_payloads([p], [ItemInput])[0]) for p in items]

    def decode_timers() -> list[Any]:
        return [conv.from_payloads([p], [datetime])[0] for p in timers]

    def bare_runs() -> list[Any]:
        return [(bare.BareTimer(), conv.from_payloads([p], [datetime])[0]) for p in timers]

    return {
        "item_payload_bytes": float(len(items[0].data)),
        "item_input_decoded_kib": _traced(decode_items, n),
        "item_input_and_workflow_kib": _traced(item_runs, n),
        "bare_input_decoded_kib": _traced(decode_timers, n),
        "bare_input_and_workflow_kib": _traced(bare_runs, n),
    }


# -- on a worker -----------------------------------------------------------------------------


def _running(worker: Worker) -> dict[str, Any]:
    return worker._workflow_worker._running_workflows  # type: ignore[union-attr]


async def _open(client: Client, queue: str, kind: str, n: int, worker: Worker) -> list[str]:
    tag, expected = uuid.uuid4().hex[:6], len(_running(worker)) + n
    conv = data_converter.payload_converter
    at = datetime.now(UTC) + timedelta(days=30)

    def start(i: int, spec: ItemSpec) -> Callable[[], Awaitable[None]]:
        async def go() -> None:
            if kind == "bare":
                await client.start_workflow(
                    bare.BareTimer.run, at, id=f"mem-{tag}-{i}", task_queue=queue
                )
                return
            if kind == "shaped":
                carried = "x" * len(conv.to_payloads([ItemInput(spec=spec, assigned=True)])[0].data)
                await client.start_workflow(
                    shaped.ShapedTimer.run,
                    args=[at, carried],
                    id=item_workflow_id(spec.directive_code, f"{tag}-{spec.number}"),
                    task_queue=queue,
                    search_attributes=TypedSearchAttributes(
                        [SearchAttributePair(DIRECTIVE_KEY, spec.directive_code)]
                    ),
                )
                return
            await client.start_workflow(
                "TaskItem",
                ItemInput(spec=spec, assigned=True),
                id=item_workflow_id(spec.directive_code, spec.number),
                task_queue=queue,
                search_attributes=TypedSearchAttributes(
                    [SearchAttributePair(DIRECTIVE_KEY, spec.directive_code)]
                ),
            )

        return go

    known = set(_running(worker))
    await bounded(CLIENTS, [start(i, s) for i, s in enumerate(specs(n))])
    for _ in range(1200):  # every new run cached and waiting on its timer
        runs = _running(worker)
        waiting = [r for r in runs.values() if heap_graph.impl_of(r)._pending_timers]
        if len(runs) >= expected and len(waiting) >= expected:
            break
        await asyncio.sleep(0.1)
    else:
        raise TimeoutError(f"{kind}: {len(_running(worker))} of {expected} runs cached")
    await asyncio.sleep(0.5)  # the last completions sent
    return [k for k in _running(worker) if k not in known]


def _worker(client: Client, queue: str, kind: str, cache: int, sandboxed: bool) -> Worker:
    if kind in ("bare", "shaped"):
        built = bare_worker(client, f"{queue}-template", Settings())
    else:
        sessions = session_factory(make_engine("sqlite://"))  # no activity runs at start
        built = build_worker(client, sessions, f"{queue}-template")
    config = built.config()
    config["task_queue"] = queue
    config["max_cached_workflows"] = cache
    if kind == "shaped":
        config["workflows"] = [shaped.ShapedTimer]
    if not sandboxed:
        config["workflow_runner"] = UnsandboxedWorkflowRunner()
    return Worker(**config)


async def on_worker(
    client: Client,
    kind: str,
    n: int,
    warm: int,
    *,
    sandboxed: bool,
    trace: bool,
    top: int,
    types_of: Sequence[str] = (),
) -> dict[str, Any]:
    queue = f"mem-{kind}-{uuid.uuid4().hex[:6]}"
    worker = _worker(client, queue, kind, n + warm + 100, sandboxed)
    out: dict[str, Any] = {"kind": kind, "sandboxed": sandboxed, "items": n}
    async with worker:
        await _open(client, queue, kind, warm, worker)
        rss = _settle()
        if trace:
            tracemalloc.start(8)
            before = tracemalloc.take_snapshot()
        new = await _open(client, queue, kind, n, worker)
        out["rss_kib"] = (_settle() - rss) / 1024 / n
        if trace:
            after = tracemalloc.take_snapshot()
            tracemalloc.stop()
            out |= heap_graph.traced_report(before, after, n, top)
            runs = [_running(worker)[k] for k in new[:SAMPLE]]
            fence = list(_running(worker).values())
            shared = heap_graph.shared_ids([*fence, _running(worker)], [worker, client])
            out["parts"] = _rounded(heap_graph.attribute(runs, shared), top * 2)
            out["types"] = _rounded(heap_graph.types_of(runs, shared), top)
            for prefix in types_of:
                found = heap_graph.types_of(runs, shared, prefix)
                out[f"types_of:{prefix}"] = _rounded(found, top)
    return out


def _rounded(d: dict[str, float], top: int) -> dict[str, float]:
    return {k: round(v, 1) for k, v in list(d.items())[:top]} | {"(all)": round(sum(d.values()), 1)}


async def child(args: argparse.Namespace) -> dict[str, Any]:
    """One worker pass in this (fresh) process, on the parent's server."""
    client = await Client.connect(args.address, data_converter=data_converter)
    [kind] = args.kind
    return await on_worker(
        client,
        kind,
        args.items,
        args.warm,
        sandboxed=not args.unsandboxed,
        trace=args.trace,
        top=args.top,
        types_of=args.types_of,
    )


async def _pass(address: str, kind: str, argv: list[str]) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.item_memory",
        "--child",
        address,
        "--kind",
        kind,
        *argv,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"{kind} pass failed ({proc.returncode})")
    found: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return found


async def main(args: argparse.Namespace) -> dict[str, Any]:
    """Each worker pass in a process of its own (RSS is not reused from an earlier pass)."""
    result: dict[str, Any] = {"objects": objects(args.items)}
    if args.objects_only:
        return result
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=[DIRECTIVE_KEY],
        data_converter=data_converter,
    )
    address = env.client.service_client.config.target_host
    common = ["--warm", str(args.warm), "--top", str(args.top)]
    common += ["--unsandboxed"] if args.unsandboxed else []
    try:
        runs = []
        for _ in range(args.rss_rounds):  # kinds alternate, as bench.run's rounds do
            for kind in args.kind:
                argv = [*common, "--items", str(args.rss_items), "--no-trace"]
                runs.append(await _pass(address, kind, argv))
        for kind in args.kind if args.trace else ():
            argv = [*common, "--items", str(args.items)]
            argv += [a for p in args.types_of for a in ("--types-of", p)]
            runs.append(await _pass(address, kind, argv))
        result["workers"] = runs
    finally:
        await env.shutdown()
    return result


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.item_memory")
    parser.add_argument("--items", type=int, default=300, help="runs per traced pass")
    parser.add_argument("--rss-items", type=int, default=1000, help="runs per RSS pass")
    parser.add_argument("--rss-rounds", type=int, default=1, help="RSS passes of each kind")
    parser.add_argument("--warm", type=int, default=300, help="runs before the first reading")
    parser.add_argument("--kind", action="append", choices=["dondoc", "bare", "shaped"])
    parser.add_argument("--unsandboxed", action="store_true")
    parser.add_argument("--objects-only", action="store_true")
    parser.add_argument("--no-trace", dest="trace", action="store_false", help="RSS passes only")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--out", help="write every figure as JSON here")
    parser.add_argument(
        "--types-of", action="append", default=[], help="object types of the parts named so"
    )
    parser.add_argument("--child", metavar="ADDRESS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.kind = args.kind or ["dondoc", "bare"]
    return args


def summary(result: dict[str, Any]) -> str:
    lines = [f"{k:<40} {v:9.2f}" for k, v in result["objects"].items()]
    for w in result.get("workers", []):
        head = f"{w['kind']} ({'sandboxed' if w['sandboxed'] else 'unsandboxed'})"
        lines.append(f"{head}: rss {w['rss_kib']:.1f} KiB/run")
        if "traced_kib" in w:
            lines.append(f"  traced (Python heap) {w['traced_kib']:.1f} KiB/run; parts, B/run:")
            lines += [f"    {k:<50} {v:9.1f}" for k, v in w["parts"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    args = parse()
    if args.child:
        args.address = args.child
        print(json.dumps(asyncio.run(child(args))), flush=True)
        os._exit(0)  # not the SDK's runtime threads at interpreter exit
    result = asyncio.run(main(args))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1, ensure_ascii=False)
    print(summary(result), flush=True)
