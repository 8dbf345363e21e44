"""Where a sentence names a unit: registry names, unit-shaped phrases, vague and counted ones."""

from __future__ import annotations

from dataclasses import dataclass

from dondoc.importer.text_units import Registry, Token, locality_word


def _phrases(text: str) -> list[tuple[str, ...]]:
    """Folded phrases written `a b|c d`, longest first (so "ban thuong vu thi uy" wins)."""
    return sorted((tuple(p.split()) for p in text.split("|")), key=lambda p: -len(p))


# Names complete in themselves ("Công an xã", "Hội Nông dân phường"): a locality may follow.
_FIXED = _phrases(
    "ban thuong vu thi uy|btv thi uy|ban thuong vu tinh uy|btv tinh uy|ban thuong vu huyen uy|"
    "btv huyen uy|ban thuong vu dang uy|btv dang uy|ban thuong vu thanh uy|btv thanh uy|btv|"
    "mat tran|uy ban nhan dan|ubnd|hoi dong nhan dan|hdnd|uy ban mat tran to quoc viet nam|"
    "uy ban mat tran to quoc|uy ban mttq viet nam|uy ban mttq|mat tran to quoc viet nam|"
    "mat tran to quoc|mttq|ban thuong vu|dang uy|huyen uy|tinh uy|thi uy|thanh uy|chi bo|"
    "chi uy|khoi van|khoi dan van|ban dan van|ban tuyen giao|ban to chuc|uy ban kiem tra|"
    "doan thanh nien cong san ho chi minh|doan tncs ho chi minh|doan thanh nien|doan tn|"
    "hoi lien hiep phu nu|hoi lhpn|hoi phu nu|hoi nong dan|hoi cuu chien binh|hoi ccb|"
    "hoi chu thap do|hoi nguoi cao tuoi|lien doan lao dong|cong an|ban chi huy quan su|"
    "ban chqs|tram y te|trung tam y te|dai truyen thanh|ban thanh tra nhan dan|"
    "ban giam sat dau tu cua cong dong|kho bac nha nuoc|bao hiem xa hoi|chi cuc thue|"
    "van phong hdnd va ubnd|van phong hoi dong nhan dan va uy ban nhan dan|van phong ubnd|"
    "van phong uy ban nhan dan|van phong dang uy|to dan van|cac to chuc chinh tri xa hoi|"
    "to chuc chinh tri xa hoi|cac hoi doan the|cac doan the|hoi dong thi dua khen thuong|"
    "uy ban dan toc|ban vi su tien bo phu nu|toa an nhan dan|vien kiem sat nhan dan|"
    "ngan hang chinh sach xa hoi|ban quan ly du an"
)
# Heads that need a field or a capitalised name after them ("Sở Y tế", "Phòng Văn hóa - Thông tin").
_HEADS = _phrases("so|phong|ban|cuc|chi cuc|bo|trung tam|van phong|thanh tra")
_FIELDS = _phrases(
    "noi vu|chinh tri|tu phap|y te|tai chinh|ke hoach va dau tu|tai chinh ke hoach|cong thuong|"
    "xay dung|giao thong van tai|tai nguyen va moi truong|tai nguyen moi truong|"
    "lao dong thuong binh va xa hoi|lao dong thuong binh xa hoi|giao duc va dao tao|"
    "giao duc dao tao|van hoa the thao va du lich|van hoa va the thao|van hoa the thao|"
    "van hoa va thong tin|van hoa thong tin|thong tin va truyen thong|"
    "nong nghiep va phat trien nong thon|nong nghiep va moi truong|khoa hoc va cong nghe|"
    "ngoai vu|kinh te|kinh te va ha tang|kinh te ha tang|quan ly do thi|dan toc|nong nghiep|"
    "giao duc|van hoa|van hoa xa hoi|dan so|ton giao|tiep cong dan|hanh chinh cong"
)
_VAGUE = frozenset(
    w
    for (w,) in _phrases(
        "so|ban|nganh|don|vi|co|quan|dia|phuong|cap|phong|chuyen|mon|doan|the|lien|bo|trung|uong"
    )
)
_VAGUE_CORE = frozenset(w for (w,) in _phrases("so|nganh|don|co|dia|phong|ban|bo"))
_COUNTED = _phrases("to dan van|chi bo|khu pho|thon|to dan pho|khu dan cu")
_FIXED_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _phrase in _FIXED:
    _FIXED_BY_FIRST.setdefault(_phrase[0], []).append(_phrase)
_FIRSTS = frozenset(p[0] for p in _HEADS + _COUNTED)


@dataclass(frozen=True)
class Mention:
    start: int  # token index
    end: int  # exclusive
    kind: str  # registry | new | vague | counted
    key: str  # the registry code, or the phrase as written
    count: int = 0


def find_mentions(toks: list[Token], text: str, registry: Registry | None) -> list[Mention]:
    words = [t.word for t in toks]
    out: list[Mention] = []
    i = 0
    while i < len(toks):
        m = _mention_at(toks, words, text, i, registry)
        if m is None:
            i += 1
            continue
        out.append(m)
        i = m.end
    return out


def _mention_at(
    toks: list[Token], words: list[str], text: str, i: int, registry: Registry | None
) -> Mention | None:
    if words[i].isdigit() and 2 <= int(words[i]) <= 60 and i + 1 < len(words):
        for noun in _COUNTED if words[i + 1] in _FIRSTS else ():
            if tuple(words[i + 1 : i + 1 + len(noun)]) == noun:
                end = i + 1 + len(noun)
                hit = registry.match(words, i + 1) if registry else None
                key = hit[1] if hit else _span(text, toks, i + 1, end)
                return Mention(
                    i, max(end, i + 1 + (hit[0] if hit else 0)), "counted", key, int(words[i])
                )
    if registry is not None:
        hit = registry.match(words, i)
        if hit is not None:
            return Mention(i, i + hit[0], "registry", hit[1])
    for fixed in _FIXED_BY_FIRST.get(words[i], ()):
        if tuple(words[i : i + len(fixed)]) == fixed:
            end = _locality(toks, words, i + len(fixed))
            return Mention(i, end, "new", _span(text, toks, i, end))
    if toks[i].cap:
        for head in _HEADS if words[i] in _FIRSTS else ():
            if tuple(words[i : i + len(head)]) != head:
                continue
            j = i + len(head)
            name_end = next(
                (j + len(f) for f in _FIELDS if tuple(words[j : j + len(f)]) == f), None
            )
            if name_end is None:
                name_end = j
                while (
                    name_end < len(toks)
                    and (
                        toks[name_end].cap
                        or (
                            words[name_end] == "va"
                            and name_end + 1 < len(toks)
                            and toks[name_end + 1].cap
                        )
                    )
                    and "," not in toks[name_end].sep
                ):
                    name_end += 1
            if name_end > j:
                end = _locality(toks, words, name_end)
                return Mention(i, end, "new", _span(text, toks, i, end))
    if words[i] == "cac":
        j = i + 1
        while j < len(words) and j - i <= 8 and words[j] in _VAGUE and "(" not in toks[j].sep:
            j += 1
        if j > i + 1 and _VAGUE_CORE & set(words[i + 1 : j]):
            j = _locality(toks, words, j)
            return Mention(i, j, "vague", _span(text, toks, i, j))
    return None


def _locality(toks: list[Token], words: list[str], j: int) -> int:
    """Past "phường Hoài Tân", "các huyện, thị xã, thành phố", "cấp xã" after a unit's name."""
    start = j
    if j + 1 < len(words) and words[j] in ("cac", "cap") and locality_word(words, j + 1):
        j += 1
    elif j + 1 < len(words) and words[j : j + 2] == ["cac", "cap"]:
        return j + 2
    n = locality_word(words, j)
    if n == 0:
        return start
    j += n
    while j < len(toks) and toks[j].cap and "," not in toks[j].sep and not words[j].isdigit():
        j += 1  # the locality's own name
    while j < len(toks) and "," in toks[j].sep and (n := locality_word(words, j)):
        j += n  # a list of localities
    return j


def _span(text: str, toks: list[Token], i: int, end: int) -> str:
    name = text[toks[i].start : toks[end - 1].end]
    return name[:1].upper() + name[1:]
