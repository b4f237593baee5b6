"""The one table every list and show command prints: keys whole, the rest fitted around them.

An email, an invoice number or a cohort id is what the next command needs typed back, so
a column holding one is never cut or wrapped ("ann.oneil@nort…" is of no use). The other
columns wrap to fit the terminal; when even wrapped they cannot fit, the least needed drop
out and a line under the table says which. In a pipe or a file nothing is cut at all: the
table is as wide as its content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.table import Table

#: Column headers whose values are keys that other commands take.
KEY_HEADERS = frozenset({"id", "email", "number", "invoice", "cohort"})

#: Columns that go first when a table cannot fit, in this order; then others from the right.
DROP_FIRST = ("bill to", "report rows", "matched by", "role", "organisation", "note", "course", "theme", "PO", "time")

_Table: Any = None


def new_table(*columns: str, title: str | None = None, right: tuple[str, ...] = ()) -> Table:
    """A table with `columns` (those in `right` right-aligned), in learn's style."""
    table = _keyed_class()(title=title)
    for column in columns:
        _add_column(table, column, "right" if column in right else "left")
    return table


def _add_column(table: Any, header: str, justify: str) -> None:
    key = header in KEY_HEADERS
    table.add_column(header, justify=justify, no_wrap=key, overflow="ignore" if key else "ellipsis")


def _keyed_class() -> Any:
    """`KeyedTable`, defined on first use so that importing this module costs no Rich."""
    global _Table
    if _Table is not None:
        return _Table
    from rich import box
    from rich.cells import cell_len
    from rich.measure import Measurement
    from rich.table import Table
    from rich.text import Text

    class KeyedTable(Table):
        def __init__(self, title: str | None = None) -> None:
            super().__init__(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            for column in self.columns:
                if column.header in KEY_HEADERS:
                    column.min_width = max(cell_len(_plain(text)) for text in [column.header, *column.cells])
            width = options.max_width
            if not console.is_terminal:
                # Nothing is cut in a pipe: as wide as the widest row needs.
                width = max(width, Measurement.get(console, options.update(width=1 << 16), self).maximum)
            options = options.update(width=width)
            table, dropped = self, []
            order = [c for name in DROP_FIRST for c in self.columns if c.header == name]
            order += [c for c in reversed(self.columns) if c not in order and c.header not in KEY_HEADERS]
            while order and _least_width(table, console, options) > width:
                dropped.append(order.pop(0))
                table = self._without(dropped)
            yield from Table.__rich_console__(table, console, options)
            if dropped:
                names = ", ".join(str(c.header) for c in dropped)
                yield Text(f"(not shown at this width: {names}; widen the terminal or use --json)", style="dim")

        def _without(self, dropped: list[Any]) -> Table:
            """A plain table of the same rows, without the `dropped` columns."""
            kept = [c for c in self.columns if c not in dropped]
            twin = Table(title=self.title, box=self.box, title_justify=self.title_justify, pad_edge=self.pad_edge)
            for column in kept:
                twin.add_column(column.header, justify=column.justify, no_wrap=column.no_wrap,
                                overflow=column.overflow, min_width=column.min_width)
            for index, row in enumerate(self.rows):
                twin.add_row(*(column._cells[index] for column in kept), style=row.style, end_section=row.end_section)
            return twin

    def _least_width(table: Any, console: Any, options: Any) -> int:
        """The narrowest the table can be with every word whole (Rich's own measure is
        clamped to the width, which hides that it does not fit)."""
        wide = options.update(width=1 << 16)
        return sum(table._measure_column(console, wide, c).minimum for c in table.columns) + table._extra_width

    def _plain(cell: Any) -> str:
        return cell.plain if isinstance(cell, Text) else str(cell)

    _Table = KeyedTable
    return _Table
