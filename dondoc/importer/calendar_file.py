"""The site's calendar file (DONDOC_CALENDAR_FILE): its own days off and make-up working days."""

from __future__ import annotations

from pathlib import Path

import yaml

from dondoc.errors import InvalidSetting
from dondoc.importer.yaml_guard import compose, decode
from dondoc.schemas.overrides import CalendarOverrides, OverridesError, load_overrides

SETTING = "DONDOC_CALENDAR_FILE"


def read_site_overrides(path: Path | None) -> CalendarOverrides | None:
    """The overrides in the file at `path`; `None` when no file is configured.

    Read once by each entry point (the worker at start, the CLI per command) and handed to the
    planner, which reads nothing itself. Raises `InvalidSetting` naming the file and each
    problem on one line, e.g. `DONDOC_CALENDAR_FILE=lich.yaml: days_off -> 31/02/2026: ...`.
    """
    if path is None:
        return None
    where = f"{SETTING}={path}"
    try:
        text, bad = decode(Path(path).read_bytes())
        if bad:
            first = bad[0]
            raise InvalidSetting(f"{where}: line {first.line}: {first.message}")
        # The directive files' guarded reader: depth, alias and size limits, duplicate keys.
        _, data, duplicates = compose(text)
        if duplicates:
            raise InvalidSetting(f"{where}: line {duplicates[0].line}: {duplicates[0].message}")
    except OSError as exc:
        raise InvalidSetting(f"{where}: cannot read the calendar file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise InvalidSetting(f"{where}: the calendar file is not valid YAML ({problem})") from None
    try:
        return load_overrides(data)
    except OverridesError as exc:
        raise InvalidSetting(f"{where}: {'; '.join(exc.problems)}") from None
