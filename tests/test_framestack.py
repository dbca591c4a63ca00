"""handbook.framestack: a call made with room behaves exactly like the plain call."""

from __future__ import annotations

import pytest

from handbook.weasy.framestack import call_with_room


def _depth(n: int) -> int:
    return 0 if n == 0 else 1 + _depth(n - 1)


def test_returns_what_the_function_returns_however_deep_it_goes() -> None:
    assert call_with_room(lambda: _depth(500)) == 500


def test_an_error_reaches_the_caller_unchanged() -> None:
    error = ValueError("the sheet needs 2 pages")

    def fail() -> None:
        raise error

    with pytest.raises(ValueError) as caught:
        call_with_room(fail)
    assert caught.value is error
