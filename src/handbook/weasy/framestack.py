"""Run WeasyPrint's deep recursion without remapping CPython's frame stack over and over.

CPython 3.11 keeps Python frames in 16 KiB chunks of memory and unmaps a chunk as soon as the
frame that opened it returns. WeasyPrint's layout recurses up and down across such a chunk
boundary hundreds of times a page, and each crossing maps, zero-fills and unmaps the memory
again. On the patient sheet that was 250 to 9,700 page faults and 0 to 59 ms of kernel time a
sheet, depending only on how deep the caller's own stack happened to be (measured with
``resource.getrusage`` around 8 sheets at each of 15 depths).

:func:`call_with_room` calls its argument from a frame that declares a 128 KiB evaluation stack
and uses two slots of it. The interpreter opens a 256 KiB chunk for that frame, so the callee's
frames fill the rest of the chunk: one map and one unmap a call. On a Python that manages
frames another way the unused stack is untouched memory and costs nothing.

CPython gh-142183 ("Calls across stack chunks perform badly") is the upstream issue; its fix,
one cached chunk per thread (gh-145789), went into 3.13 and 3.14 in 2026. Retire this once the
handbook runs only on a Python with that fix (Debian 12's 3.11 does not have it).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")

ROOM_SLOTS = 16_384  # 8-byte slots: 128 KiB, four times what the sheet's deepest recursion used


def _call(function: Callable[[], Result]) -> Result:
    return function()


_call_with_room = types.FunctionType(_call.__code__.replace(co_stacksize=ROOM_SLOTS), globals(), "call_with_room")


def call_with_room(function: Callable[[], Result]) -> Result:
    """``function()``, with the frames it pushes kept in one block of memory."""
    return _call_with_room(function)
