"""Record how the extractor did on a held-out set of real texts, as rows without the texts.

A reviewer's set of real excerpts (labelled by ../shared/windows-dev/LABELLING.md, kept outside
the project because the texts are third-party prose) is scored once, before any fix made for
it: that is the only moment its outcomes say how the extractor does on unseen text. This script
keeps those outcomes as derived rows (the confidence reasons, the evidence counts and whether
the extraction was fully right; never the text, the URL or the id), so that the confidence
model can be fitted and its publishing threshold chosen on unseen text
(bench/calibrate_windows.py) long after the texts themselves are gone.

Run it on the commit that was scored, before the set's fixes are merged:
  .venv/bin/python bench/heldout_rows.py --set 15 /tmp/review-windows15/set.jsonl
Rows of the same set are replaced in tests/windows/heldout_rows.jsonl.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracker.windows import extract_windows  # noqa: E402
from tracker.windows.build import build  # noqa: E402
from tracker.windows.evaluate import case_from_record, got_fields  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "windows" / "heldout_rows.jsonl"


def rows_for(name: str, records: list[dict[str, object]], commit: str) -> list[dict[str, object]]:
    rows = []
    for record in records:
        case = case_from_record(record)
        result = extract_windows(case.text, case.today, published=case.published)
        _windows, evidence = build(case.text, case.today, case.published)
        got = got_fields(result)
        rows.append(
            {
                "set": name,
                "commit": commit,
                "lang": record.get("lang"),
                "right": got == case.expected,
                "status_right": got["status"] == case.expected["status"],
                "review": result.review,
                "reasons": list(result.reasons),
                "mentions": evidence.mentions,
                "dropped": evidence.dropped,
                "decoys": evidence.decoys,
                "competing": evidence.competing,
                "windows": len(result.windows),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the set's JSON lines (outside the project)")
    parser.add_argument("--set", required=True, help="the set's name, e.g. 15")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    lines = args.path.read_text("utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    new = rows_for(str(args.set), records, commit)
    kept = []
    if args.out.exists():
        old = [json.loads(x) for x in args.out.read_text("utf-8").splitlines() if x.strip()]
        kept = [r for r in old if r["set"] != str(args.set)]
    args.out.write_text(
        "".join(json.dumps(r, sort_keys=True) + "\n" for r in kept + new), encoding="utf-8"
    )
    right = sum(bool(r["right"]) for r in new)
    published = [r for r in new if not r["review"]]
    ok = sum(bool(r["right"]) for r in published)
    print(
        f"set {args.set} at {commit}: {len(new)} cases, {right} fully right; "
        f"{len(published)} published, {ok} of them right; wrote {args.out}"
    )


if __name__ == "__main__":
    main()
