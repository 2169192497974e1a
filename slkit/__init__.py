"""The Social Leadership Workshop Kit's core: content, store, sessions, aggregation, exports.

Nothing here imports ipywidgets, so every piece is testable without a kernel.
"""

__version__ = "0.1.0"


class KitError(Exception):
    """An error a person can cause and read: its message is one clear sentence, no traceback."""


class InputError(KitError, ValueError):
    """Text or a value that the kit refuses to store, with the reason."""
