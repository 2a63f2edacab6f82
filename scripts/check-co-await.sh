#!/usr/bin/env bash
# Fails when a `co_await` stands anywhere but at the start of a statement or alone on the right
# of a plain `=` (a declaration or an assignment). GCC 12 miscompiles some co_awaits inside a
# condition or a larger expression (`if (co_await x())`, `a && co_await b`, `f(co_await x)`,
# `co_return co_await f()`, `(co_await x).ok()`): a charge flow crashed with a bad `this` that
# way (issue 11). Bind the result to a local first:
#     const bool stop = co_await cancelled();
#     if (stop) ...
# Usage: scripts/check-co-await.sh [files...]   (default: every tracked .cpp/.hpp)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
else
  files=("$@")
fi
# perl-base is part of every Debian system. Comments and string literals are blanked first
# (keeping line numbers); then every co_await's preceding token is checked.
perl -0777 -ne '
  my $src = $_;
  (my $code = $src) =~ s{//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'"'"'(?:\\.|[^'"'"'\\\n])*'"'"'}{
    my $m = $&; $m =~ s/[^\n]/ /g; $m }gse;
  while ($code =~ /\bco_await\b/g) {
    my $at = $-[0];
    my $before = substr($code, 0, $at);
    $before =~ s/\s+$//;
    my $ok = 0;
    # start of a statement: after ; { or }
    $ok = 1 if $before =~ /[;{}]$/;
    # right side of a plain assignment or initialisation (not ==, !=, <=, >=, +=, ...)
    $ok = 1 if $before =~ /(?<![=!<>+\-*\/%&|^])=$/;
    # the body of an if/else/while/for without braces: `if (r) co_await write(...);`
    $ok = 1 if $before =~ /\belse$/;
    if (!$ok && $before =~ /\)$/) {
      my ($depth, $i) = (0, length($before) - 1);
      for (; $i >= 0; --$i) {
        my $c = substr($before, $i, 1);
        $depth++ if $c eq ")";
        $depth-- if $c eq "(";
        last if $depth == 0;
      }
      $ok = 1 if $i > 0 && substr($before, 0, $i) =~ /\b(?:if|while|for|switch)\s*$/;
    }
    next if $ok;
    my $line = (substr($code, 0, $at) =~ tr/\n//) + 1;
    my ($text) = (split /\n/, $src)[$line - 1];
    $text =~ s/^\s+//;
    print "$ARGV:$line: co_await inside a larger expression: $text\n";
    $bad = 1;
  }
  END { exit($bad ? 1 : 0) }
' "${files[@]}" || {
  echo "check-co-await: bind the co_await's result to a local first (see the comment in $0)" >&2
  exit 1
}
echo "check-co-await: ${#files[@]} files, no co_await inside a larger expression"
