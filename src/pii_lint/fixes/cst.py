"""LibCST helpers shared by the fix kinds: find a node by the position the analysis
reported, add a trailing comment, and turn a rewritten module into text edits."""

from __future__ import annotations

import difflib

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from . import Edit


class Unavailable(Exception):
    """The fix cannot be written here; the message says why (shown as "not applied")."""


class Source:
    """One parsed file: the module, its text and every node's position."""

    def __init__(self, path: str, data: bytes) -> None:
        self.path = path
        try:
            module = cst.parse_module(data)
        except cst.ParserSyntaxError as exc:
            raise Unavailable(f"LibCST cannot parse the file: {str(exc).splitlines()[0]}") from None
        self.wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.module = self.wrapper.module
        self.encoding = module.encoding
        self.text = self.module.code
        self.positions = self.wrapper.resolve(PositionProvider)

    def start(self, node) -> tuple[int, int]:
        pos = self.positions[node].start
        return pos.line, pos.column + 1

    def call_at(self, line: int, col: int) -> cst.Call:
        """The call the analysis reported at ``line:col`` (1-based column)."""
        best = None
        for node, rng in self.positions.items():
            if isinstance(node, cst.Call) and rng.start.line == line and rng.start.column == col - 1:
                # Chained calls start at the same place: the outermost is the one reported.
                if best is None or _contains(self.positions[node], self.positions[best]):
                    best = node
        if best is None:
            raise Unavailable(f"no call found at {line}:{col}")
        return best

    def comment_at_line(self, line: int, text: str, merge=None) -> cst.Module:
        """The module with ``text`` as the trailing comment of ``line``; ``merge(old) -> new``
        combines it with a comment already there (default: append after it)."""
        return self.comments({line: (text, merge)})

    def comments(self, wanted: dict) -> cst.Module:
        """``{line: (text, merge)}`` written in one pass (see ``comment_at_line``)."""
        at: dict[int, cst.TrailingWhitespace] = {}
        for node, rng in self.positions.items():
            if isinstance(node, cst.TrailingWhitespace) and rng.start.line in wanted:
                at.setdefault(rng.start.line, node)
        swaps = {}
        for line, (text, merge) in sorted(wanted.items()):
            node = at.get(line)
            if node is None:
                raise Unavailable(f"line {line} does not end where a comment can go (inside a string or "
                                  f"after a backslash)")
            old = node.comment.value if node.comment else None
            new = text if old is None else (merge(old) if merge is not None else f"{old}  {text}")
            if new == old:
                raise Unavailable(f"line {line} already has that comment")
            if new is None:  # the merge took the whole comment away
                swaps[id(node)] = node.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
                continue
            whitespace = node.whitespace if old is not None else cst.SimpleWhitespace("  ")
            swaps[id(node)] = node.with_changes(whitespace=whitespace, comment=cst.Comment(new))
        return replace_nodes(self.module, swaps)


def _contains(outer, inner) -> bool:
    return (outer.start.line, outer.start.column) <= (inner.start.line, inner.start.column) and \
        (outer.end.line, outer.end.column) >= (inner.end.line, inner.end.column)


def edits(path: str, old: str, new: str) -> tuple[Edit, ...]:
    """The smallest replacements that turn ``old`` into ``new`` (by lines, then trimmed to
    characters), with 1-based positions in ``old``."""
    a, b = old.splitlines(keepends=True), new.splitlines(keepends=True)
    starts = [0]
    for line in a:
        starts.append(starts[-1] + len(line))
    # The common head and tail first: among identical lines (three equal log calls) the
    # matcher may otherwise pair the edited one with its neighbour, and two fixes of
    # neighbouring lines would then share an edit.
    head, tail = _common_ends(a, b)
    matcher = difflib.SequenceMatcher(None, a[head:len(a) - tail], b[head:len(b) - tail], autojunk=False)
    out = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        if tag == "equal":
            continue
        before, after = "".join(a[i1:i2]), "".join(b[j1:j2])
        start, end = starts[i1], starts[i2]
        p, s = _common_ends(before, after)
        start, end = start + p, end - s
        content = after[p:len(after) - s]
        (l1, c1), (l2, c2) = _line_col(old, starts, start), _line_col(old, starts, end)
        out.append(Edit(path, l1, c1, l2, c2, content))
    return tuple(out)


def _common_ends(a, b) -> tuple[int, int]:
    """How many items two sequences share at their start, then at their end (not overlapping)."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def _line_col(text: str, starts: list[int], offset: int) -> tuple[int, int]:
    """``starts``: the offset of each line, then the length of the text."""
    import bisect

    lines = len(starts) - 1
    if offset == len(text) and lines and not text.endswith(("\n", "\r")):
        return lines, offset - starts[lines - 1] + 1  # after the last character of an unterminated line
    i = min(bisect.bisect_right(starts, offset) - 1, lines)
    return i + 1, offset - starts[i] + 1


def offsets(text: str, edit: Edit) -> tuple[int, int]:
    """Character offsets in ``text`` of an edit's start and end."""
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))

    def at(line, col):
        return starts[min(line - 1, len(starts) - 1)] + col - 1

    return at(edit.line, edit.col), at(edit.end_line, edit.end_col)


def apply_edits(text: str, edits_: list[Edit]) -> str:
    """``text`` with non-overlapping edits applied (callers check overlaps first)."""
    spans = sorted((offsets(text, e) + (e.content,) for e in edits_), reverse=True)
    for start, end, content in spans:
        text = text[:start] + content + text[end:]
    return text


def walk(node, parent=None):
    """Every node under ``node`` (itself included) with its parent, in source order."""
    yield node, parent
    for child in node.children:
        yield from walk(child, node)


def replace_nodes(root, replacements: dict):
    """``root`` with each node in ``replacements`` (by identity) swapped for its value."""

    class _Swap(cst.CSTTransformer):
        def on_leave(self, original, updated):
            new = replacements.get(id(original))
            return new(updated) if callable(new) else (new if new is not None else updated)

    return root.visit(_Swap())
