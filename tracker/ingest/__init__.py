"""Fetch, parse, normalise, merge and store: the path from a source to stored windows."""
