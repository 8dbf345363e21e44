"""Expected, user-facing errors: the CLI prints their message on one line and exits 2."""


class DondocError(Exception):
    """Something the user can fix; the message says what is wrong, where, and what to do."""
