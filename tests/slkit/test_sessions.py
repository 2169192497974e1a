import re
from urllib.parse import parse_qs, urlsplit

import pytest

from slkit import InputError
from slkit.sessions import (
    CODE_ALPHABET,
    facilitator_link,
    format_personal_code,
    hash_secret,
    join_link,
    new_personal_code,
    new_secret,
    new_session_code,
    normalize_code,
    participant_link,
    verify_secret,
)


def test_codes_avoid_look_alikes():
    assert not set("0O1IL") & set(CODE_ALPHABET)
    codes = {new_session_code() for _ in range(2000)}
    assert all(re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", c) for c in codes)
    assert len(codes) > 1990  # random, not a counter
    assert len(new_personal_code()) == 8


@pytest.mark.parametrize("typed", ["k7m2qx", " K7M 2QX ", "k7m-2qx"])
def test_typed_codes_are_normalised(typed):
    assert normalize_code(typed) == "K7M2QX"


@pytest.mark.parametrize("typed", ["", "K7M2Q", "K7M2QXX", "K0M2QX", "KIM2QX", "<b>x</b>", None, "ÆØÅÆØÅ"])
def test_bad_codes_are_refused(typed):
    with pytest.raises(InputError):
        normalize_code(typed)


def test_secrets_have_at_least_128_bits_and_are_stored_hashed():
    key = new_secret()
    assert len(key) >= 22  # url-safe base64: 6 bits a character
    stored = hash_secret(key)
    assert key not in stored and len(stored) == 64
    assert verify_secret(key, stored)
    assert not verify_secret(key[:-1] + ("A" if key[-1] != "A" else "B"), stored)
    assert not verify_secret("", stored) and not verify_secret(None, stored) and not verify_secret(key, None)


def test_links_follow_the_contract():
    link = participant_link("http://h:8866/", "04_five_practices.ipynb", "K7M2QX", token="tok-en")
    parts = urlsplit(link)
    assert parts.path == "/voila/render/04_five_practices.ipynb"
    assert parse_qs(parts.query) == {"session": ["K7M2QX"], "p": ["tok-en"]}
    f = urlsplit(facilitator_link("http://h:8866", "k+y/=", "K7M2QX"))
    assert f.path == "/voila/render/facilitator.ipynb"
    assert parse_qs(f.query) == {"session": ["K7M2QX"], "key": ["k+y/="]}  # quoted, survives the round trip
    assert join_link("http://h:8866", "K7M2QX") == "http://h:8866/voila/render/index.ipynb?session=K7M2QX"


def test_personal_code_reads_in_two_halves():
    assert format_personal_code("ABCDEFGH") == "ABCD-EFGH"
