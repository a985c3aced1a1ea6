"""Feed rendering (RSS, Atom, iCalendar) from stored events and schemes."""
