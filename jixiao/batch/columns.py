"""Texts held by the thousand, as columns: a batch run keeps a few texts for every file it
reads (its name, where it is, its tables' ids) until its end, and a Python ``str`` of a
file's name costs ~0.1 kB (most names hold Chinese characters: two bytes each, and ~75 bytes
of header), more than its UTF-8 text. :class:`TextColumn` keeps them as one UTF-8 buffer and
the offsets of their ends (~30 bytes a name), making a ``str`` when one is read.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

_EMPTY = -1  # a free slot of the index


class TextColumn(Sequence[str]):
    """Texts appended one by one, held as one UTF-8 buffer; with ``indexed``, each text's
    first position can be looked up (:meth:`find`) through an open-addressing table of
    positions (8 bytes a slot, at most half of them used), not a ``dict`` of ``str``.

    >>> column = TextColumn(["甲.txt", "b"], indexed=True)
    >>> column.append("甲.txt"), list(column), column.find("b"), column.find("c")
    (2, ['甲.txt', 'b', '甲.txt'], 1, None)
    """

    __slots__ = ("_buffer", "_ends", "_slots")

    def __init__(self, texts: Iterable[str] = (), *, indexed: bool = False) -> None:
        self._buffer = bytearray()
        self._ends = array("q")
        self._slots: array[int] | None = array("q", [_EMPTY]) * 8 if indexed else None
        for text in texts:
            self.append(text)

    def append(self, text: str) -> int:
        """Add ``text`` at the end; its position."""
        position = len(self._ends)
        self._buffer += text.encode("utf-8")
        self._ends.append(len(self._buffer))
        if self._slots is not None:
            if 2 * (position + 1) > len(self._slots):
                self._grow()
            elif self.find(text) is None:
                self._slots[self._free_slot(text)] = position
        return position

    def find(self, text: str) -> int | None:
        """The first position of ``text``, None if it is not held (an indexed column only)."""
        if self._slots is None:
            raise TypeError("TextColumn.find needs a column made with indexed=True")
        mask = len(self._slots) - 1
        slot = hash(text) & mask
        encoded = text.encode("utf-8")
        while (position := self._slots[slot]) != _EMPTY:
            if self._bytes(position) == encoded:
                return position
            slot = (slot + 1) & mask
        return None

    def _free_slot(self, text: str) -> int:
        assert self._slots is not None
        mask = len(self._slots) - 1
        slot = hash(text) & mask
        while self._slots[slot] != _EMPTY:
            slot = (slot + 1) & mask
        return slot

    def _grow(self) -> None:
        """Twice the slots, every text's first position indexed again."""
        assert self._slots is not None
        self._slots = array("q", [_EMPTY]) * (2 * len(self._slots))
        for position in range(len(self._ends)):
            text = self[position]
            if self.find(text) is None:
                self._slots[self._free_slot(text)] = position

    def _bytes(self, position: int) -> bytearray:
        start = self._ends[position - 1] if position else 0
        return self._buffer[start : self._ends[position]]

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._ends)
        if not 0 <= index < len(self._ends):
            raise IndexError("TextColumn index out of range")
        return self._bytes(index).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        start = 0
        for end in self._ends:
            yield self._buffer[start:end].decode("utf-8")
            start = end

    def nbytes(self) -> int:
        """The bytes its buffers hold (what the column costs but for a few objects)."""
        slots = 0 if self._slots is None else len(self._slots) * self._slots.itemsize
        return len(self._buffer) + len(self._ends) * self._ends.itemsize + slots
