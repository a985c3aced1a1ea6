"""Fetch and parse errors in Dutch, for the command line and the Bronnen page.

The fetch and parse layers (``tracker.ingest.fetch``, ``scrapers``) raise technical English
messages, and a run stores them as they are (``ScrapeRun.error``), so logs and the JSON API
keep the original. Readers get them in Dutch through ``message_nl``; a message it does not
know is kept as it is rather than lost. Staff pages show the original next to it.
"""

from __future__ import annotations

import re

_MESSAGES_NL: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^HTTP (\d+) from (.+)$"), r"HTTP \1 van \2"),
    (re.compile(r"^time budget of (\S+)s exceeded$"), r"tijdslimiet van \1 s overschreden"),
    (re.compile(r"^stopped: the scheduler shut down$"), "gestopt: de planner werd afgesloten"),
    (re.compile(r"^the source returned no items$"), "de bron leverde geen items"),
    (re.compile(r"^robots\.txt disallows (.+)$"), r"robots.txt verbiedt \1"),
    (
        re.compile(r"^robots\.txt unavailable for (\S+): (.*)$"),
        r"robots.txt van \1 niet op te halen: \2",
    ),
    (re.compile(r"^too many redirects from (.+)$"), r"te veel doorverwijzingen vanaf \1"),
    (re.compile(r"^refusing non-http\(s\) URL (.+)$"), r"geen http(s)-adres, geweigerd: \1"),
    (re.compile(r"^(\S+): body exceeds (\d+) bytes$"), r"\1: antwoord groter dan \2 bytes"),
    (re.compile(r"^incomplete body from (\S+): (.*)$"), r"onvolledig antwoord van \1: \2"),
    (re.compile(r"^(\w+) for (\S+): (.*)$"), r"verbindingsfout (\1) bij \2: \3"),
    (re.compile(r"^(\S+): empty body, expected (\w+)$"), r"\1: leeg antwoord, \2 verwacht"),
    (re.compile(r"^(\S+): not well-formed XML \((.*)\)$"), r"\1: geen geldige XML (\2)"),
    (
        re.compile(r"^(\S+): SRU server ignored the filter (\S+), results unfiltered \((.*)\)$"),
        r"\1: de SRU-server negeerde het filter \2, de resultaten zijn niet gefilterd (\3)",
    ),
]
# a source's flag reason quotes the last error after this Dutch prefix (tracker.ingest.pipeline)
_FAILURES = re.compile(r"^(\d+ mislukte runs op rij): (.+)$", re.DOTALL)


def message_nl(text: str) -> str:
    """A known technical message in Dutch; unknown ones are kept as they are."""
    for pattern, replacement in _MESSAGES_NL:
        if pattern.match(text):
            return pattern.sub(replacement, text)
    if failures := _FAILURES.match(text):
        return f"{failures.group(1)}: {message_nl(failures.group(2))}"
    return text
