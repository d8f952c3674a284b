"""The list cursor: what the gateway gives comes back as the same sort key; anything else is a 422."""

import pytest
from fastapi.exceptions import RequestValidationError

from gateway.pagination import decode_cursor, encode_cursor


def test_a_cursor_gives_back_the_sort_key_it_was_made_from() -> None:
    key = ["lefevre-dubois", "anaïs", "acc-1/2+3"]

    cursor = encode_cursor(key)

    assert cursor is not None
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_cursor(cursor, 3) == key


def test_no_cursor_is_the_first_page_and_the_last_page_has_none() -> None:
    assert decode_cursor(None, 3) is None
    assert encode_cursor(None) is None


@pytest.mark.parametrize(
    "cursor",
    [
        "pas-un-curseur!",
        "",
        encode_cursor(["a", "b"]),
        encode_cursor(["a", "b", "c", "d"]),
        "eyJhIjogMX0",
        "WzEsMiwzXQ",
    ],
)
def test_a_cursor_the_gateway_did_not_give_is_a_validation_error_on_the_cursor_field(cursor: str) -> None:
    with pytest.raises(RequestValidationError) as refused:
        decode_cursor(cursor, 3)

    assert [e["loc"] for e in refused.value.errors()] == [("query", "cursor")]
