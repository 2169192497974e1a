"""Session codes, facilitator keys, participant tokens and the links built from them.

>>> code = new_session_code()
>>> len(code), normalize_code(code.lower()) == code
(6, True)
>>> key = new_secret()
>>> verify_secret(key, hash_secret(key)), verify_secret("guess", hash_secret(key))
(True, False)
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlencode

from . import InputError
from .i18n import _
from .text import echo

# No look-alikes: no 0/O, no 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
PERSONAL_CODE_LENGTH = 8
SECRET_BYTES = 24  # 192 random bits for facilitator keys and resume tokens


def _random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(length))


def new_session_code() -> str:
    return _random_code(CODE_LENGTH)


def new_personal_code() -> str:
    return _random_code(PERSONAL_CODE_LENGTH)


def _normalize(value: object, length: int, personal: bool) -> str:
    if not isinstance(value, str) or not "".join(value.split()).replace("-", ""):
        raise InputError(_("Please enter your personal code.") if personal else _("Please enter the session code."))
    code = "".join(value.split()).replace("-", "").upper()
    if len(code) != length or any(c not in CODE_ALPHABET for c in code):
        raise InputError((_("A personal code has {n} letters and digits (no 0, O, 1, I or L); '{typed}' is not one.") if personal
                          else _("A session code has {n} letters and digits (no 0, O, 1, I or L); '{typed}' is not one.")
                          ).format(n=length, typed=echo(value)))
    return code


def normalize_code(value: object) -> str:
    """A session code as typed ('ab c-d2e') -> 'ABCD2E', or InputError."""
    return _normalize(value, CODE_LENGTH, personal=False)


def normalize_personal_code(value: object) -> str:
    return _normalize(value, PERSONAL_CODE_LENGTH, personal=True)


PERSONAL_CODE_ROUNDS = 20_000


def hash_personal_code(session_code: str, personal_code: str) -> str:
    """How the store keeps a personal code. It is short (8 characters, about 40 bits), so unlike
    tokens it gets a salt (the session) and a slow hash: a copy of the store does not hand out
    the codes that let anyone continue as someone else."""
    digest = hashlib.pbkdf2_hmac("sha256", personal_code.encode(), f"slkit:{session_code}".encode(), PERSONAL_CODE_ROUNDS)
    return digest.hex()


def format_personal_code(code: str) -> str:
    """'ABCDEFGH' -> 'ABCD-EFGH', easier to read aloud and copy."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def new_secret() -> str:
    """A facilitator key or a participant's resume token."""
    return secrets.token_urlsafe(SECRET_BYTES)


def hash_secret(secret: str) -> str:
    """Secrets are high-entropy random strings, so one SHA-256 is enough to store them safely."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def derive_screen_key(console_key: str, session_code: str) -> str:
    """The room screen's key for a console opened with `console_key`: one-way (the screen's link
    gives nobody the console's key), and the same each time that console asks for it."""
    import base64

    digest = hmac.new(console_key.encode("utf-8"), f"slkit-screen:{session_code}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:SECRET_BYTES]).decode().rstrip("=")


def verify_secret(secret: object, stored_hash: str | None) -> bool:
    """Constant-time comparison of a presented secret with the stored hash."""
    if not isinstance(secret, str) or not secret or not stored_hash:
        return False
    return hmac.compare_digest(hash_secret(secret), stored_hash)


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def participant_link(base_url: str, notebook: str, code: str, token: str | None = None) -> str:
    """Where a participant works on a module: /voila/render/<module>.ipynb?session=CODE[&p=TOKEN]."""
    query = {"session": code}
    if token:
        query["p"] = token
    return f"{_base(base_url)}/voila/render/{notebook}?{urlencode(query)}"


def join_link(base_url: str, code: str) -> str:
    """The link to hand out in the room: the landing page with the session code filled in."""
    return f"{_base(base_url)}/voila/render/index.ipynb?{urlencode({'session': code})}"


def screen_link(base_url: str, code: str, screen_key: str) -> str:
    """The room screen for the projector: its key shows the session's screen and controls nothing."""
    return f"{_base(base_url)}/voila/render/screen.ipynb?{urlencode({'session': code, 'screen': screen_key})}"


def planned(settings: dict, available) -> list[str]:
    """The modules a session uses, in its order: its plan, else every available module that a
    plan holds by default (given frameworks: not the follow-up, which a session takes on when it
    has a follow-up date or names it)."""
    plan = settings.get("modules")
    if plan:
        return [m for m in plan if m in available]
    if isinstance(available, dict):
        return [m for m, fw in available.items() if getattr(fw, "default_plan", True)]
    return list(available)


def follow_up_link(base_url: str, code: str) -> str:
    """The follow-up page of a session (to send the team on the day; it carries no one's identity)."""
    return f"{_base(base_url)}/voila/render/05_follow_up.ipynb?{urlencode({'session': code})}"


def observer_link(base_url: str, token: str) -> str:
    """An observer's link (slkit.observers): it carries only the invitation, never who sent it."""
    return f"{_base(base_url)}/voila/render/observer.ipynb?{urlencode({'invite': token})}"


def facilitator_link(base_url: str, key: str, code: str | None = None) -> str:
    query = {"session": code, "key": key} if code else {"key": key}
    return f"{_base(base_url)}/voila/render/facilitator.ipynb?{urlencode(query)}"


def qr_svg(link: str, scale: int = 7) -> str:
    """A link as a QR code (inline SVG), made here (no service)."""
    import segno

    # A viewBox instead of a fixed size: the page's CSS decides how large it is.
    return segno.make(link, error="m").svg_inline(scale=scale, border=2, dark="#123c5a", omitsize=True)
