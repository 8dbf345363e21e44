"""YAML that may be hostile, read in bounded time and memory: every refusal with its line.

Checked before anything is built: the encoding and the characters (each bad one at its line and
column), the nesting depth (500 levels was a RecursionError), the aliases (a billion-laughs file
expands to 10^9 values only when built, so it is refused while composing), and duplicate keys
(YAML keeps the last value silently).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, ClassVar

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from dondoc.importer.problems import Loc, Problem

MAX_CHARS = 8 * 2**20  # long descriptions: a scalar costs little, a node much more
MAX_NODES = 150_000  # ~1 s and ~80 MB to compose; a directive has ~20 per item (5,000 items)
MAX_DEPTH = 32  # a directive nests 6 levels deep
MAX_ALIASES = 100
MAX_REPEATED = 10_000  # values that aliases repeat in all, counted as if written out
MAX_REPORTED = 10  # lines with bad characters named one by one
_MERGE = "tag:yaml.org,2002:merge"

# What YAML itself refuses in a stream (PyYAML's reader); from bytes, a lone surrogate in
# U+DC80–U+DCFF is a byte that was not UTF-8 (decoded with `surrogateescape`).
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class Refused(yaml.MarkedYAMLError):
    """A document refused while it is composed: too deep, too many aliases, an alias loop."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def decode(data: str | bytes) -> tuple[str, list[Problem]]:
    """The text, and a problem for each line with a byte that is not UTF-8 or a character YAML
    refuses (a NUL, a control character), at its column."""
    if isinstance(data, bytes):
        if len(data) > MAX_CHARS:
            return "", [_too_big(len(data))]
        text = data.decode("utf-8-sig", errors="surrogateescape")
    else:
        if len(data) > MAX_CHARS:
            return "", [_too_big(len(data))]
        text = data
    problems: list[Problem] = []
    at = 0  # one search per line with a bad character, and at most MAX_REPORTED + 1 of them
    while (found := _NOT_YAML.search(text, at)) is not None:
        start = found.start()
        line = text.count("\n", 0, start) + 1
        if len(problems) == MAX_REPORTED:
            problems.append(Problem((), "and more lines like these", line))
            break
        column = start - text.rfind("\n", 0, start)
        message = _bad_character(found.group(), isinstance(data, bytes))
        problems.append(Problem((), message, line, column))
        at = text.find("\n", start) + 1
        if at == 0:
            break
    return text, problems


def _too_big(size: int) -> Problem:
    return Problem((), f"the file has {size:,} bytes; a directive file has at most {MAX_CHARS:,}")


def _bad_character(ch: str, from_bytes: bool) -> str:
    code = ord(ch)
    if from_bytes and 0xDC80 <= code <= 0xDCFF:
        return f"byte 0x{code - 0xDC00:02x} is not UTF-8 text: save the file as UTF-8"
    if 0xD800 <= code <= 0xDFFF:
        return f"U+{code:04X} is half of a surrogate pair, not a character"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return f"character U+{code:04X} (a control character) is not allowed in a YAML file"
    return f"character U+{code:04X} is not allowed in a YAML file"


class _Guard(Composer):
    """PyYAML's composer, counting depth and aliases as it goes (hooks: compose_node)."""

    peek_event: Callable[[], yaml.Event]  # the parser's, next in the loader's bases

    def get_single_node(self) -> Node | None:
        self.depth = 0
        self.nodes = 0
        self.aliases = 0
        self.repeated = 0
        self.open: set[str] = set()  # anchors whose node is being composed
        self.sizes: dict[int, int] = {}  # id(node) -> its values, aliases written out
        return super().get_single_node()

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            return self._alias(parent, index, event)
        if self.depth >= MAX_DEPTH:
            raise Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            msg = f"more than {MAX_NODES:,} values: split the directive into several files"
            raise Refused(msg, event.start_mark)
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.open.add(anchor)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        assert node is not None
        self.open.discard(anchor)
        size = 1
        for child in _children(node):
            size += self.sizes.get(id(child), 1)
        self.sizes[id(node)] = size
        return node

    def _alias(self, parent: Node | None, index: Any, event: yaml.AliasEvent) -> Node:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            msg = f"more than {MAX_ALIASES} aliases (*name): write the values out"
            raise Refused(msg, event.start_mark)
        if event.anchor in self.open:
            msg = f"alias *{event.anchor} refers to the value that contains it"
            raise Refused(msg, event.start_mark)
        node = super().compose_node(parent, index)
        assert node is not None
        self.repeated += self.sizes.get(id(node), 1)
        if self.repeated > MAX_REPEATED:
            msg = f"aliases repeat more than {MAX_REPEATED:,} values: write the values out"
            raise Refused(msg, event.start_mark)
        return node


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [n for pair in node.value for n in pair]
    return []


class _Constructor(SafeConstructor):
    """Safe construction; dates stay text (our parser gives clear errors: 31/02, 2024-02-31), and
    a value its tag cannot read (`!!int abc`) is a YAML error at its line, not a ValueError."""

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            msg = f"cannot read this value as {node.tag.rsplit(':', 1)[-1]} ({exc})"
            raise ConstructorError(None, None, msg, node.start_mark) from None

    def construct_text(self, node: Node) -> Any:
        assert isinstance(node, ScalarNode)
        return self.construct_scalar(node)

    yaml_constructors: ClassVar[dict[Any, Any]] = {
        **SafeConstructor.yaml_constructors,
        "tag:yaml.org,2002:timestamp": construct_text,
    }


class _PyParser(Reader, Scanner, Parser):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


class PyLoader(_Guard, _PyParser, _Constructor, Resolver):
    """Pure-Python parsing (PyYAML without libyaml); the same checks, ~40 times slower."""

    def __init__(self, stream: str) -> None:
        _PyParser.__init__(self, stream)
        Composer.__init__(self)
        _Constructor.__init__(self)
        Resolver.__init__(self)


def _loader() -> type[_Guard]:
    if not yaml.__with_libyaml__:
        return PyLoader
    from yaml._yaml import CParser

    class CLoader(_Guard, CParser, _Constructor, Resolver):
        """libyaml's parser (a 1 MB scalar in 7 ms, not 300) under our composer."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            _Constructor.__init__(self)
            Resolver.__init__(self)

    return CLoader


LOADER = _loader()


def compose(text: str, loader: type[_Guard] = LOADER) -> tuple[Node | None, Any, list[Problem]]:
    """The document's root node, its data, and its duplicate keys (found before merge keys are
    folded into the nodes); raises `yaml.YAMLError` (`Refused` for the limits)."""
    parser: Any = loader(text)  # type: ignore[call-arg]
    try:
        node = parser.get_single_node()
        duplicates = duplicate_keys(node)
        return node, None if node is None else parser.construct_document(node), duplicates
    finally:
        parser.dispose()


def duplicate_keys(root: Node | None) -> list[Problem]:
    """A key written twice in one mapping, at the second (YAML keeps the last value silently)."""
    problems: list[Problem] = []
    seen: set[int] = set()

    def walk(node: Node, path: Loc) -> None:
        if id(node) in seen:
            return  # an aliased node is checked where it is written
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            for i, child in enumerate(node.value):
                walk(child, (*path, i))
        elif isinstance(node, MappingNode):
            first: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                name = key.value if isinstance(key, ScalarNode) else None
                if isinstance(name, str) and key.tag != _MERGE:
                    line = key.start_mark.line + 1
                    if (key.tag, name) in first:
                        msg = (
                            f"written twice in this mapping (first on line {first[key.tag, name]})"
                        )
                        problems.append(Problem((*path, name), f"{msg}: keep one", line))
                    first.setdefault((key.tag, name), line)
                walk(value, (*path, name) if isinstance(name, str) else path)

    if root is not None:
        walk(root, ())
    return problems
