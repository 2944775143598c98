"""What the screening reads of a piece: the shape of `scheduler.solve.pieces`, as protocols.

The candidate pools and candidates are computed per piece, but building pieces is the solver's
business (`solve/pieces.py`). The screening names only the attributes it reads, so `rules/`
imports nothing of `solve/` and any piece set of that shape (the solver's `PieceSet`) fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class ScreenedPiece(Protocol):
    """A shift one officer may be given: its index, its request and its minutes [start, end)."""

    @property
    def index(self) -> int: ...

    @property
    def request(self) -> int: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def minutes(self) -> int: ...


class ScreenedPieces(Protocol):
    """The pieces of a problem, indexed by `ScreenedPiece.index`."""

    @property
    def pieces(self) -> Sequence[ScreenedPiece]: ...
