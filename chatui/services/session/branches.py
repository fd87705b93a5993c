"""The message tree behind a conversation: siblings from edits and regenerations, and branches."""

from __future__ import annotations

from collections.abc import Iterable

from chatui.services.session.turns import Turn, turn_from_record
from chatui.store.records import MessageRecord


class MessageTree:
    """Every turn of a conversation, by parent, in the order they were created."""

    def __init__(self) -> None:
        self.children: dict[Turn | None, list[Turn]] = {}

    def add(self, turn: Turn) -> None:
        self.children.setdefault(turn.parent, []).append(turn)

    def siblings(self, turn: Turn) -> list[Turn]:
        return self.children.get(turn.parent, [turn])

    def position(self, turn: Turn) -> tuple[int, int]:
        """(1-based index among its siblings, number of siblings)."""
        siblings = self.siblings(turn)
        return siblings.index(turn) + 1, len(siblings)

    def newest_path(self, start: Turn) -> list[Turn]:
        """`start`, then its newest child, that child's newest child, and so on."""
        path = [start]
        while children := self.children.get(path[-1]):
            path.append(children[-1])
        return path

    def switch(self, branch: list[Turn], index: int, step: int) -> list[Turn]:
        """The branch with `branch[index]` replaced by its sibling `step` away (and that
        sibling's newest descendants); unchanged when it has no siblings."""
        turn = branch[index]
        siblings = self.siblings(turn)
        if len(siblings) < 2:
            return branch
        chosen = siblings[(siblings.index(turn) + step) % len(siblings)]
        return branch[:index] + self.newest_path(chosen)

    def branch_through(self, message_id: str) -> list[Turn] | None:
        """The branch through the stored message `message_id` (its newest descendants after
        it); None when the tree has no such message."""
        for siblings in self.children.values():
            for turn in siblings:
                if turn.id == message_id:
                    path: list[Turn] = []
                    node: Turn | None = turn.parent
                    while node is not None:
                        path.append(node)
                        node = node.parent
                    return path[::-1] + self.newest_path(turn)
        return None


def build_tree(records: Iterable[MessageRecord]) -> tuple[MessageTree, list[Turn]]:
    """The tree of a stored conversation and its active branch (ending at the newest message).

    Conversations saved without parent links (imports) are read as one linear branch."""
    ordered = list(records)
    linked = any(record.parent_id for record in ordered)
    tree = MessageTree()
    by_id: dict[str, Turn] = {}
    previous: Turn | None = None
    for record in ordered:
        turn = turn_from_record(record)
        turn.parent = by_id.get(record.parent_id or "") if linked else previous
        by_id[record.id] = turn
        turn.window = by_id.get(record.window_start or "")  # stored before the reply: found
        tree.add(turn)
        previous = turn
    if previous is None:
        return tree, []
    branch: list[Turn] = []
    current: Turn | None = previous
    while current is not None:
        branch.append(current)
        current = current.parent
    return tree, branch[::-1]
