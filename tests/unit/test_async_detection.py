"""httpcore detects the async library per request; without sniffio each detection is a failed
import that walks sys.path again, a quarter of the CPU of an all-304 scrape cycle (issue 14)."""

import asyncio
import sys

from httpcore._synchronization import current_async_library


def test_async_library_detection_is_an_import_that_succeeds() -> None:
    async def detect() -> str:
        return current_async_library()

    assert asyncio.run(detect()) == "asyncio"
    # a failed import leaves nothing in sys.modules and is searched for again next time
    assert "sniffio" in sys.modules
