#!/usr/bin/env python3
"""Lists which module of crates/core imports which, and reports import circles.

Every path a module names (`use crate::…`, `use super::…`, `crate::x::y` in
code, a child module's name in its parent) becomes an edge to the module that
defines it; re-exports (`pub use`) are followed to where the item lives. Code
after `#[cfg(test)]` is a test and is listed apart: it does not count towards
circles. Also checks the layer order (LAYERS, as lib.rs states it). Exits 1
when there is a circle, a module without a layer, or more imports against the
layer order than --allow-up.

    python3 scripts/core-imports.py            # circles and layer check
    python3 scripts/core-imports.py --edges    # also every edge, one per line
"""

import argparse
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "core", "src")

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"

# The layer order written in crates/core/src/lib.rs, bottom first: a module
# may import from its own layer and the ones below. Keep the two in step.
LAYERS = [
    ["error", "format", "time", "utf16", "lines", "stats", "units", "activity"],
    ["options"],
    ["summary", "series", "timeline", "windows", "run", "snapshot", "saved", "export"],
    ["decoder"],
    ["formats"],
    ["session", "split"],
    ["group", "compare", "sla", "capacity", "trend", "report"],
    ["crate"],
]
LAYER_OF = {m: i for i, layer in enumerate(LAYERS) for m in layer}


def module_of(rel):
    """`formats/k6/csv.rs` -> `formats::k6::csv`; `lib.rs` -> `crate`."""
    parts = rel[:-3].split(os.sep)
    if parts == ["lib"]:
        return "crate"
    if parts[-1] == "mod":
        parts = parts[:-1]
    return "::".join(parts)


def strip_comments_and_strings(text):
    """Blanks out comments and string literals, keeping line breaks."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
            continue
        if text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append("\n" * text.count("\n", i, j))
            i = j
            continue
        m = re.match(r'b?r(#*)"', text[i:i + 40]) if c in "br" and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")) else None
        if m:
            end = '"' + m.group(1)
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
            continue
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
            continue
        if c == "'":
            # A char literal ('x', '\n', '\u{..}'), not a lifetime.
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", text[i:i + 12])
            if m:
                out.append("' '")
                i += m.end()
                continue
        out.append(c)
        i += 1
    return "".join(out)


def expand_use_tree(tree):
    """`a::{b, c::{d, e}}` -> [[a,b],[a,c,d],[a,c,e]] (aliases already dropped)."""
    s = re.sub(r"\s+", "", tree)

    def parse(pos):
        prefix = []
        while pos < len(s):
            m = re.match(IDENT + r"|\*", s[pos:])
            if m:
                prefix.append(m.group(0))
                pos += m.end()
                if s.startswith("::", pos):
                    pos += 2
                    continue
                return [prefix], pos
            if s[pos] == "{":
                pos += 1
                paths = []
                while pos < len(s) and s[pos] != "}":
                    sub, pos = parse(pos)
                    paths.extend(prefix + p for p in sub)
                    if pos < len(s) and s[pos] == ",":
                        pos += 1
                return paths, pos + 1
            break
        return [prefix], pos

    return parse(0)[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edges", action="store_true", help="print every edge")
    ap.add_argument("--allow-up", type=int, default=1, help="edges against the layer order allowed")
    args = ap.parse_args()

    files = {}
    for dirpath, _, names in os.walk(ROOT):
        for name in names:
            if name.endswith(".rs"):
                rel = os.path.relpath(os.path.join(dirpath, name), ROOT)
                files[module_of(rel)] = os.path.join(dirpath, name)
    modules = set(files)

    def parent(mod):
        return "crate" if "::" not in mod else mod.rsplit("::", 1)[0]

    def absolute(mod, segs):
        """Makes a path absolute (list of segments after `crate`)."""
        here = [] if mod == "crate" else mod.split("::")
        if segs[0] == "crate":
            return segs[1:]
        if segs[0] == "self":
            return here + segs[1:]
        out = list(here)
        while segs and segs[0] == "super":
            out = out[:-1]
            segs = segs[1:]
        return out + segs

    sources = {m: strip_comments_and_strings(open(p, encoding="utf-8").read()) for m, p in files.items()}

    # `pub use path::Name;` re-exports, per module: name -> absolute path.
    reexports = {m: {} for m in modules}
    children = {m: set() for m in modules}
    for m, src in sources.items():
        for cm in re.finditer(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*;", src, re.M):
            children[m].add(cm.group(1))
    for m, src in sources.items():
        for um in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", src):
            tree = re.sub(r"\s+as\s+" + IDENT, "", um.group(1))
            for segs in expand_use_tree(tree):
                if segs and segs[-1] != "*":
                    if segs[0] in ("crate", "self", "super") or segs[0] in children[m]:
                        reexports[m][segs[-1]] = absolute(m, segs)

    def resolve(segs, seen=0):
        """The module that defines what an absolute path names."""
        best, i = "crate", 0
        for k in range(1, len(segs) + 1):
            cand = "::".join(segs[:k])
            if cand in modules:
                best, i = cand, k
        rest = segs[i:]
        if rest and rest[0] in reexports.get(best, {}) and seen < 8:
            return resolve(reexports[best][rest[0]], seen + 1)
        return best

    edges = {}  # (from, to) -> (line, test)
    for m, src in sources.items():
        test_from = None
        tm = re.search(r"#\[cfg\(test\)\]", src)
        if tm:
            test_from = src.count("\n", 0, tm.start())

        def add(segs, pos):
            if not segs:
                return
            target = resolve(absolute(m, segs))
            if target == m:
                return
            line = src.count("\n", 0, pos) + 1
            test = test_from is not None and line > test_from
            key = (m, target)
            if key not in edges or (edges[key][1] and not test):
                edges[key] = (line, test)

        use_spans = []
        for um in re.finditer(r"\buse\s+([^;]+);", src):
            use_spans.append((um.start(), um.end()))
            tree = re.sub(r"\s+as\s+" + IDENT, "", um.group(1))
            for segs in expand_use_tree(tree):
                segs = [s for s in segs if s != "*"]
                if not segs:
                    continue
                if segs[0] in ("crate", "self", "super") or segs[0] in children[m]:
                    add(segs, um.start())

        def in_use(pos):
            return any(a <= pos < b for a, b in use_spans)

        heads = "crate|super|self" + "".join("|" + c for c in sorted(children[m]))
        for pm in re.finditer(r"(?<![A-Za-z0-9_:])(" + heads + r")((?:::" + IDENT + r")+)", src):
            if in_use(pm.start()):
                continue
            segs = [pm.group(1)] + pm.group(2).split("::")[1:]
            add(segs, pm.start())

    graph = {m: set() for m in modules}
    for (a, b), (_, test) in edges.items():
        if not test:
            graph[a].add(b)

    # Tarjan's strongly connected components: each with more than one module is a circle.
    index, low, stack, on, sccs = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            sccs.append(sorted(comp))

    for v in sorted(modules):
        if v not in index:
            strong(v)

    if args.edges:
        for (a, b), (line, test) in sorted(edges.items()):
            print(f"{a} -> {b}  ({os.path.relpath(files[a], ROOT)}:{line}{', test' if test else ''})")
        print()

    def top(mod):
        return mod.split("::")[0]

    unplaced = sorted({top(m) for m in modules} - set(LAYER_OF))
    up = sorted(
        (a, b)
        for a in graph
        for b in graph[a]
        if top(a) in LAYER_OF and top(b) in LAYER_OF and LAYER_OF[top(b)] > LAYER_OF[top(a)]
    )

    circles = [c for c in sccs if len(c) > 1]
    n_edges = sum(len(v) for v in graph.values())
    print(f"{len(modules)} modules, {n_edges} import edges (tests apart)")
    for c in circles:
        inside = sorted((a, b) for a in c for b in graph[a] if b in c)
        print(f"circle of {len(c)} modules: {', '.join(c)}")
        for a, b in inside:
            line = edges[(a, b)][0]
            print(f"    {a} -> {b}  ({os.path.relpath(files[a], ROOT)}:{line})")
    if not circles:
        print("no import circle")
    for m in unplaced:
        print(f"module {m} has no layer in LAYERS (and lib.rs)")
    print(f"{len(up)} import(s) against the layer order (allowed: {args.allow_up})")
    for a, b in up:
        print(f"    {a} -> {b}  ({os.path.relpath(files[a], ROOT)}:{edges[(a, b)][0]})")
    return 1 if circles or unplaced or len(up) > args.allow_up else 0


if __name__ == "__main__":
    sys.exit(main())
