"""Helpers for driving components from Python."""


def text_of(widget) -> str:
    """Every string value under a widget (HTML, labels, inputs), one per line: what a page shows."""
    out, stack = [], [widget]
    while stack:
        w = stack.pop()
        if hasattr(w, "value") and isinstance(w.value, str):
            out.append(w.value)
        stack.extend(getattr(w, "children", ()))
    return "\n".join(out)
