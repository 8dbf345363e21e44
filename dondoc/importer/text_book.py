"""The units a draft uses: the registry's, and new ones named after the text, each explained."""

from __future__ import annotations

from dondoc.importer.text_mentions import Mention
from dondoc.importer.text_model import DraftUnit
from dondoc.importer.text_units import ABBREVIATIONS, Registry, fold, locality_word


class UnitBook:
    """The units a draft uses: the registry's, and new ones named after the text."""

    def __init__(self, registry: Registry | None) -> None:
        self.registry = registry
        self.units: dict[str, DraftUnit] = {}
        self._new: dict[tuple[str, str], str] = {}  # (core, locality) -> code

    def peek(self, m: Mention) -> str | None:
        """The code a mention stands for, without adding a unit to the draft."""
        if m.kind == "registry":
            return m.key
        return self._find(_norm(m.key)) if m.kind == "new" else None

    def _find(self, key: tuple[str, str]) -> str | None:
        """A unit already named: the same core and locality, or the same core where one has none."""
        if key in self._new:
            return self._new[key]
        return next(
            (c for (core, loc), c in self._new.items() if core == key[0] and "" in (loc, key[1])),
            None,
        )

    def resolve(self, m: Mention) -> list[str]:
        if m.kind == "vague":
            return []
        if m.kind == "registry" or (
            m.kind == "counted" and self.registry and m.key in self.registry.units
        ):
            return [self._from_registry(m.key, m.count)]
        if m.kind == "counted":
            return [self._counted(m.key, m.count)]
        return [self.new(m.key)]

    def _from_registry(self, code: str, count: int = 0) -> str:
        assert self.registry is not None
        if code not in self.units:
            u = self.registry.units[code]
            note = "danh bạ"
            if count and u.members and len(u.members) != count:
                note += f"; văn bản ghi {count} đơn vị, danh bạ có {len(u.members)}: cần xem lại"
            self.units[code] = DraftUnit(code, u.name, note, list(u.members))
            for member in u.members:
                self._from_registry(member)
        return code

    def new(self, name: str, note: str = "") -> str:
        key = _norm(name)
        if (found := self._find(key)) is not None:
            return found
        code = self._unique(_code_for(name))
        self._new[key] = code
        self.units[code] = DraftUnit(
            code, name, note or f'mới: "{name}" không có trong danh bạ: cần xem lại mã và tên'
        )
        return code

    def _counted(self, noun: str, count: int) -> str:
        key = (_norm(noun)[0], "")
        if (found := self._find(key)) is not None:
            return found
        code = self._unique(_code_for(noun))
        members = [self._unique(f"{code}_{n:02d}") for n in range(1, count + 1)]
        for n, member in enumerate(members, start=1):
            self.units[member] = DraftUnit(member, f"{noun} {n}", "mới: tên tạm theo số thứ tự")
        self._new[key] = code
        self.units[code] = DraftUnit(
            code,
            f"Các {noun.lower()}",
            f'nhóm mới: "{count:02d} {noun.lower()}": {count} thành'
            " viên đặt tên tạm, cần ghi tên thật",
            members,
        )
        return code

    def _unique(self, code: str) -> str:
        taken = set(self.units) | (set(self.registry.units) if self.registry else set())
        if code not in taken:
            return code
        n = 2
        while f"{code}_{n}" in taken:
            n += 1
        return f"{code}_{n}"

    def expand(self, codes: list[str]) -> set[str]:
        out: set[str] = set()
        for c in codes:
            unit = self.units.get(c)
            out |= set(unit.members) if unit and unit.members else {c}
        return out


def _norm(name: str) -> tuple[str, str]:
    """A new unit's identity: its name's core (abbreviated, no "các"), and its locality."""
    words = tuple(w for w in fold(name).replace("-", " ").split() if w.isalnum())
    if words[:1] == ("cac",):
        words = words[1:]
    for long, short in [*ABBREVIATIONS, (("uy", "ban", "mttq"), ("mttq",))]:
        words = _sub(_sub(words, long, short), long, short)
    for part in (("viet", "nam"), ("ho", "chi", "minh"), ("truc", "thuoc")):
        words = _sub(words, part, ())
    cut = [i for i in range(1, len(words)) if locality_word(words, i)]
    if not cut:
        return " ".join(words), ""
    i = cut[-1]
    return " ".join(words[:i]), " ".join(words[i : i + locality_word(words, i)])


def _sub(words: tuple[str, ...], old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    n = len(old)
    for i in range(len(words) - n + 1):
        if words[i : i + n] == old:
            return words[:i] + new + words[i + n :]
    return words


def _code_for(name: str) -> str:
    core, loc = _norm(name)
    words = [w for w in core.split() if w not in ("va", "cua")]
    code = "_".join(words).upper()
    if len(code) > 24:
        code = "_".join([w.upper() for w in words[:1]] + ["".join(w[0] for w in words[1:]).upper()])
    if loc in ("tinh", "huyen", "thi xa", "thanh pho", "quan"):
        code += "_" + loc.replace(" ", "_").upper()
    code = "".join(ch for ch in code if ch.isascii() and (ch.isalnum() or ch == "_"))[:40]
    return code if code and code[0].isalpha() else f"U_{code or 'DON_VI'}"
