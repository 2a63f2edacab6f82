#!/usr/bin/env bash
# clang-tidy (.clang-tidy: naming, bugprone-*) on C++ files, with build/dev's compile database.
#   scripts/tidy.sh              # the .cpp files changed by the last commit (HEAD~1..HEAD; for a
#                                # merge on main, everything the merge brought in); a changed
#                                # header is checked through the .cpp of the same name, if any
#   scripts/tidy.sh FILE...      # these files
#   TIDY_ALL=1 scripts/tidy.sh   # every file of the compile database (slow: minutes per core)
# Skips, successfully, when there is nothing to check (no HEAD~1 in a shallow clone, or no C++
# file changed). Needs `cmake --preset dev` first (CI: scripts/test.sh runs it after the dev build).
set -euo pipefail
cd "$(dirname "$0")/.."
db=build/dev/compile_commands.json
[ -f "$db" ] || { echo "tidy: $db missing: run cmake --preset dev first" >&2; exit 1; }
tidy="$(command -v clang-tidy || command -v clang-tidy-14 || true)"
[ -n "$tidy" ] || { echo "tidy: clang-tidy not installed (scripts/install-deps.sh)" >&2; exit 1; }

# The translation units the database knows, relative to the repository.
mapfile -t known < <(perl -ne 'print "$1\n" if m{"file":\s*"\Q$ENV{PWD}\E/([^"]+)"}' "$db" | sort -u)

if [ $# -gt 0 ]; then
  mapfile -t wanted < <(printf "%s\n" "$@" | sed "s/\.hpp$/.cpp/")
elif [ -n "${TIDY_ALL:-}" ]; then
  wanted=("${known[@]}")
elif git rev-parse -q --verify 'HEAD~1^{commit}' >/dev/null; then
  mapfile -t wanted < <(git diff --name-only --diff-filter=ACMR HEAD~1 HEAD -- '*.cpp' '*.hpp' |
                          sed 's/\.hpp$/.cpp/' | sort -u)
else
  echo "tidy: no HEAD~1 (shallow clone): nothing to compare, skipped"
  exit 0
fi

files=()
for f in "${wanted[@]}"; do
  for k in "${known[@]}"; do
    if [ "$k" = "$f" ]; then files+=("$f"); break; fi
  done
done
if [ ${#files[@]} -eq 0 ]; then
  echo "tidy: no changed C++ file in the compile database: skipped"
  exit 0
fi

echo "tidy: ${#files[@]} file(s): ${files[*]}"
# GCC-only warning flags in the database (-Wno-mismatched-new-delete) are not clang's.
printf '%s\n' "${files[@]}" |
  xargs -P "${TIDY_JOBS:-2}" -n 4 "$tidy" -p build/dev --quiet \
    --extra-arg=-Wno-unknown-warning-option
echo "tidy: no finding"
