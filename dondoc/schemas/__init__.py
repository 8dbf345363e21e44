"""Pydantic models for everything that crosses a boundary (files, workflows, activities, CLI)."""

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Base of every boundary model: immutable, and unknown fields are an error."""

    model_config = ConfigDict(frozen=True, extra="forbid")
