#!/usr/bin/env bash
# No doc line over 400 characters (a line that long is a paragraph or a table cell nobody can
# read or review in a diff): fails on each one, naming the file, the line and its length.
#
# Usage: scripts/check-doc-lines.sh            # README.md and every tracked *.md under doc/
#        scripts/check-doc-lines.sh FILE...    # these files (tests/lint/doc_lines_fixture.md)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  mapfile -t files < <(git ls-files README.md 'doc/*.md')
else
  files=("$@")
fi
python3 - "${files[@]}" <<'PY'
import sys
limit = 400
bad = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            length = len(line.rstrip("\n"))
            if length > limit:
                print(f"{path}:{n}: {length} characters (at most {limit})")
                bad = 1
sys.exit(bad)
PY
