"""A value kept as numbered chunks behind one small pointer entry.

A write puts the chunks of a new generation first, reads them back, then
switches the pointer, then removes the old generation: a reader sees the
old value or the new one, never a mix.  Keyring has no way to list
entries, so leftovers of a killed writer are found by probing: a writer
always uses the generation after the pointer's, so a killed one leaves
generation pointer + 1 (chunks written, pointer not switched) or
pointer - 1 (pointer switched, old chunks not yet removed).
"""

from __future__ import annotations

import dataclasses
import json
import logging

from zelt_desktop.errors import NotConnected, SecretStoreError
from zelt_desktop.store.secrets import SecretStore

log = logging.getLogger(__name__)

POINTER_VERSION = 1
_POINTER_KEYS = {"generation", "chunks", "version"}

DAMAGED_MESSAGE = ("The saved sign-in in your password store is damaged. "
                   "Connect again.")
NEWER_MESSAGE = ("A newer version of Zelt Desktop saved this sign-in. "
                 "Update the app, or connect again.")
NOT_KEPT_MESSAGE = ("Your system's password store did not keep what was "
                    "saved. Try again; if it keeps failing, keep the "
                    "sign-in for this session only.")


@dataclasses.dataclass(frozen=True)
class Pointer:
    """Which generation holds the value, and in how many chunks."""

    generation: int
    chunks: int

    def to_text(self) -> str:
        return json.dumps({"generation": self.generation,
                           "chunks": self.chunks,
                           "version": POINTER_VERSION}, sort_keys=True)


def parse_pointer(text: str) -> Pointer | None:
    """The pointer ``text`` holds, or None when it holds something else."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != _POINTER_KEYS:
        return None
    if data["version"] != POINTER_VERSION:
        raise NotConnected(NEWER_MESSAGE)
    generation, chunks = data["generation"], data["chunks"]
    if not (_count(generation) and _count(chunks)):
        return None
    return Pointer(generation, chunks)


def split(value: str, limit: int | None) -> list[str]:
    """``value`` in pieces of at most ``limit`` characters (at least one)."""
    if limit is None or len(value) <= limit:
        return [value]
    return [value[i:i + limit] for i in range(0, len(value), limit)]


class ChunkedEntry:
    """One value stored under the entry name ``base``.

    With ``inline`` a value that fits one entry is stored as it is at
    ``base`` (a client secret stays readable by other tools); otherwise
    ``base`` always holds a pointer.  Callers hold the profile lock.
    """

    def __init__(self, secrets: SecretStore, base: str, *,
                 inline: bool = False) -> None:
        self.secrets = secrets
        self.base = base
        self.inline = inline

    def chunk_name(self, generation: int, index: int) -> str:
        return f"{self.base}/{generation}/{index}"

    def read(self) -> tuple[str, int] | None:
        """The value and its generation (0 when inline), or None."""
        text = self.secrets.get(self.base)
        if text is None:
            return None
        pointer = parse_pointer(text)
        if pointer is None:
            if self.inline:
                return text, 0
            raise NotConnected(DAMAGED_MESSAGE)
        parts = [self.secrets.get(self.chunk_name(pointer.generation, i))
                 for i in range(pointer.chunks)]
        if any(part is None for part in parts):
            raise NotConnected(DAMAGED_MESSAGE)
        return "".join(parts), pointer.generation

    def write(self, value: str) -> int:
        """Store ``value``; return its generation (0 when inline)."""
        old = self._pointer()
        old_generation = old.generation if old else 0
        self._remove_leftovers(old_generation)

        limit = self.secrets.max_entry_chars
        if self.inline and split(value, limit) == [value] \
                and parse_pointer(value) is None:
            self._set_checked(self.base, value)
            generation = 0
        else:
            generation = old_generation + 1
            self._write_chunks(generation, split(value, limit))
            pointer = Pointer(generation, len(split(value, limit)))
            self._set_checked(self.base, pointer.to_text())

        if old is not None:
            self._remove_quietly(old.generation)
        log.debug("wrote %s generation %d", self.base, generation)
        return generation

    def delete(self) -> None:
        """Remove the pointer first, then the chunks it named."""
        old = self._pointer()
        self.secrets.delete(self.base)
        old_generation = old.generation if old else 0
        if old is not None:
            self.remove_generation(old_generation)
        self._remove_leftovers(old_generation)

    def clean(self) -> None:
        """Remove what a killed writer left beside the current value."""
        old = self._pointer()
        self._remove_leftovers(old.generation if old else 0)

    def remove_generation(self, generation: int) -> None:
        """Remove chunks 0, 1, … of ``generation`` while there are any.

        Highest first: an interrupted removal then leaves a run from 0
        that the next probe finds again.
        """
        count = 0
        while self.secrets.get(self.chunk_name(generation, count)) \
                is not None:
            count += 1
        for index in reversed(range(count)):
            self.secrets.delete(self.chunk_name(generation, index))
        if count:
            log.debug("removed %d chunks of %s generation %d", count,
                      self.base, generation)

    def _pointer(self) -> Pointer | None:
        text = self.secrets.get(self.base)
        if text is None:
            return None
        try:
            return parse_pointer(text)
        except NotConnected:
            return None  # a newer app's record: a new write replaces it

    def _remove_quietly(self, generation: int) -> None:
        # The new value is in place: old chunks only cost space, and the
        # next load or write removes them (generation pointer - 1).
        try:
            self.remove_generation(generation)
        except SecretStoreError as e:
            log.warning("left old chunks of %s generation %d: %s",
                        self.base, generation, type(e).__name__)

    def _remove_leftovers(self, generation: int) -> None:
        for neighbour in (generation + 1, generation - 1):
            if neighbour >= 1:
                self.remove_generation(neighbour)

    def _write_chunks(self, generation: int, parts: list[str]) -> None:
        try:
            for index, part in enumerate(parts):
                self.secrets.set(self.chunk_name(generation, index), part)
            for index, part in enumerate(parts):
                self._check(self.chunk_name(generation, index), part)
        except SecretStoreError:
            # Before the pointer switch these chunks are nobody's; a
            # killed writer leaves them to the next write or load.
            try:
                self.remove_generation(generation)
            except SecretStoreError:
                log.debug("left chunks of %s generation %d", self.base,
                          generation)
            raise

    def _set_checked(self, name: str, value: str) -> None:
        self.secrets.set(name, value)
        self._check(name, value)

    def _check(self, name: str, value: str) -> None:
        # Durability (issue 5): what a backend accepted is read back
        # before anyone relies on it.
        if self.secrets.get(name) != value:
            log.warning("read-back of %s differs from what was written",
                        name)
            raise SecretStoreError(NOT_KEPT_MESSAGE)


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) \
        and value >= 1
