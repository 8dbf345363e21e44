"""Text that every database can store: codes, notes and reasons without control characters."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Strict, StringConstraints

# C0 controls but tab and newline, DEL and C1 controls. PostgreSQL refuses NUL in text outright;
# the others break logs, terminals and exports downstream. (Lone surrogates, which no UTF-8
# encoder can write, pydantic refuses in every str field already.)
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def storable(value: str) -> str:
    """The value itself, or a ValueError naming the first control character and where it is."""
    found = _UNSTORABLE.search(value)
    if found is not None:
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X} at position"
            f" {found.start()}: only printable text, tabs and line breaks are accepted"
        )
    return value


Storable = AfterValidator(storable)

# A unit's or the committee's code (64 characters, as the database columns hold).
Code = Annotated[str, Strict(), StringConstraints(min_length=1, max_length=64), Storable]
# Free text: notes, optional reasons.
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000), Storable]
# A reason that must be given.
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), Storable
]
# The person who acted, as signed in (a username); filled by the web server, never by the body.
Username = Annotated[
    str, Strict(), StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
]
