"""Activities: every side effect of the workflows, each idempotent through a business key."""
