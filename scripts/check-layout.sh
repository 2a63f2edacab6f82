#!/usr/bin/env bash
# Fails when a C++ file includes something its part of the repository may not include, by the
# table between the layout-rules markers in doc/layout.md (e.g. the CLI including a src/ header,
# the transport including a model). Rules are by folder; see doc/layout.md.
#
# Usage: scripts/check-layout.sh                  # every tracked C++ file
#        scripts/check-layout.sh --fixture FILE   # the sections of FILE, each as if it were a
#                                                 # tracked file (tests/lint/layout_fixture.txt)
# Needs only git and perl-base (part of every Debian system).
set -euo pipefail
cd "$(dirname "$0")/.."
fixture=""
if [ "${1:-}" = "--fixture" ]; then fixture="${2:?--fixture FILE}"; fi

git ls-files | perl -e '
use strict; use warnings;
my ($rules_file, $fixture) = @ARGV;

# The rules: every row of the table between the markers whose first two cells hold `paths`.
open my $rf, "<", $rules_file or die "check-layout: cannot read $rules_file\n";
my ($in, @rules) = (0);
while (my $l = <$rf>) {
  if ($l =~ /layout-rules:begin/) { $in = 1; next }
  if ($l =~ /layout-rules:end/) { $in = 0; next }
  next unless $in && $l =~ /^\s*\|/;
  my (undef, $from, $deny) = split /\|/, $l;
  my @f = ($from // "") =~ /`([^`]+)`/g;
  my @d = ($deny // "") =~ /`([^`]+)`/g;
  # A from entry written `!PATH` excepts PATH from the other from entries of the row.
  my @not = map { substr($_, 1) } grep { substr($_, 0, 1) eq "!" } @f;
  @f = grep { substr($_, 0, 1) ne "!" } @f;
  push @rules, { from => \@f, not => \@not, deny => \@d } if @f && @d;
}
die "check-layout: no rules found in $rules_file\n" unless @rules;

my @tracked = map { chomp; $_ } <STDIN>;
my %exists = map { $_ => 1 } @tracked;
my $src = qr/\.(?:cpp|hpp|h|cc|cxx|ipp|inl)$/;

# The units to check: [path as which it is checked, name in reports, [[line no, text], ...]].
my @units;
if ($fixture ne "") {
  # "//== file PATH": PATH exists (a header to include); "//== from PATH": the lines below are
  # checked as if they were the file PATH.
  open my $ff, "<", $fixture or die "check-layout: cannot read $fixture\n";
  my $cur;
  while (my $l = <$ff>) {
    chomp $l;
    if ($l =~ m{^//== file (\S+)}) { $exists{$1} = 1; push @tracked, $1; next }
    if ($l =~ m{^//== from (\S+)}) { $cur = [$1, "$fixture($1)", []]; push @units, $cur; next }
    push @{ $cur->[2] }, [$., $l] if $cur;
  }
} else {
  for my $p (grep { /$src/ } @tracked) {
    open my $fh, "<", $p or next;  # deleted in the work tree but still tracked
    my @lines;
    while (my $l = <$fh>) { chomp $l; push @lines, [$., $l] }
    push @units, [$p, $p, \@lines];
  }
}

sub normalize {
  my @out;
  for my $s (split m{/}, shift) {
    next if $s eq "" || $s eq ".";
    if ($s eq "..") { pop @out } else { push @out, $s }
  }
  return join "/", @out;
}
sub top { my ($p) = @_; return $p =~ m{^([^/]+)/} ? $1 : "" }
sub matches { my ($path, $e) = @_; return $e =~ m{/$} ? index($path, $e) == 0 : $path eq $e }

my %by_base;
for my $p (@tracked) { (my $b = $p) =~ s{.*/}{}; push @{ $by_base{$b} }, $p }

# The tracked files an include may name: next to the including file for "..." includes, else
# every tracked file whose path ends with the include path (those in the including file part
# first, as its own include folders come first in the build).
sub resolve {
  my ($from, $inc, $quoted) = @_;
  if ($quoted) {
    (my $dir = $from) =~ s{[^/]*$}{};
    my $p = normalize($dir . $inc);
    return ($p) if $exists{$p};
  }
  my $tail = normalize($inc);
  $tail =~ s{^(?:\.\./)+}{};
  (my $b = $tail) =~ s{.*/}{};
  my @c = grep { $_ eq $tail || substr($_, -length($tail) - 1) eq "/$tail" } @{ $by_base{$b} // [] };
  my @same = grep { top($_) eq top($from) } @c;
  return @same ? @same : @c;
}

my ($bad, $checked) = (0, 0);
for my $u (@units) {
  my ($as, $name, $lines) = @$u;
  my @mine = grep {
    my $r = $_;
    (grep { matches($as, $_) } @{ $r->{from} }) && !(grep { matches($as, $_) } @{ $r->{not} })
  } @rules;
  for my $ln (@$lines) {
    my ($no, $text) = @$ln;
    next unless $text =~ /^\s*#\s*include\s*([<"])([^>"]+)[>"]/;
    my ($open, $inc) = ($1, $2);
    my $quoted = $open eq "\"";
    my @targets = resolve($as, $inc, $quoted);
    next unless @targets;
    $checked++;
    RULE: for my $r (@mine) {
      for my $t (@targets) {
        for my $d (@{ $r->{deny} }) {
          next unless matches($t, $d);
          my $from = join " ", @{ $r->{from} };
          print "$name:$no: forbidden include $open$inc", ($quoted ? "\"" : ">"),
                " (= $t): $from may not include $d (doc/layout.md)\n";
          $bad++;
          last RULE;
        }
      }
    }
  }
}
printf "check-layout: %d files, %d project includes, %d rules: %s\n", scalar(@units), $checked,
  scalar(@rules), $bad ? "$bad forbidden include(s)" : "no forbidden include";
exit($bad ? 1 : 0);
' doc/layout.md "$fixture"
