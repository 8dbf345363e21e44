"""The Vietnamese calendar and the deadline planner: pure, they read no settings, file or clock."""
