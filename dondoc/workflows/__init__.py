"""Temporal workflows: one directive workflow, one task-item workflow per item."""
