"""Small-number suppression: primary cells hidden, and no hidden cell can be worked out from what is
published — proved per table by two checks that do not use the algorithm's own reasoning:

1. exact linear algebra: build the published equations (row and column sums), move the shown numbers to
   the right-hand side, bring the system to reduced row echelon form over the rationals; a hidden cell is
   determined exactly when a row of that form is its unit vector. None may be.
2. an alternative table: search for another table of non-negative whole numbers that has every shown
   number and total and differs in the hidden cell. One must exist for every hidden cell.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from los.stats.suppression import THRESHOLD, Layout, extend, suppress

# --- independent checks ---------------------------------------------------------------------------


def published_equations(rows: int, cols: int, row_totals: bool, col_totals: bool) -> list[dict[tuple, int]]:
    """The relations a reader of the published table knows, as {cell: coefficient} summing to 0.

    Written out directly from the table's shape (not from the algorithm): each row's body cells minus the
    row's total, each column's body cells minus the column's total, and the totals' own sums."""
    eqs: list[dict[tuple, int]] = []
    if row_totals:
        for i in range(rows):
            eqs.append({**{(i, j): 1 for j in range(cols)}, (i, cols): -1})
    if col_totals:
        for j in range(cols):
            eqs.append({**{(i, j): 1 for i in range(rows)}, (rows, j): -1})
    if row_totals and col_totals:
        eqs.append({**{(i, cols): 1 for i in range(rows)}, (rows, cols): -1})
        eqs.append({**{(rows, j): 1 for j in range(cols)}, (rows, cols): -1})
    return eqs


def determined_cells(grid: dict, hidden: set, eqs: list[dict]) -> set:
    """Hidden cells whose value follows from the published equations (reduced row echelon form)."""
    unknowns = sorted(hidden)
    index = {cell: k for k, cell in enumerate(unknowns)}
    matrix = []
    for eq in eqs:
        row = [Fraction(0)] * len(unknowns)
        for cell, coef in eq.items():
            if cell in index:
                row[index[cell]] += coef
        if any(row):
            matrix.append(row)
    pivot_row = 0
    for col in range(len(unknowns)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row], strict=True)]
        pivot_row += 1
    out = set()
    for row in matrix[:pivot_row]:
        nonzero = [k for k, v in enumerate(row) if v != 0]
        if len(nonzero) == 1:
            out.add(unknowns[nonzero[0]])
    return out


def alternative_exists(grid: dict, hidden: set, eqs: list[dict], target: tuple) -> bool:
    """Is there a non-negative table, each hidden cell within ±1 of the truth, with every published
    equation true and ``target`` different? (A depth-first search over the changes −1, 0, +1.)"""
    cells = sorted(hidden)
    eq_cells = [[(c, coef) for c, coef in eq.items() if c in hidden] for eq in eqs]
    member = {c: [k for k, e in enumerate(eq_cells) if any(x == c for x, _ in e)] for c in cells}
    remaining = [len(e) for e in eq_cells]
    partial = [0] * len(eqs)

    def options(cell):
        deltas = (-1, 1) if cell == target else (0, -1, 1)
        return [d for d in deltas if grid[cell] + d >= 0]

    def search(k: int) -> bool:
        if k == len(cells):
            return all(p == 0 for p in partial)
        cell = cells[k]
        for delta in options(cell):
            ok = True
            for e in member[cell]:
                coef = next(coef for x, coef in eq_cells[e] if x == cell)
                partial[e] += coef * delta
                remaining[e] -= 1
            for e in member[cell]:
                if abs(partial[e]) > remaining[e]:
                    ok = False
            if ok and search(k + 1):
                return True
            for e in member[cell]:
                coef = next(coef for x, coef in eq_cells[e] if x == cell)
                partial[e] -= coef * delta
                remaining[e] += 1
        return False

    return search(0)


def check(values, row_totals=True, col_totals=True, *, search=True):
    result = suppress(values, row_totals=row_totals, col_totals=col_totals)
    layout, grid, hidden = result.layout, result.grid, set(result.hidden)
    rows, cols = layout.rows, layout.cols
    eqs = published_equations(rows, cols, row_totals, col_totals)
    # every cell under the threshold is hidden, totals included
    assert {c for c, v in grid.items() if v < THRESHOLD} <= hidden
    # every published line with a hidden cell has at least two
    for eq in eqs:
        inside = [c for c in eq if c in hidden]
        assert len(inside) != 1, (values, eq, sorted(hidden))
    # no hidden cell follows from the published equations
    assert determined_cells(grid, hidden, eqs) == set(), (values, sorted(hidden))
    # and for each, another non-negative table fits everything shown
    if search:
        for cell in hidden:
            assert alternative_exists(grid, hidden, eqs, cell), (values, cell, sorted(hidden))
    return result


# --- examples -------------------------------------------------------------------------------------


def test_primary_hides_small_counts_and_zero_but_not_five():
    result = suppress([[5, 4], [0, 12]], row_totals=False, col_totals=False)
    assert result.hidden == {(0, 1), (1, 0)}
    assert result.value((0, 0)) == 5 and result.value((1, 1)) == 12
    assert suppress([[5, 4], [0, 12]], row_totals=False, col_totals=False, zeros=False).hidden == {(0, 1)}


def test_one_small_cell_in_a_two_by_two_table_hides_a_whole_cycle():
    # 3 alone could be recomputed from its row total; so could the cells that would hide it
    result = check([[10, 3], [12, 20]])
    assert result.hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}
    # the totals stay: 13, 32 / 22, 23 / 45
    assert [result.value(c) for c in [(0, 2), (1, 2), (2, 0), (2, 1), (2, 2)]] == [13, 32, 22, 23, 45]


def test_secondary_cells_are_the_smallest_possible():
    result = check([[30, 2, 40], [50, 60, 6], [70, 80, 90]])
    # 2 needs a partner in its row (30 is smaller than 40) and in its column (60); 6 closes the cycle
    assert result.hidden == {(0, 0), (0, 1), (1, 1), (1, 0)}


def test_small_totals_are_hidden_and_protected():
    result = check([[1, 1], [20, 30]])
    assert (0, 2) in result.hidden  # the row total 2 is itself under 5
    assert result.value((2, 2)) == 52


def test_a_bridge_between_two_hidden_blocks_is_protected():
    """Every line has two hidden cells here, yet the linking cell (1, 2) follows from the totals:
    rows 0 and 1 minus columns 0 and 1 leave exactly it. The line rule alone is not enough."""
    big = 50
    values = [[1, 1, big, big], [1, 1, 1, big], [big, big, 1, 1], [big, big, 1, 1]]
    layout = Layout(4, 4)
    grid = extend(values, layout)
    line_rule_only = {c for c, v in grid.items() if v < THRESHOLD}
    eqs = published_equations(4, 4, True, True)
    assert all(len([c for c in eq if c in line_rule_only]) != 1 for eq in eqs)
    assert (1, 2) in determined_cells(grid, line_rule_only, eqs)
    result = check(values)
    assert result.hidden > line_rule_only


def test_rows_without_column_totals_are_protected_within_the_row():
    result = check([[3, 10, 12], [40, 50, 60]], col_totals=False)
    assert result.hidden == {(0, 0), (0, 1)}
    result = check([[3], [10], [12]], row_totals=False, col_totals=True)
    assert result.hidden == {(0, 0), (1, 0)}


def test_a_table_of_zeros_is_all_hidden_and_still_protected():
    result = check([[0, 0], [0, 0]])
    assert len(result.hidden) == 9


def test_no_totals_means_primary_only():
    assert suppress([[3, 10], [12, 1]], row_totals=False, col_totals=False).hidden == {(0, 0), (1, 1)}


def test_empty_table():
    assert suppress([]).hidden == frozenset()


# --- properties over random tables ----------------------------------------------------------------

counts = st.one_of(st.integers(0, 6), st.integers(0, 40))


def tables(max_rows: int, max_cols: int):
    return st.integers(1, max_rows).flatmap(
        lambda r: st.integers(1, max_cols).flatmap(
            lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r)))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=tables(6, 6), row_totals=st.booleans(), col_totals=st.booleans())
def test_no_hidden_cell_follows_from_the_published_equations(values, row_totals, col_totals):
    check(values, row_totals, col_totals, search=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=tables(3, 3), row_totals=st.booleans(), col_totals=st.booleans())
def test_every_hidden_cell_has_an_alternative_non_negative_table(values, row_totals, col_totals):
    check(values, row_totals, col_totals, search=True)


@settings(max_examples=100, deadline=None)
@given(values=tables(5, 5))
def test_suppression_is_deterministic_and_stable(values):
    first = suppress(values)
    assert suppress(values).hidden == first.hidden
    # hiding again from the published pattern adds nothing: the result is a fixed point
    from los.stats.suppression import secondary

    assert secondary(first.layout, first.grid, set(first.hidden)) == set(first.hidden)


@pytest.mark.parametrize("values", [[[7]], [[2]], [[0, 9]], [[4], [4]]])
def test_single_lines(values):
    check(values)
