#!/usr/bin/env python3
"""No function longer than 80 lines outside the tests (issue 22: short functions read and review
better). Usage: check-function-length.py [--max N] [FILE...]; without files, every .cpp/.hpp
under src/, simulator/, cli/. A function is a brace block opened at namespace or class scope
after a parameter list (lambdas inside count towards their function). Comments, string and raw
string literals and preprocessor lines are ignored. Prints FILE:LINE: NAME is N lines (max M)
for each one over, and exits 1 if any. When checking the tree, the functions named in
scripts/function-length-allowlist.txt ("PATH NAME" lines: the ones still to split) are reported
but allowed; an entry that is no longer over the limit fails too, so the list only shrinks."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PARTS = ("src", "simulator", "cli")


def strip(text):
    """The code with comments, literals and preprocessor lines blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    at_line_start = True
    while i < n:
        c = text[i]
        if at_line_start and c == "#":
            j = i
            while j < n and text[j] != "\n":  # continued lines end with a backslash
                if text[j] == "\\" and j + 1 < n and text[j + 1] == "\n":
                    out.append("\n")
                    j += 2
                    continue
                j += 1
            i = j
            continue
        if c == "\n":
            at_line_start = True
            out.append(c)
            i += 1
            continue
        if not c.isspace():
            at_line_start = False
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
            continue
        m = re.compile(r'R"([^(\s]*)\(').match(text, i)
        if m and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            end = text.find(")" + m.group(1) + '"', m.end())
            end = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + "\n" * text.count("\n", i, end))
            i = end
            continue
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|try)\s*$")


def kind_of(header, enclosing):
    """What a '{' opens, from the code before it (since the last ; { or })."""
    h = " ".join(header.split())
    if enclosing not in ("namespace", "class"):
        return "block"
    if re.search(r"\bnamespace\b", h) or h.startswith('extern ""'):
        return "namespace"
    if re.search(r"\b(class|struct|union|enum)\b", h) and "(" not in h:
        return "class"
    if h.endswith("=") or "(" not in h or CONTROL.search(h.split("(")[0]):
        return "block"
    return "function"


def name_of(header):
    h = " ".join(header.split())
    before = h.split("(")[0].strip().split(" ")
    return before[-1] if before else "?"


def check(path, limit):
    code = strip(path.read_text(encoding="utf-8", errors="replace"))
    found = []
    stack = []  # (kind, start line, name)
    header_start = 0
    line = 1
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == ";":
            header_start = i + 1
        elif c == "{":
            enclosing = stack[-1][0] if stack else "namespace"
            header = code[header_start:i]
            kind = kind_of(header, enclosing)
            stack.append((kind, line, name_of(header)))
            header_start = i + 1
        elif c == "}":
            if stack:
                kind, start, name = stack.pop()
                length = line - start + 1
                if kind == "function" and length > limit:
                    found.append((start, name, length))
            header_start = i + 1
    return found


def main(argv):
    limit = 80
    files = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--max":
            limit = int(args.pop(0))
        else:
            files.append(pathlib.Path(a))
    allowed = set()
    if not files:
        for part in PARTS:
            files += sorted((ROOT / part).rglob("*.cpp")) + sorted((ROOT / part).rglob("*.hpp"))
        listing = ROOT / "scripts" / "function-length-allowlist.txt"
        for entry in listing.read_text().splitlines():
            if entry.strip() and not entry.startswith("#"):
                allowed.add(tuple(entry.split()[:2]))
    bad = 0
    seen = set()
    for f in files:
        for start, name, length in check(f, limit):
            shown = f.relative_to(ROOT) if f.is_relative_to(ROOT) else f
            if (str(shown), name) in allowed:
                seen.add((str(shown), name))
                print(f"{shown}:{start}: {name} is {length} lines (allowed for now)")
                continue
            print(f"{shown}:{start}: {name} is {length} lines (max {limit})")
            bad += 1
    for path, name in sorted(allowed - seen):
        print(f"scripts/function-length-allowlist.txt: {path} {name} is no longer over {limit} "
              "lines: remove it from the list")
        bad += 1
    print(f"check-function-length: {len(files)} files, {bad} function(s) over {limit} lines",
          file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
