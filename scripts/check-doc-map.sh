#!/usr/bin/env bash
# Keeps the map honest: fails when a source file under src/, simulator/ or cli/ is not named in
# doc/architecture.md. A file is named by its path or by a tail of it that starts after a `/`
# (`src/flow/charge/charge.cpp`, `flow/charge.cpp`, `charge.cpp`), or by such a tail's stem and `.*`
# (`charge_journal.*` names the .cpp and the .hpp), as long as no other source file has the same
# tail: `charge.cpp` alone would also fit cli/commands/charge.cpp, so the map must say
# `flow/charge.cpp` and `commands/charge.cpp`.
#
# Usage: scripts/check-doc-map.sh                        # the tracked files, doc/architecture.md
#        scripts/check-doc-map.sh --fixture FILES DOC    # the paths listed in FILES (one a line,
#                                                        # `#` starts a comment) against DOC
# Prints one line per unnamed file ("PATH: not named in DOC") and exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--fixture" ]; then
  files="${2:?--fixture FILES DOC}"
  doc="${3:?--fixture FILES DOC}"
  list=$(sed 's/#.*//; s/[[:space:]]*$//; /^$/d' "$files")
else
  doc=doc/architecture.md
  list=$(git ls-files src simulator cli | grep -E '\.(cpp|hpp|h|cc|ipp)$')
fi
printf '%s\n' "$list" | python3 -c '
import re, sys
doc_path = sys.argv[1]
text = open(doc_path, encoding="utf-8").read()
files = [l.strip() for l in sys.stdin if l.strip()]
# The path-like words of the doc.
words = set(w.rstrip(".") for w in re.findall(r"[A-Za-z0-9_./*-]+", text))
words |= set(re.findall(r"[A-Za-z0-9_./*-]+", text))
def tails(path):
    parts = path.split("/")
    return ["/".join(parts[i:]) for i in range(len(parts))]
owners = {}
for f in files:
    for t in tails(f):
        owners.setdefault(t, set()).add(f)
        stem = t.rsplit(".", 1)[0] + ".*"
        owners.setdefault(stem, set()).add(f)
bad = 0
for f in files:
    named = False
    for t in tails(f):
        for name in (t, t.rsplit(".", 1)[0] + ".*"):
            if name in words and all(o.rsplit(".", 1)[0] == f.rsplit(".", 1)[0] for o in owners[name]):
                named = True
    if not named:
        print(f"{f}: not named in {doc_path}")
        bad = 1
sys.exit(bad)
' "$doc"
