"""A bare timer started as an item is (bench.item_memory `--kind shaped`): what the start costs.

Its body is `BareTimer`'s (one timer). Its start carries what an item's start carries: a workflow
id of dondoc's form, an argument of the ItemInput's size and the directive's search attribute.
The gap between it and `BareTimer` is what the started event costs a cached run; the gap between
it and `TaskItem` is what the item's own workflow code keeps.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow


@workflow.defn(name="ShapedTimer")
class ShapedTimer:
    """Sleeps until `at`; `carried` (the size of an item's input) is only kept, as an input is."""

    @workflow.run
    async def run(self, at: datetime, carried: str) -> None:
        await workflow.sleep(max(at - workflow.now(), timedelta(0)))
