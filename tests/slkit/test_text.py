import pytest

from slkit import InputError
from slkit.text import clean_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Hei på deg  ", "Hei på deg"),
        ("Æ Ø Å æ ø å", "Æ Ø Å æ ø å"),
        ("We 💙 feedback 👩🏽‍💻", "We 💙 feedback 👩🏽‍💻"),  # emoji with skin tone and zero-width joiner
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),  # stored verbatim, escaped on display
        ("'; DROP TABLE answers; --", "'; DROP TABLE answers; --"),
        ("line one\r\nline two", "line one\nline two"),
    ],
)
def test_text_is_kept_as_typed(raw, expected):
    assert clean_text(raw, max_length=200) == expected


def test_decomposed_letters_are_composed():
    # "å" typed as a + combining ring counts as one character and matches the composed form.
    assert clean_text("a\u030a", max_length=1) == "å"


def test_single_line_folds_whitespace():
    assert clean_text(" a \n  b\tc ", max_length=10, multiline=False) == "a b c"


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "is empty"),
        ("   \n\t ", "is empty"),
        (None, "is empty"),
        ("x" * 201, "201 characters long; the limit is 200"),
        ("a\x00b", "control character"),
        ("evil\u202eoot.exe", "control character"),
        ("half \ud800 surrogate", "broken characters"),
        (42, "must be text"),
    ],
)
def test_bad_text_is_refused_with_a_reason(raw, message):
    with pytest.raises(InputError, match=message):
        clean_text(raw, max_length=200)


def test_empty_allowed_when_optional():
    assert clean_text("  ", max_length=5, allow_empty=True) == ""


def test_limit_counts_characters_not_bytes():
    assert clean_text("ø" * 200, max_length=200) == "ø" * 200
    assert clean_text("👍" * 200, max_length=200) == "👍" * 200


@pytest.mark.parametrize("value", ["\u200b\u200b", "\u200e \u200f", "\ufeff", " \u2060 "])
def test_invisible_only_text_is_refused_like_empty_text(value):
    with pytest.raises(InputError, match="empty"):
        clean_text(value, max_length=50)
    assert clean_text(value, max_length=50, allow_empty=True) == ""


def test_a_code_with_a_direction_override_is_not_echoed_reversed():
    from slkit.sessions import normalize_code

    with pytest.raises(InputError) as e:
        normalize_code("AB\u202eCD12")
    assert "\u202e" not in str(e.value) and "'ABCD12'" in str(e.value)
