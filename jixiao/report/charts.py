"""The overview's charts as SVG shapes (:mod:`jixiao.report.overview` counts, this places).

Pure functions ``<chart numbers>_to_chart`` → :class:`Chart`: rectangles, dots, lines and labels
in the SVG's own coordinates; ``templates/overview.html.j2`` writes them as inline ``<svg>``
(no script draws anything). Coordinates are floats: they are drawing positions, not scores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.report.overview import (
    ProblemHeat,
    TargetsGrid,
    TotalsHistogram,
    TotalsScatter,
    decimal_text,
)

HIGH_BARS = ("90–95", "95–100")  # the bars of the bunching the histogram is known for


@dataclass(frozen=True, slots=True)
class Shape:
    """A rectangle (``kind="rect"``: x, y, w, h) or a dot (``"dot"``: centre x, y and radius
    w); ``tip`` its tooltip; ``cls`` its CSS class; ``opacity`` its fill's."""

    kind: str
    x: float
    y: float
    w: float
    h: float
    cls: str
    tip: str
    opacity: float = 1.0


@dataclass(frozen=True, slots=True)
class Label:
    """A text at (x, y); ``anchor`` start/middle/end; ``rotate`` degrees about its point."""

    x: float
    y: float
    text: str
    anchor: str = "middle"
    rotate: float = 0.0
    cls: str = ""


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    cls: str = "axis"


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its element id, size, and what is drawn (shapes over lines, labels last)."""

    id: str
    title: str
    width: float
    height: float
    shapes: tuple[Shape, ...]
    lines: tuple[Line, ...]
    labels: tuple[Label, ...]


def _r(value: float) -> float:
    return round(value, 1)


def histogram_to_chart(histogram: TotalsHistogram) -> Chart:
    """The printed totals' histogram: a bar per :data:`~jixiao.report.overview.BIN_WIDTH`
    points, its count above it, the 90–100 bars in their own colour."""
    left, right, top, bottom = 40.0, 10.0, 16.0, 56.0
    width = max(460.0, left + right + 20 * len(histogram.bars))
    height = 240.0
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    peak = max((bar.count for bar in histogram.bars), default=0)
    step = plot_w / max(len(histogram.bars), 1)
    shapes, labels = [], []
    for i, bar in enumerate(histogram.bars):
        x = left + i * step
        h = plot_h * bar.count / peak if peak else 0.0
        cls = "bar hi" if bar.label in HIGH_BARS else "bar"
        tip = f"{bar.label} 分：{bar.count} 张"
        shapes.append(Shape("rect", _r(x + 1), _r(base - h), _r(step - 2), _r(h), cls, tip))
        if bar.count:
            labels.append(Label(_r(x + step / 2), _r(base - h - 3), str(bar.count), cls="n"))
        labels.append(Label(_r(x + step / 2 + 3), base + 10, bar.label, "end", -50.0, "tick"))
    labels.append(Label(left - 4, base, "0", "end", cls="tick"))
    if peak:
        labels.append(Label(left - 4, top + 4, str(peak), "end", cls="tick"))
    labels.append(Label(left + plot_w / 2, height - 4, "印制总分（分）", cls="axis-name"))
    if not peak:
        labels.append(Label(left + plot_w / 2, top + plot_h / 2, "没有印制总分", cls="empty"))
    lines = (Line(left, base, left + plot_w, base), Line(left, top, left, base))
    return Chart("chart-totals", "印制总分分布", width, height, tuple(shapes), lines, tuple(labels))


def _ticks(low: float, high: float) -> list[float]:
    step = 10.0 if high - low <= 60 else 20.0
    first = math.ceil(low / step) * step
    return [first + k * step for k in range(int((high - first) // step) + 1)]


def scatter_to_chart(scatter: TotalsScatter) -> Chart:
    """Printed (x) against recomputed (y) totals, the diagonal where they agree; a dot per
    cell of tables, its area growing with their number, red beyond the tolerance."""
    left, top, size = 44.0, 12.0, 280.0
    width, height = left + size + 14, top + size + 44
    values = [float(v) for c in scatter.cells for v in (c.reported, c.recomputed)]
    low = math.floor(min(values, default=0.0) / 10) * 10.0
    high = max(100.0, math.ceil(max(values, default=100.0) / 10) * 10.0)
    low = min(low, high - 10)

    def x_of(value: Decimal | float) -> float:
        return _r(left + size * (float(value) - low) / (high - low))

    def y_of(value: Decimal | float) -> float:
        return _r(top + size - size * (float(value) - low) / (high - low))

    ordered = sorted(scatter.cells, key=lambda c: c.outside)  # the highlighted ones on top
    shapes = tuple(
        Shape(
            "dot",
            x_of(c.reported),
            y_of(c.recomputed),
            _r(min(2.0 + math.sqrt(c.count), 9.0)),
            0.0,
            "dot out" if c.outside else "dot",
            f"印制约 {decimal_text(c.reported)}，复核约 {decimal_text(c.recomputed)}：{c.count} 张",
            0.85 if c.outside else 0.55,
        )
        for c in ordered
    )
    base = top + size
    lines = [
        Line(left, base, left + size, base),
        Line(left, top, left, base),
        Line(x_of(low), y_of(low), x_of(high), y_of(high), "diagonal"),
    ]
    labels = []
    for tick in _ticks(low, high):
        labels.append(Label(x_of(tick), base + 13, f"{tick:g}", cls="tick"))
        labels.append(Label(left - 4, y_of(tick) + 3, f"{tick:g}", "end", cls="tick"))
    labels.append(Label(left + size / 2, height - 6, "印制总分", cls="axis-name"))
    labels.append(Label(12, top + size / 2, "复核总分", rotate=-90.0, cls="axis-name"))
    if not scatter.cells:
        labels.append(Label(left + size / 2, top + size / 2, "没有可比较的总分", cls="empty"))
    return Chart(
        "chart-scatter", "印制总分与复核总分", width, height, shapes, tuple(lines), tuple(labels)
    )


#: The grid's cells: (row, column, field of TargetsGrid, name, flagged).
TARGET_CELLS = (
    (0, 0, "met_full", "达成且满分", False),
    (0, 1, "met_lost", "达成但失分", True),
    (1, 0, "missed_full", "未达成仍得满分", True),
    (1, 1, "missed_partial", "未达成且失分", False),
)


def targets_to_chart(grid: TargetsGrid) -> Chart:
    """The 2×2 of indicators: met/missed (rows) × full/partial score (columns), each cell
    shaded by its share; the two that contradict (达成但失分, 未达成仍得满分) outlined."""
    left, top, cell_w, cell_h = 70.0, 26.0, 150.0, 80.0
    counts = {name: int(getattr(grid, name)) for _, _, name, _, _ in TARGET_CELLS}
    peak = max(counts.values(), default=0)
    shapes, labels = [], []
    for row, col, name, title, flagged in TARGET_CELLS:
        n = counts[name]
        x, y = left + col * cell_w, top + row * cell_h
        share = f"{100 * n / grid.counted:.1f}%" if grid.counted else "—"
        cls = "cell flag" if flagged else "cell"
        opacity = _r(0.08 + 0.8 * n / peak) if peak else 0.08
        shapes.append(Shape("rect", x, y, cell_w - 4, cell_h - 4, cls, f"{title}：{n}", opacity))
        labels.append(Label(x + cell_w / 2 - 2, y + 30, str(n), cls="big"))
        labels.append(Label(x + cell_w / 2 - 2, y + 50, f"{title} · {share}", cls="name"))
    for col, text in enumerate(("满分（得分 = 分值）", "未满分（得分 ≠ 分值）")):
        labels.append(Label(left + col * cell_w + cell_w / 2, top - 8, text, cls="tick"))
    for row, text in enumerate(("达成目标", "未达成")):
        labels.append(Label(left - 6, top + row * cell_h + cell_h / 2, text, "end", cls="tick"))
    width, height = left + 2 * cell_w + 6, top + 2 * cell_h + 6
    return Chart("chart-targets", "目标达成与得分", width, height, tuple(shapes), (), tuple(labels))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def heat_to_chart(heat: ProblemHeat, names: Callable[[str], str]) -> Chart:
    """Departments (rows, most problems first) × problem codes (columns, by their Chinese
    ``names``): each cell shaded by its count, the count written in it."""
    left, top, cell_w, cell_h = 178.0, 96.0, 44.0, 20.0
    columns = len(heat.codes) + 1  # the last: the row's total
    width = left + cell_w * columns + 8
    height = top + cell_h * max(len(heat.rows), 1) + 8
    peak = max((n for row in heat.rows for n in row.counts), default=0)
    shapes, labels = [], []
    for j, code in enumerate((*heat.codes, "合计")):
        x = left + j * cell_w + cell_w / 2
        labels.append(Label(x, top - 6, _short(names(code) or code, 9), "start", -55.0, "tick"))
    for i, row in enumerate(heat.rows):
        y = top + i * cell_h
        labels.append(Label(left - 6, y + 14, _short(row.department, 13), "end", cls="tick"))
        for j, n in enumerate((*row.counts, row.total)):
            total = j == len(row.counts)
            opacity = _r(0.1 + 0.85 * n / peak) if n and peak and not total else 0.0
            name = "合计" if total else names(heat.codes[j]) or heat.codes[j]
            tip = f"{row.department} · {name}：{n}"
            cls = "heat total" if total else "heat"
            x = left + j * cell_w
            shapes.append(Shape("rect", x, y, cell_w - 2, cell_h - 2, cls, tip, opacity))
            if n:
                dark = " light" if opacity > 0.55 else ""
                labels.append(Label(x + cell_w / 2 - 1, y + 14, str(n), cls=f"n{dark}"))
    if not heat.rows:
        labels.append(Label(left, top + 14, "没有警告或错误", "start", cls="empty"))
    return Chart(
        "chart-problems", "各主管部门的问题", width, height, tuple(shapes), (), tuple(labels)
    )


def overview_to_charts(
    histogram: TotalsHistogram,
    scatter: TotalsScatter,
    grid: TargetsGrid,
    heat: ProblemHeat,
    names: Callable[[str], str],
) -> Sequence[Chart]:
    """The four charts, in the order the page shows them."""
    return (
        histogram_to_chart(histogram),
        scatter_to_chart(scatter),
        targets_to_chart(grid),
        heat_to_chart(heat, names),
    )
