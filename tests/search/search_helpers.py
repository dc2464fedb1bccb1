"""Search tests: the hit-rate tally printed by conftest.py (run_query is in tests/helpers.py)."""

from __future__ import annotations

# transport ("http" / "file") -> one bool per query row, for the summary line.
RESULTS: dict[str, list[bool]] = {}
