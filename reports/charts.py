"""Small server-side SVG charts. Every chart is shown with its data table and a one-line text
summary, so nobody depends on seeing it."""

BAR_HEIGHT = 22
LABEL_WIDTH = 220
CHART_WIDTH = 640


def bars(rows, value_key, label_key="label", max_value=None):
    """Horizontal bars: [{label, value, y, width}] plus the SVG height."""
    values = [row[value_key] or 0 for row in rows]
    top = max_value or max(values or [0]) or 1
    items = []
    for index, row in enumerate(rows):
        value = row[value_key] or 0
        items.append(
            {
                "label": str(row[label_key])[:40],
                "value": value,
                "y": index * (BAR_HEIGHT + 6),
                "width": round((CHART_WIDTH - LABEL_WIDTH - 60) * value / top, 1),
            }
        )
    return {
        "items": items,
        "height": max(len(items) * (BAR_HEIGHT + 6), BAR_HEIGHT),
        "label_width": LABEL_WIDTH,
        "width": CHART_WIDTH,
        "bar_height": BAR_HEIGHT,
    }


def line(points, target=None, height=220):
    """A 0-100 % line over periods: [{label, share}] → polyline points and axis labels."""
    usable = [p for p in points if p["share"] is not None]
    width = CHART_WIDTH - 60
    step = width / max(len(usable) - 1, 1)
    coords = []
    for index, point in enumerate(usable):
        x = 40 + index * step
        y = height - 20 - (height - 40) * point["share"] / 100
        coords.append({"x": round(x, 1), "y": round(y, 1), **point})
    target_y = round(height - 20 - (height - 40) * target / 100, 1) if target is not None else None
    return {
        "points": coords,
        "polyline": " ".join(f"{c['x']},{c['y']}" for c in coords),
        "height": height,
        "width": CHART_WIDTH,
        "target": target,
        "target_y": target_y,
    }
