"""What runs an embedded or time-skipping Temporal server: the dev server, the demo, simulate."""
