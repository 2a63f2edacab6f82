#!/usr/bin/env bash
# One test naming style: gtest suite names are CamelCase (gtest reserves '_' in suite names),
# test names snake_case. Reads the tracked tests/**/*.cpp files, or the files given.
# Prints each offending TEST/TEST_F/TEST_P line and exits 1 when there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$#" -gt 0 ]; then files=("$@"); else mapfile -t files < <(git ls-files 'tests/*.cpp'); fi
bad=0
for f in "${files[@]}"; do
  while IFS= read -r line; do
    echo "$f:$line: suite must be CamelCase, test snake_case"
    bad=1
  done < <(grep -nE '^[[:space:]]*(TEST|TEST_F|TEST_P)\(' "$f" |
    grep -vE '\([[:space:]]*[A-Z][A-Za-z0-9]*,[[:space:]]*[a-z][a-z0-9_]*[[:space:]]*\)' || true)
done
if [ "$bad" -eq 0 ]; then echo "check-test-names: ${#files[@]} files, every test named SuiteName.test_name"; fi
exit "$bad"
