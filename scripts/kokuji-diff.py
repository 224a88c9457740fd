#!/usr/bin/env python3
"""Writes masters/data/r8-kokuji69-changes.toml: every 区分 of the 医科点数表 whose points the
2026 revision (告示第69号) changed, compared with the 2024 text (告示第57号), keyed by the 区分
as the official 医科診療行為マスター records it (コード表用番号: letter, 区分番号, first 枝番).

    python3 scripts/kokuji-diff.py [../shared] > masters/data/r8-kokuji69-changes.toml

How it compares (review the output; the rules are mechanical on purpose):
- Both texts are cut into 区分 blocks at their headings ("  Ａ００１  再診料 … 76点"); a block
  runs to the next heading or 部/節/款/章 heading. The text before the first 区分 of a 部 (its
  通則) is a block of its own, keyed "<letter>000 通則".
- An R6 block is paired with the R8 block of the same 区分番号 and name, else with the R8 block
  of the same name (renumbered, e.g. Ｏ１００ ベースアップ評価料（Ⅰ） → Ｏ００１), else with the
  R8 block of the same number (renamed).
- A pair is "changed" when the sequence of point figures ("N点", whitespace and line breaks
  removed, full-width digits folded) or of percentages ("100分のN") differs; "deleted" when the
  R8 区分 reads 削除; "missing" when no R8 block pairs with it. Only points and percentages are
  compared: a changed condition with the same figures is not detected.
- Each entry of `kokuji` reads "<告示 区分>[ → <2026 区分>] <status> 69:<line>" (the heading's
  line in the 2026 text; "69:none" when it has no counterpart); the 区分's name and its line in
  the 2024 text follow as a comment (kept out of the embedded data, which the browser page
  carries). "extended" = the 2026 figures are the 2024 ones in order with figures
  inserted (new items or 注): likely unchanged for the 2024 codes, but which figure belongs to
  which code is not decided from the text, so it counts as changed.
- The master records one 枝番 level only (Ｂ００１－２－９ 地域包括診療料 is B001-2 with its own
  項番), so a master key collects every 告示 区分 under it: B001-2 is changed when any of
  Ｂ００１－２, Ｂ００１－２－２ … Ｂ００１－２－１２ is.
"""
import difflib
import os
import re
import sys
import unicodedata

SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared")
R6 = "specs/r6-2024/ika-tensuhyo-kokuji57.txt"
R8 = "specs/r8-2026/ika-tensuhyo-kokuji69.txt"

HEAD = re.compile(r"^\s{1,4}([Ａ-Ｚ][０-９]{3}(?:－[０-９0-9]+)*)\s+(\S.*)$")
PART = re.compile(r"^\s*第[０-９0-9]+(部|節|款|章)\s")
FIGURE = re.compile(r"([0-9][0-9,]*)点|100分の([0-9]+)")


def nk(s):
    return unicodedata.normalize("NFKC", s)


def blocks(path):
    lines = open(os.path.join(SHARED, path), encoding="utf-8").read().split("\n")
    out, cur, preamble = [], None, None
    chapter_started = False
    for i, line in enumerate(lines, 1):
        if line.startswith("# file:"):
            continue
        m = HEAD.match(line)
        if m and "区分番号" not in line:
            key = nk(m.group(1))
            if cur:
                out.append(cur)
            if preamble and preamble["lines"]:
                preamble["key"] = key[0] + "000 通則"
                out.append(preamble)
            preamble = None
            name = re.sub(r"\s{2,}[０-９0-9,，]+点\s*$", "", m.group(2)).strip()
            cur = {"key": key, "name": nk(name), "line": i, "lines": [line]}
            continue
        if PART.match(line):
            chapter_started = True
            if cur:
                out.append(cur)
                cur = None
            if preamble is None or PART.match(line).group(1) in ("部", "章"):
                if preamble and preamble["lines"] and preamble.get("key"):
                    out.append(preamble)
                preamble = {"key": None, "name": "通則", "line": i, "lines": []}
            continue
        if cur is not None:
            cur["lines"].append(line)
        elif preamble is not None and chapter_started:
            preamble["lines"].append(line)
    if cur:
        out.append(cur)
    # One 通則 block per letter: every span before a 区分 in the 部 of that letter, joined.
    merged, gen = {}, []
    for b in out:
        if b["key"].endswith("通則"):
            if b["key"] in merged:
                merged[b["key"]]["lines"].extend(b["lines"])
            else:
                merged[b["key"]] = b
                gen.append(b)
        else:
            gen.append(b)
    return gen, lines


def figures(block):
    text = "".join(nk(l).replace(" ", "").replace("\u3000", "") for l in block["lines"])
    out = []
    for m in FIGURE.finditer(text):
        out.append(m.group(1).replace(",", "") if m.group(1) else "%" + m.group(2))
    return out


def only_added(old, new):
    """The R8 figures are the R6 ones, in order, with figures inserted (new items or 注)."""
    ops = difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes()
    return all(op in ("equal", "insert") for op, *_ in ops)


def norm(name):
    n = re.sub(r"\s+", "", name)
    n = re.sub(r"\((1日|月1回|1回|1月|一連|週1回|入院初日|退院時1回)[^)]*\)$", "", n)
    return n


def master_key(kokuji_key):
    """Ｂ００１－２－９ → B001-2 (the master keeps one 枝番 level)."""
    k = kokuji_key.split(" ")[0]
    parts = k.split("-")
    return "-".join(parts[:2]) if len(parts) > 1 else parts[0]


def main():
    r6, _ = blocks(R6)
    r8, _ = blocks(R8)
    by_key = {b["key"]: b for b in r8}
    by_name = {}
    for b in r8:
        by_name.setdefault(norm(b["name"]), []).append(b)
    changed = {}
    counts = {"same": 0, "extended": 0, "changed": 0, "deleted": 0, "missing": 0}
    for b in r6:
        name = norm(b["name"])
        if name.startswith("削除"):
            continue
        c = by_key.get(b["key"])
        if b["key"].endswith("通則"):
            m = c
        elif c and norm(c["name"]) == name:
            m = c
        elif len(by_name.get(name, [])) == 1:
            m = by_name[name][0]
        else:
            m = c
        if m is None:
            status = "missing"
        elif norm(m["name"]).startswith("削除"):
            status = "deleted"
        elif figures(b) == figures(m):
            status = "same"
        elif only_added(figures(b), figures(m)):
            status = "extended"
        else:
            status = "changed"
        counts[status] += 1
        if status == "same":
            continue
        changed.setdefault(master_key(b["key"]), []).append((b, m, status))
    print("# santei — what the 2026 revision (告示第69号) changed in the 医科点数表, by 区分.")
    print("# GENERATED by scripts/kokuji-diff.py from ../shared/specs/r6-2024/ika-tensuhyo-kokuji57.txt")
    print("# (告示第57号, 2024) and ../shared/specs/r8-2026/ika-tensuhyo-kokuji69.txt (告示第69号, 2026);")
    print("# read the script's doc for how blocks are compared. Do not edit by hand: re-run it.")
    print("#")
    print("# Used by masters::revision: on a date from `effective` on, with an official master")
    print("# published before it, a code whose master 区分 (コード表用番号: letter, 区分番号, 枝番) is")
    print("# listed here and which santei's R8 entries (r8-2026.toml) do not cover is an error, not")
    print("# a silent pre-revision figure.")
    print(f"# 告示 区分 (and 部 通則) compared: {sum(counts.values())}; same {counts['same']}, changed {counts['changed']},")
    print(f"# extended {counts['extended']},", end="")
    print(f" 削除 in 2026 {counts['deleted']}, without a 2026 counterpart {counts['missing']}.")
    print()
    print("[revision]")
    print('name = "令和8年度診療報酬改定"')
    print('effective = "2026-06-01"')
    print(f'source = "告示第69号 ({R8}) compared with 告示第57号 ({R6})"')
    print('load = "the official 医科診療行為マスター for the 2026 revision (s_ALL2026….csv, or the 2026 update files s_2026….csv), published by 医療情報基盤・診療報酬審査支払機構 at https://www.hpdx.or.jp/"')
    for key in sorted(changed):
        print()
        print("[[section]]")
        print(f'key = "{key}"')
        print("kokuji = [")
        for b, m, status in changed[key]:
            new = f"69:{m['line']}" if m else "69:none"
            renum = f" → {m['key']}" if m and m["key"] != b["key"] else ""
            print(f'  "{b["key"]}{renum} {status} {new}",  # {b["name"]} (告示第57号 l.{b["line"]})')
        print("]")


if __name__ == "__main__":
    main()
