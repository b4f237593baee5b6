"""Where WeasyPrint puts things on the page: for tests of print layout (one page, even
margins, a cell on one line) that look at the laid-out boxes rather than at the CSS.

WeasyPrint has no public API for its boxes; `Page._page_box` and the box classes are
stable in practice across the versions the `pdf` extra allows (66 and later).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: CSS pixels (what WeasyPrint lays out in) per PDF point.
PX_PER_PT = 96 / 72


@dataclass(frozen=True)
class Margins:
    """Space between a box's border edge and each edge of the sheet, in points."""

    left: float
    right: float
    top: float
    bottom: float


def render(html: str, base: Path) -> Any:
    """The laid-out document (weasyprint.Document): `.pages`, `.write_pdf()`."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=str(base)).render()


def boxes_with_class(page: Any, css_class: str) -> Iterator[Any]:
    """For each element with `css_class` on `page`, the outermost box made for it (its
    lines and text are boxes of the same element, inside it)."""
    seen: set[int] = set()
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        if element is not None and id(element) not in seen and css_class in (element.get("class") or "").split():
            seen.add(id(element))
            yield box


def margins(page: Any, box: Any) -> Margins:
    x, y = box.border_box_x(), box.border_box_y()
    return Margins(
        left=x / PX_PER_PT,
        right=(page.width - x - box.border_width()) / PX_PER_PT,
        top=y / PX_PER_PT,
        bottom=(page.height - y - box.border_height()) / PX_PER_PT,
    )


def lines(box: Any) -> int:
    """How many lines of text `box` was broken into."""
    from weasyprint.formatting_structure.boxes import LineBox

    return sum(1 for child in box.descendants() if isinstance(child, LineBox))


def text(box: Any) -> str:
    from weasyprint.formatting_structure.boxes import TextBox

    return "".join(child.text for child in box.descendants() if isinstance(child, TextBox))
