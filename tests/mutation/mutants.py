#!/usr/bin/env python3
"""The mutants of the mutation run, made and applied here; run by tests/mutation/run.

Two sources:
  the list   tests/mutation/mutations.tsv, written by hand: one rule each;
  the sweep  made mechanically from src/ and entry.cpp: every site of each
             operator below is one mutant, with an id that follows its line's
             text (not its line number), so that equivalent.tsv and a replay
             stay valid while the code around it changes.

Operators of the sweep (each a site in the code, not inside a comment, a
string or a preprocessor line):
  relation   <  <=  >  >=  ==  !=   each to its boundary twin or its opposite
  logic      &&  ||                 each to the other
  condition  if (C), while (C)      C to !(C), to true, to false
  integer    a decimal or hex literal  +1, and -1 where it is above 0
  character  'c'                    to the next character
  statement  an expression statement alone on its line, removed
  return     a return that is not a function's last line, removed
  jump       break; continue;       removed
  ternary    C ? A : B              to C ? B : A

Usage:
  mutants.py list ROOT                  every mutant of the list, as records
  mutants.py sweep ROOT                 every mutant of the sweep, as records,
                                        each with the test that caught the
                                        recorded mutant nearest it in its
                                        file as the test to run first: a
                                        guess, which often catches it
  mutants.py sample ROOT SEED N M       N of the sweep and M of the list,
                                        drawn with SEED; those of the sweep
                                        from the mutants the recorded sweep
                                        (swept.tsv) saw caught
  mutants.py apply ROOT RECORD          apply one record to the tree at ROOT
  mutants.py summary ROOT               the recorded sweep, counted
A record is one line of tab-separated fields: id, file, line, column,
original, replacement, the CPUs whose binaries the mutant is tested on,
the test to run first (the one that caught it in the recorded sweep, or
empty), description (\\n, \\t and \\\\ escaped in the texts). A mutant of the sweep
is tested on both CPUs where its line is built for one CPU only (between
#if defined(__x86_64__) and its #endif), on x86_64 elsewhere: the same
source makes both binaries. The list's are tested on both.
"""
import hashlib
import random
import re
import sys
from pathlib import Path

SWEPT_FILES = ["entry.cpp"]  # with every src/*.hpp, in sorted order


def escape(text):
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def unescape(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def swept_files(root):
    return SWEPT_FILES + sorted(str(p.relative_to(root)) for p in (root / "src").glob("*.hpp"))


def mask(source):
    """The source with comments, string and character literals' insides and
    preprocessor lines blanked (newlines kept, so offsets still match), and
    the spans of the character literals."""
    out = list(source)
    chars = []
    i, n = 0, len(source)
    line_start = True
    while i < n:
        c = source[i]
        if line_start and source[i:].lstrip(" ").startswith("#"):
            end = source.find("\n", i)
            end = n if end < 0 else end
            for k in range(i, end):
                out[k] = " "
            i = end
            continue
        line_start = c == "\n"
        if source.startswith("//", i):
            end = source.find("\n", i)
            end = n if end < 0 else end
            for k in range(i, end):
                out[k] = " "
            i = end
        elif source.startswith("/*", i):
            end = source.find("*/", i) + 2
            for k in range(i, end):
                if out[k] != "\n":
                    out[k] = " "
            i = end
        elif c == '"' or (c == "'" and not source[i - 1].isalnum()):
            k = i + 1
            while source[k] != c:
                k += 2 if source[k] == "\\" else 1
            if c == "'":
                chars.append((i, k + 1))
            for j in range(i + 1, k):
                out[j] = " "
            i = k + 1
        else:
            i += 1
    return "".join(out), chars


def closing(masked, open_at):
    """The offset of the parenthesis that closes the one at open_at."""
    depth = 0
    for k in range(open_at, len(masked)):
        if masked[k] in "([{":
            depth += 1
        elif masked[k] in ")]}":
            depth -= 1
            if depth == 0:
                return k
    raise ValueError("unbalanced")


def next_char(literal):
    body = literal[1:-1]
    simple = {"\\n": 10, "\\t": 9, "\\r": 13, "\\0": 0, "\\\\": 92, "\\'": 39, '\\"': 34}
    code = simple[body] if body in simple else ord(body) if len(body) == 1 else None
    if code is None:
        return None
    code += 1
    return "'\\x%02x'" % code if code < 32 or code in (39, 92, 127) else "'%s'" % chr(code)


DECLARATION = re.compile(r"^(const |constexpr |static |auto |unsigned |struct )*[A-Za-z_][\w:]*(<[^=;]*>)?[*&]* +[*&]?\w+( *=| *\(| *\{| *\[|;)")
STATEMENT_START = ("return", "break", "continue", "case ", "default", "using", "if ", "else", "for ", "while ", "switch", "do ", "}", "namespace", "template", "typedef")


BOTH = "x86_64 aarch64"


def sweep_file(root, name):
    source = (root / name).read_text()
    masked, chars = mask(source)
    starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def where(offset):
        line = max(i for i, s in enumerate(starts) if s <= offset)
        return line + 1, offset - starts[line] + 1

    sites = []  # (offset, op, original, replacement)

    def add(offset, op, original, replacement):
        sites.append((offset, op, original, replacement))

    for m in re.finditer(r"(?<= )(<=|>=|==|!=|<|>)(?= )", masked):
        twins = {"<": ["<=", ">="], "<=": ["<", ">"], ">": [">=", "<="], ">=": [">", "<"], "==": ["!="], "!=": ["=="]}
        for other in twins[m.group(1)]:
            add(m.start(), "relation", m.group(1), other)
    for m in re.finditer(r"(?<= )(&&|\|\|)(?= )", masked):
        add(m.start(), "logic", m.group(1), "||" if m.group(1) == "&&" else "&&")
    for m in re.finditer(r"\b(if|while) \(", masked):
        if masked[m.start() - 1 : m.start()] == "#":
            continue
        open_at = m.end() - 1
        close_at = closing(masked, open_at)
        condition = source[open_at + 1 : close_at]
        if re.match(r"\s*(auto|const|int|char|size_t)\b", condition) or ";" in masked[open_at:close_at]:
            continue
        for replacement in ("!(%s)" % condition, "true", "false"):
            add(open_at + 1, "condition", condition, replacement)
    for m in re.finditer(r"(?<![\w.])(0x[0-9a-fA-F]+|\d+)(?![\w.])", masked):
        text = m.group(1)
        value = int(text, 0)
        form = (lambda v: hex(v)) if text.startswith("0x") else str
        add(m.start(), "integer", text, form(value + 1))
        if value > 0:
            add(m.start(), "integer", text, form(value - 1))
    for start, end in chars:
        literal = source[start:end]
        other = next_char(literal)
        if other is not None:
            add(start, "character", literal, other)

    lines = source.split("\n")
    masked_lines = masked.split("\n")
    one_cpu, depth = set(), 0
    for number, text in enumerate(lines, 1):
        if re.match(r"\s*#if.*__(x86_64|aarch64)__", text):
            depth = 1
        elif depth and re.match(r"\s*#if", text):
            depth += 1
        elif depth and re.match(r"\s*#endif", text):
            depth -= 1
        elif depth:
            one_cpu.add(number)

    def cpus(line):
        return BOTH if line in one_cpu else "x86_64"

    for index, text in enumerate(masked_lines):
        stripped = text.strip()
        indent = len(text) - len(text.lstrip())
        offset = starts[index] + indent
        original = lines[index][indent : indent + len(stripped)]
        previous = next((masked_lines[k].rstrip() for k in range(index - 1, -1, -1) if masked_lines[k].strip()), "")
        following = next((masked_lines[k] for k in range(index + 1, len(masked_lines)) if masked_lines[k].strip()), "")
        after_block = previous.endswith((";", "{", "}")) or previous.strip().startswith(("case ", "default"))
        if not stripped.endswith(";") or not after_block:
            continue
        if stripped in ("break;", "continue;"):
            add(offset, "jump", original, "")
        elif stripped.startswith("return") and not (following.startswith("}")):
            add(offset, "return", original, "")
        elif not stripped.startswith(STATEMENT_START) and not DECLARATION.match(stripped):
            if any(token in stripped for token in ("(", " = ", "++", "--", "+=", "-=", "|=")):
                add(offset, "statement", original, "")
    for m in re.finditer(r"\b(if \([^\n]*\)) (return [^;\n]*;|break;|continue;)", masked):
        start = m.start(2)
        original = source[start : m.end(2)]
        add(start, "return" if original.startswith("return") else "jump", original, "{}")

    for m in re.finditer(r" \? ", masked):
        depth, colon, end = 0, None, None
        for k in range(m.end(), len(masked)):
            c = masked[k]
            if c in "([{":
                depth += 1
            elif c in ")]}" and depth > 0:
                depth -= 1
            elif depth == 0 and colon is None and masked.startswith(" : ", k):
                colon = k
            elif depth == 0 and (c in ";,)}" or masked.startswith(" ? ", k)) and colon is not None:
                end = k
                break
        if colon is None or end is None:
            continue
        a, b = source[m.end() : colon], source[colon + 3 : end]
        add(m.end(), "ternary", a + " : " + b, b + " : " + a)

    records = []
    seen = {}
    for offset, op, original, replacement in sorted(sites):
        line, column = where(offset)
        key = (name, op, lines[line - 1].strip(), original, replacement)
        seen[key] = seen.get(key, 0) + 1
        ident = hashlib.sha1(repr(key + (seen[key],)).encode()).hexdigest()[:10]
        shown = lines[line - 1].strip()
        description = f"{op}: {original!r} -> {replacement!r} in {shown}"
        records.append((ident, name, line, column, original, replacement, cpus(line), "", description))
    return records


def sweep(root):
    return [r for name in swept_files(root) for r in sweep_file(root, name)]


def hand_list(root):
    records = []
    for text in (root / "tests/mutation/mutations.tsv").read_text().split("\n"):
        if not text or text.startswith("#"):
            continue
        name, original, replacement, rule = text.split("\t")
        original, replacement = unescape(original), unescape(replacement)
        source = (root / name).read_text()
        if source.count(original) != 1:
            records.append(("stale", name, 0, 0, original, replacement, BOTH, "", rule))
            continue
        offset = source.index(original)
        line = source.count("\n", 0, offset) + 1
        column = offset - (source.rfind("\n", 0, offset) + 1) + 1
        ident = hashlib.sha1(rule.encode()).hexdigest()[:10]
        records.append((ident, name, line, column, original, replacement, BOTH, "", rule))
    return records


def rows(path):
    lines = path.read_text().split("\n")
    return [line.split("\t") for line in lines if line and not line.startswith("#")]


def caught_by(root):
    """The mutants the recorded sweep saw caught, and the test that did."""
    return {row[0]: row[2] for row in rows(root / "tests/mutation/swept.tsv") if row[1] == "caught"}


def with_guesses(root, records):
    """The records, each with the test that caught the nearest mutant of its
    file in the recorded sweep (by line; the earlier on a tie) as its first."""
    caught = caught_by(root)
    lines = {}  # file -> [(line, test)]
    for record in records:
        if record[0] in caught:
            lines.setdefault(record[1], []).append((record[2], caught[record[0]]))
    guessed = []
    for record in records:
        near = min(lines.get(record[1], []), key=lambda caught_at: abs(caught_at[0] - record[2]), default=None)
        guessed.append(record[:7] + (near[1] if near else "",) + record[8:])
    return guessed


def summary(root):
    """The recorded sweep, counted by operator, as a Markdown table."""
    sites = {}
    for record in sweep(root):
        sites[record[0]] = record[-1].split(":")[0]
    verdicts = {row[0]: row[1] for row in rows(root / "tests/mutation/swept.tsv") if row[0] in sites}
    columns = ["caught", "unbuilt", "equivalent", "survived"]
    table = ["| operator | sites | swept | " + " | ".join(columns) + " |", "|---" * (len(columns) + 3) + "|"]
    for op in sorted(set(sites.values())) + ["all"]:
        ids = [i for i, o in sites.items() if op in (o, "all")]
        done = [verdicts[i] for i in ids if i in verdicts]
        counts = [str(done.count(c)) for c in columns]
        table.append(f"| {op} | {len(ids)} | {len(done)} | " + " | ".join(counts) + " |")
    return "\n".join(table)


def show(record):
    fields = [str(f) for f in record]
    return "\t".join(fields[:4] + [escape(f) for f in fields[4:]])


def apply(root, record):
    ident, name, line, column, original, replacement = record.split("\t")[:6]
    original, replacement = unescape(original), unescape(replacement)
    path = root / name
    source = path.read_text()
    offset = sum(len(text) + 1 for text in source.split("\n")[: int(line) - 1]) + int(column) - 1
    if int(line) == 0 or source[offset : offset + len(original)] != original:
        sys.exit(f"mutants.py: {ident}: {original!r} is not at {name}:{line}:{column}")
    path.write_text(source[:offset] + replacement + source[offset + len(original) :])


def main(argv):
    command, root = argv[1], Path(argv[2])
    if command == "list":
        records = hand_list(root)
    elif command == "sweep":
        records = with_guesses(root, sweep(root))
    elif command == "sample":
        seed, sweep_count, list_count = argv[3], int(argv[4]), int(argv[5])
        draw = random.Random(seed)
        caught = caught_by(root)
        swept = [r[:7] + (caught[r[0]],) + r[8:] for r in sweep(root) if r[0] in caught]
        records = draw.sample(swept, min(sweep_count, len(swept)))
        records += draw.sample(hand_list(root), list_count)
    elif command == "apply":
        apply(root, argv[3])
        return
    elif command == "summary":
        print(summary(root))
        return
    else:
        sys.exit(__doc__)
    for record in records:
        print(show(record))


if __name__ == "__main__":
    main(sys.argv)
