#!/usr/bin/env python3
"""Write N outpatient claims as JSON lines (for `santei batch` throughput runs):
    python3 scripts/gen-claims.py 1000000 > /tmp/claims.jsonl
Dates across 2024-06 – 2026-05, 初診/再診 with common items, filings and histories vary."""
import random, sys
n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
rng = random.Random(42)
items = [["111000110"], ["112007410", "112011010"], ["111000110", "120002910", "120004270"],
         ["112007410", "113001810", "120002910"], ["112011310"], ["111000110", "111000570"]]
out = sys.stdout
for i in range(n):
    y, m = rng.choice([(2024, mo) for mo in range(6, 13)] + [(2025, mo) for mo in range(1, 13)] + [(2026, mo) for mo in range(1, 6)])
    d = rng.randint(1, 28)
    tier = rng.randint(1, 6) if (y, m) >= (2025, 4) else rng.randint(1, 3)
    codes = rng.choice(items)
    hist = "" if rng.random() < 0.5 else f', "history": [{{"date": "{y}-{m:02d}-01", "code": "112007410"}}]'
    its = ", ".join('{"code": "%s"}' % c for c in codes)
    out.write(f'{{"date": "{y}-{m:02d}-{d:02d}", "patient": {{"birth_date": "19{rng.randint(30, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}", "mynumber_card": {"true" if rng.random() < 0.6 else "false"}}}, '
              f'"facility": {{"kind": "clinic", "standards": [{{"code": "4035", "tier": {tier}, "from": "2024-06-01"}}], "e_prescription_since": "2024-01-01"}}, '
              f'"items": [{its}]{hist}}}\n')
