"""Unit names in a directive's text, matched to a registry despite case, accents, abbreviations."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from dondoc.importer.text_model import ImportTextError

_FOLD = {
    i: (lambda b: b if len(b) == 1 else chr(i))(unicodedata.normalize("NFD", chr(i))[0].lower())
    for i in range(0x20, 0x2000)
    if chr(i).isalpha()
}
_FOLD.update({ord("đ"): "d", ord("Đ"): "d"})
_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")

# Written-out form <-> the abbreviation offices use; both directions are tried.
ABBREVIATIONS: list[tuple[tuple[str, ...], tuple[str, ...]]] = [
    (("uy", "ban", "nhan", "dan"), ("ubnd",)),
    (("hoi", "dong", "nhan", "dan"), ("hdnd",)),
    (("mat", "tran", "to", "quoc"), ("mttq",)),
    (("thanh", "nien", "cong", "san"), ("tncs",)),
    (("doan", "thanh", "nien"), ("doan", "tn")),
    (("lien", "hiep", "phu", "nu"), ("lhpn",)),
    (("cuu", "chien", "binh"), ("ccb",)),
    (("ban", "thuong", "vu"), ("btv",)),
    (("chinh", "tri", "xa", "hoi"), ("ct", "xh")),
    (("ban", "chi", "huy", "quan", "su"), ("ban", "chqs")),
    (("to", "dan", "van"), ("tdv",)),
]
_OPTIONAL = [("viet", "nam"), ("ho", "chi", "minh"), ("cong", "san"), ("truc", "thuoc")]


def phrase_set(text: str) -> frozenset[str]:
    """`"a|b c"` -> {"a", "b c"}: long word lists kept as one readable string."""
    return frozenset(text.split("|"))


def locality_word(words: tuple[str, ...] | list[str], j: int) -> int:
    """How many tokens the locality word at `j` takes ("thị xã": 2), 0 if there is none."""
    if j >= len(words):
        return 0
    pair = tuple(words[j : j + 2])
    if pair in (("thi", "xa"), ("thi", "tran"), ("thanh", "pho")):
        return 2
    return (
        1 if words[j] in ("phuong", "xa", "huyen", "tinh", "quan") and pair != ("xa", "hoi") else 0
    )


def fold(text: str) -> str:
    """Lowercase without diacritics, one character for one: positions stay those of `text`."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Token:
    word: str  # folded
    start: int
    end: int
    sep: str  # the characters between the previous token and this one
    cap: bool  # written with a capital letter


def tokens(text: str) -> list[Token]:
    folded = fold(text)
    out: list[Token] = []
    prev = 0
    for m in re.finditer(r"\w+", folded):
        out.append(
            Token(m.group(), m.start(), m.end(), text[prev : m.start()], text[m.start()].isupper())
        )
        prev = m.end()
    return out


@dataclass
class RegistryUnit:
    code: str
    name: str
    aliases: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)


def variants(name: str) -> set[tuple[str, ...]]:
    """The token sequences a unit's name may appear as: abbreviated, without its locality's name."""
    base = tuple(t.word for t in tokens(name))
    if not base:
        return set()
    found = {base}
    if base[0] == "cac" and len(base) > 1:
        found.add(base[1:])
    for v in list(found):
        cut = [i for i in range(1, len(v)) if locality_word(v, i)]
        if cut:
            found.add(v[: cut[-1] + locality_word(v, cut[-1])])
            found.add(v[: cut[-1]])
    for _ in range(3):
        for v in list(found):
            for long, short in ABBREVIATIONS:
                found |= {_replace(v, long, short), _replace(v, short, long)}
            for part in _OPTIONAL:
                found.add(_replace(v, part, ()))
            if v[:3] == ("uy", "ban", "mttq") or v[:4] == ("uy", "ban", "mat", "tran"):
                found.add(v[2:])  # "Mặt trận Tổ quốc xã" for "Ủy ban MTTQ xã"
        if len(found) > 200:
            break
    return {v for v in found if v and (len(v) > 1 or len(v[0]) >= 3)}


def _replace(seq: tuple[str, ...], old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    n = len(old)
    for i in range(len(seq) - n + 1):
        if seq[i : i + n] == old:
            return seq[:i] + new + seq[i + n :]
    return seq


class Registry:
    """Known units (and groups) by every token sequence their names and aliases may take."""

    def __init__(self, units: list[RegistryUnit]) -> None:
        self.units = {u.code: u for u in units}
        self.keys: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for u in units:
            for text in [u.name, *u.aliases]:
                for v in variants(text):
                    self.keys.setdefault(v[0], []).append((v, u.code))
        for entries in self.keys.values():
            entries.sort(key=lambda e: -len(e[0]))

    def match(self, words: list[str], i: int) -> tuple[int, str] | None:
        """The longest registry name starting at token `i`: (length, code)."""
        for key, code in self.keys.get(words[i], ()):
            if tuple(words[i : i + len(key)]) == key:
                return len(key), code
        return None


def load_registry(path: Path) -> Registry:
    """A YAML list of `{code, name, aliases?, members?}`; `members` makes the entry a group."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ImportTextError(f"{path}: no such units file") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImportTextError(f"{path}: cannot read the units file ({exc})") from None
    if isinstance(data, dict) and "units" in data:
        data = data["units"]
    if not isinstance(data, list) or not data:
        raise ImportTextError(f"{path}: expected a list of units: - {{code: UBND, name: ...}}")
    units: list[RegistryUnit] = []
    for n, entry in enumerate(data, start=1):
        where = f"{path}: unit #{n}"
        if not isinstance(entry, dict) or set(entry) - {"code", "name", "aliases", "members"}:
            raise ImportTextError(f"{where}: write {{code, name, aliases?, members?}}")
        code, name = entry.get("code"), entry.get("name")
        if not isinstance(code, str) or not _CODE.match(code):
            raise ImportTextError(f"{where}: code '{code}' must be letters, digits, _ . - (≤64)")
        if not isinstance(name, str) or not name.strip():
            raise ImportTextError(f"{where} ({code}): name is missing")
        aliases, members = entry.get("aliases") or [], entry.get("members") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise ImportTextError(f"{where} ({code}): aliases must be a list of names")
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ImportTextError(f"{where} ({code}): members must be a list of unit codes")
        if any(u.code == code for u in units):
            raise ImportTextError(f"{where}: code '{code}' is listed twice")
        units.append(
            RegistryUnit(code, unicodedata.normalize("NFC", name.strip()), aliases, members)
        )
    codes = {u.code for u in units}
    for u in units:
        for m in u.members:
            if m not in codes or m == u.code or units[[x.code for x in units].index(m)].members:
                raise ImportTextError(
                    f"{path}: '{m}' in group {u.code} is not a plain unit listed here"
                )
    return Registry(units)
