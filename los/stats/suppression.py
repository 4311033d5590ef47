"""Small-number suppression (*prikking*) for aggregate count tables: primary and secondary.

A count table has ``rows × cols`` body cells and, optionally, a total per row (an extra column) and a
total per column (an extra row; with both there is also a grand total). Cells, totals included, are
addressed ``(i, j)`` in the *extended* grid: the total column is ``j == cols``, the total row ``i == rows``.

**Primary suppression** hides every cell (totals included) whose value is under the threshold (5):
1–4, and 0 as well unless ``zeros=False`` (a 0 next to a total tells that everyone in a group had the
same outcome).

**Secondary suppression** hides more cells until no hidden cell can be worked out from what is shown.
The published table is a set of linear equations (each row's cells add up to its total, each column's
cells to its total). A hidden cell is *protected* when there is another table of non-negative whole
numbers that has the same shown cells and totals but a different value in that cell. We check this with
the classic graph view of a two-way table: rows and columns are nodes, hidden cells are edges between
their row and their column; moving one unit around a cycle of hidden cells (+1, −1, +1, …) keeps every
row and column sum, and a line without a published total (no equation) may absorb the change. A cell is
protected when such a cycle through it exists in which every cell that goes down is at least 1.

The algorithm, repeated until nothing changes (a fixed point):

1. for every line (row or column with a published total) that has exactly one hidden cell, hide the
   smallest other cell of that line (body cells before totals);
2. for every hidden cell that is not protected, hide the smallest cell that makes it protected (or, if
   no single cell does, the smallest cell in one of its lines) and start again.

It ends, at the latest, when every cell is hidden (then every cell is protected: adding one family to a
body cell, its row total, its column total and the grand total changes nothing that is shown). The
result is checked in the tests independently: by exact linear algebra (no hidden cell is in the row space
of the published equations) and by searching for an alternative non-negative table per hidden cell.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Cell = tuple[int, int]
THRESHOLD = 5


@dataclass(frozen=True)
class Layout:
    """The shape of a count table: its body and which totals are published."""

    rows: int
    cols: int
    row_totals: bool = True  # every row has a total (an extra column, index ``cols``)
    col_totals: bool = True  # every column has a total (an extra row, index ``rows``)

    @property
    def height(self) -> int:
        return self.rows + (1 if self.col_totals and self.rows and self.cols else 0)

    @property
    def width(self) -> int:
        return self.cols + (1 if self.row_totals and self.rows and self.cols else 0)

    def cells(self) -> list[Cell]:
        return [(i, j) for i in range(self.height) for j in range(self.width)]

    def is_total(self, cell: Cell) -> bool:
        i, j = cell
        return (self.col_totals and i == self.rows) or (self.row_totals and j == self.cols)

    def sign(self, cell: Cell) -> int:
        """+1 for a body cell and the grand total, −1 for a row or column total (see the module doc)."""
        i, j = cell
        in_total_row = self.col_totals and i == self.rows
        in_total_col = self.row_totals and j == self.cols
        return -1 if in_total_row != in_total_col else 1

    def equations(self) -> list[tuple[list[Cell], Cell]]:
        """Each published relation as (the cells that add up, the cell holding their sum)."""
        out: list[tuple[list[Cell], Cell]] = []
        if not self.rows or not self.cols:
            return out
        if self.row_totals:
            for i in range(self.height):
                out.append(([(i, j) for j in range(self.cols)], (i, self.cols)))
        if self.col_totals:
            for j in range(self.width):
                out.append(([(i, j) for i in range(self.rows)], (self.rows, j)))
        return out

    def lines(self) -> list[list[Cell]]:
        """The cells of each published relation, sum included."""
        return [[*parts, total] for parts, total in self.equations()]


def extend(values: Sequence[Sequence[int]], layout: Layout) -> dict[Cell, int]:
    """The body values with the published totals added."""
    grid: dict[Cell, int] = {}
    for i in range(layout.rows):
        for j in range(layout.cols):
            grid[(i, j)] = int(values[i][j])
    if layout.rows and layout.cols:
        if layout.row_totals:
            for i in range(layout.rows):
                grid[(i, layout.cols)] = sum(grid[(i, j)] for j in range(layout.cols))
        if layout.col_totals:
            for j in range(layout.cols):
                grid[(layout.rows, j)] = sum(grid[(i, j)] for i in range(layout.rows))
        if layout.row_totals and layout.col_totals:
            grid[(layout.rows, layout.cols)] = sum(grid[(i, layout.cols)] for i in range(layout.rows))
    return grid


def primary(grid: dict[Cell, int], threshold: int = THRESHOLD, zeros: bool = True) -> set[Cell]:
    return {cell for cell, value in grid.items() if value < threshold and (zeros or value > 0)}


# --------------------------------------------------------------------------------------------------
# Protection: is there a feasible one-unit change around a cycle of hidden cells?
# --------------------------------------------------------------------------------------------------

_FREE = ("z", 0)  # joins every line without a published total: a change may end there
Node = tuple[str, int]
Arcs = dict[Node, list[tuple[Node, Cell | None]]]


def _arcs_of(layout: Layout, grid: dict[Cell, int], cell: Cell) -> list[tuple[Node, Node]]:
    """The directed arcs a hidden cell gives. Going row → column through a cell adds ``sign(cell)`` to it;
    column → row subtracts it. An arc is there only when the change keeps the cell non-negative."""
    i, j = cell
    sign = layout.sign(cell)
    out = []
    if sign > 0 or grid[cell] >= 1:
        out.append((("r", i), ("c", j)))
    if sign < 0 or grid[cell] >= 1:
        out.append((("c", j), ("r", i)))
    return out


class _Graph:
    """Rows and columns as nodes, hidden cells as arcs (both ways), plus the free node ``_FREE``."""

    def __init__(self, layout: Layout, grid: dict[Cell, int], hidden: Iterable[Cell]):
        self.layout, self.grid = layout, grid
        self.forward: Arcs = {}
        self.backward: Arcs = {}
        free: list[Node] = []
        if not layout.row_totals:
            free += [("r", i) for i in range(layout.height)]
        if not layout.col_totals:
            free += [("c", j) for j in range(layout.width)]
        for node in free:
            self._link(node, _FREE, None)
            self._link(_FREE, node, None)
        for cell in hidden:
            self.add(cell)

    def _link(self, a: Node, b: Node, cell: Cell | None) -> None:
        self.forward.setdefault(a, []).append((b, cell))
        self.backward.setdefault(b, []).append((a, cell))

    def add(self, cell: Cell) -> None:
        for a, b in _arcs_of(self.layout, self.grid, cell):
            self._link(a, b, cell)

    @staticmethod
    def reach(arcs: Arcs, start: Node, skip: Cell) -> set[Node]:
        seen = {start}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt, cell in arcs.get(node, ()):
                if cell != skip and nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        return seen

    def routes(self, cell: Cell) -> list[tuple[set[Node], set[Node]]]:
        """For each feasible way through ``cell``: (nodes reachable from where it leads, nodes that can reach
        where it came from), both without using the cell itself. The cell is protected when the two meet."""
        out = []
        for a, b in _arcs_of(self.layout, self.grid, cell):
            out.append((self.reach(self.forward, b, cell), self.reach(self.backward, a, cell)))
        return out

    def protected(self, cell: Cell) -> bool:
        for a, b in _arcs_of(self.layout, self.grid, cell):
            if a in self.reach(self.forward, b, cell):
                return True
        return False


def is_protected(layout: Layout, grid: dict[Cell, int], hidden: set[Cell], cell: Cell) -> bool:
    """True when another non-negative table with the same published numbers differs in ``cell``: there is a
    cycle through it of one-unit changes that keep every row and column sum (see the module docstring)."""
    return _Graph(layout, grid, hidden).protected(cell)


def _helps(layout: Layout, grid: dict[Cell, int], candidate: Cell, ahead: set[Node], behind: set[Node]) -> bool:
    """Would hiding ``candidate`` close a cycle from ``ahead`` (reachable) back to ``behind``?"""
    return any(a in ahead and b in behind for a, b in _arcs_of(layout, grid, candidate))


def _cost(layout: Layout, grid: dict[Cell, int], cell: Cell) -> tuple[int, int, int, int]:
    """Hide small body cells first; totals only when nothing else will do."""
    return (1 if layout.is_total(cell) else 0, grid[cell], cell[0], cell[1])


def secondary(layout: Layout, grid: dict[Cell, int], hidden: set[Cell]) -> set[Cell]:
    """Add cells to ``hidden`` until every hidden cell is protected (see the module docstring).

    Hiding a cell only adds arcs to the graph, so a protected cell stays protected: each cell is checked
    until it is protected, and a candidate is judged from one search forwards and one backwards."""
    hidden = set(hidden)
    if not hidden:
        return hidden
    lines = layout.lines()
    order = sorted(grid, key=lambda c: _cost(layout, grid, c))
    graph = _Graph(layout, grid, hidden)
    safe: set[Cell] = set()

    def hide(cell: Cell) -> None:
        hidden.add(cell)
        graph.add(cell)

    while True:
        changed = False
        for line in lines:  # 1. the line rule
            inside = [c for c in line if c in hidden]
            if len(inside) == 1:
                others = sorted((c for c in line if c not in hidden), key=lambda c: _cost(layout, grid, c))
                if others:
                    hide(others[0])
                    changed = True
        if changed:
            continue
        for cell in sorted(hidden - safe):  # 2. every hidden cell protected
            if graph.protected(cell):
                safe.add(cell)
                continue
            routes = graph.routes(cell)
            choice = next((c for c in order if c not in hidden
                           and any(_helps(layout, grid, c, ahead, behind) for ahead, behind in routes)), None)
            if choice is None:
                near = [c for c in order if c not in hidden and (c[0] == cell[0] or c[1] == cell[1])]
                rest = [c for c in order if c not in hidden]
                choice = (near or rest or [None])[0]
            if choice is None:  # everything is hidden already
                continue
            hide(choice)
            changed = True
            break
        if not changed:
            return hidden


@dataclass(frozen=True)
class Suppressed:
    layout: Layout
    grid: dict[Cell, int]
    hidden: frozenset[Cell]
    primary: frozenset[Cell]

    def value(self, cell: Cell) -> int | None:
        return None if cell in self.hidden else self.grid[cell]


def suppress(values: Sequence[Sequence[int]], *, row_totals: bool = True, col_totals: bool = True,
             threshold: int = THRESHOLD, zeros: bool = True) -> Suppressed:
    """Primary and secondary suppression of a count table (``values`` is the body, row by row)."""
    rows = len(values)
    cols = len(values[0]) if rows else 0
    layout = Layout(rows, cols, row_totals, col_totals)
    grid = extend(values, layout)
    first = primary(grid, threshold, zeros)
    return Suppressed(layout=layout, grid=grid, hidden=frozenset(secondary(layout, grid, first)),
                      primary=frozenset(first))
