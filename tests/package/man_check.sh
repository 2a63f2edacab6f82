#!/usr/bin/env bash
# The man page names everything the program's --help names, so a new command or option cannot
# ship undocumented in doc/man/ (ctest package.man_*).
#   man_check.sh commands PROGRAM MAN.1.in   every subcommand of PROGRAM --help
#   man_check.sh options  PROGRAM MAN.1.in   every --option of PROGRAM --help
set -euo pipefail
mode="$1" program="$2" page="$3"
help=$("$program" --help)
case "$mode" in
  commands)
    # CLI11 lists them under "Subcommands:", one per line, indented.
    names=$(awk 'tolower($0) ~ /^subcommands:/ {on = 1; next} on && /^[^ ]/ {on = 0} on && NF {print $1}' <<<"$help")
    pattern='^\.B[I]? "?%s( |"|$)'
    escape=no ;;
  options)
    # The lines that define an option ("  --port N  ...", "  -h,--help"), not the examples.
    names=$(grep -E -- '^ +(-[a-zA-Z], ?)?--[a-z]' <<<"$help" | grep -oE -- '--[a-z][a-z-]*' | sort -u)
    pattern='^\.B[IR]? .*%s'
    escape=yes ;;
  *) echo "usage: $0 commands|options PROGRAM MAN.1.in" >&2; exit 2 ;;
esac
test -n "$names" || { echo "found nothing to check in $program --help" >&2; exit 1; }
missing=0
for n in $names; do
  esc="$n"
  # Options are written \-\-name in roff (inner hyphens escaped or not).
  if [ "$escape" = yes ]; then esc=$(sed 's/-/\\\\?-/g' <<<"$n"); fi
  # shellcheck disable=SC2059
  if ! grep -qE "$(printf "$pattern" "$esc")" "$page"; then
    echo "$page: $n (in $program --help) is not documented" >&2
    missing=1
  fi
done
echo "checked: $(tr '\n' ' ' <<<"$names")"
exit "$missing"
