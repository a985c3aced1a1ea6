"""Subsidy-scheme tracker and alert service."""

import gc
import sys

__version__ = "0.1.0"

# httpx imports its command line client (click, rich tables and progress, pygments) whenever
# those are installed; nothing here uses it, and it cost every `tracker scrape` 2.7 MB and
# 10 ms (issue 14). A None entry makes that import fail, and httpx defines a stub instead.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

# SQLAlchemy, pydantic and the models make several hundred thousand objects, all of them kept for
# the life of the process: the cyclic garbage collector neither scans them while they are
# imported nor afterwards (gc.freeze), ~60 ms of every `tracker scrape` (issue 14).
_collecting = gc.isenabled()
gc.disable()
try:
    # every Session bumps the data generation when it changes what feeds show (issue 14)
    from tracker import generation as _generation  # noqa: E402,F401
finally:
    gc.freeze()
    if _collecting:
        gc.enable()
