#!/usr/bin/env python3
"""Import cycles between the modules of a crate (docs/architecture.md: the core has none).

usage: scripts/module-cycles.py CRATE_SRC_DIR   (e.g. calc/src)
Prints each cycle found and exits 1; prints "no cycles" and exits 0 otherwise. A module is a
file (src/a/b.rs or src/a/b/mod.rs → "a::b"); an edge a → b is a `crate::b…` or `super::…` path
in a's code (comments and doc comments skipped).
"""
import os, re, sys

root = sys.argv[1] if len(sys.argv) > 1 else "calc/src"
mods = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if not f.endswith(".rs"):
            continue
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, root)[:-3].split(os.sep)
        if rel[-1] in ("mod", "lib"):
            rel = rel[:-1]
        mods["::".join(rel)] = path

def resolve(cur, parts):
    """Longest existing module prefix of an absolute path."""
    for n in range(len(parts), 0, -1):
        m = "::".join(parts[:n])
        if m in mods:
            return m
    return None

edges = {m: set() for m in mods}
for m, path in mods.items():
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"(?m)^\s*//.*$", "", text)
    is_dir = path.endswith("mod.rs") or path.endswith("lib.rs")
    here = m.split("::") if m else []
    parent = here if is_dir else here[:-1]
    # `use super::{a, b::c}` groups: expand one level.
    for kind, body in re.findall(r"\b(crate|super)::((?:\{[^}]*\})|[A-Za-z_][A-Za-z0-9_:]*)", text):
        base = [] if kind == "crate" else parent[:-1] if is_dir else parent[:-1] + [] if False else (parent if False else None)
        if kind == "crate":
            base = []
        else:
            base = (here[:-1] if is_dir else here[:-1])
        items = [body] if not body.startswith("{") else [x.strip() for x in body[1:-1].split(",")]
        for it in items:
            parts = [p for p in re.split(r"::", it) if p and re.match(r"^[a-z_][a-z0-9_]*$", p)]
            t = resolve(m, base + parts)
            if t is not None and t != m and not (m.startswith(t + "::") or t == ""):
                edges[m].add(t)

# cycles (strongly connected components of size > 1)
index, low, stack, on, out = {}, {}, [], set(), []
def strong(v, counter=[0]):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            out.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in mods:
    if v not in index:
        strong(v)
for c in out:
    print("cycle:", " ↔ ".join(c))
    for a in c:
        print("  ", a or "(crate root)", "→", ", ".join(sorted(b for b in edges[a] if b in c)))
if out:
    sys.exit(1)
print(f"no cycles among {len(mods)} modules of {root}")
