#!/usr/bin/env bash
# Puts every name of the library in the versioned inline namespace paystack::v0
# (doc/api-policy.md): include/paystack/ and src/. Idempotent: an opening already followed by
# `inline namespace v0 {`, or a closing already preceded by `}  // namespace v0`, is left alone.
# Run from the repository root: bash scripts/apply-versioned-namespace.sh
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files 'include/paystack/*.hpp' 'src/*.cpp' 'src/*.hpp')
perl -0pi -e '
  s/^namespace paystack \{\n(?!inline namespace v0 \{)/namespace paystack {\ninline namespace v0 {\n/mg;
  s/^namespace paystack::((?!sim\b)[a-z_:]+) \{\n/namespace paystack {\ninline namespace v0 {\nnamespace $1 {\n/mg;
  s/^(?<!\}  \/\/ namespace v0\n)\}  \/\/ namespace paystack\n/}  \/\/ namespace v0\n}  \/\/ namespace paystack\n/mg;
  s/^\}  \/\/ namespace paystack::((?!sim\b)[a-z_:]+)\n/}  \/\/ namespace $1\n}  \/\/ namespace v0\n}  \/\/ namespace paystack\n/mg;
' $files
