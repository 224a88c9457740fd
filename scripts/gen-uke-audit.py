#!/usr/bin/env python3
"""Generate N outpatient receipts (2025-02, 医科 入院外) as the JSON lines `santei uke write`
reads, for the throughput run of `santei uke audit`:

    python3 scripts/gen-uke-audit.py 100000 --santei target/release/santei > receipts.jsonl
    target/release/santei uke write receipts.jsonl --output RECEIPTC.UKE
    /usr/bin/time -v target/release/santei uke audit RECEIPTC.UKE > audit.jsonl

Each receipt has 1–4 visit days: a 初診 or 再診 (with 外来管理加算), and on some days
特定疾患療養管理料, a blood count with its 判断料 and 採血料, a 処方箋料. Points come from
`santei master show CODE --date 2025-02-10` on the embedded data (asked once per code), so
the receipts are priced as santei prices them; the audit's work is the same either way.
"""
import json
import random
import subprocess
import sys

DATE = "2025-02-10"
CODES = {
    "shoshin": "111000110",    # 初診料
    "saishin": "112007410",    # 再診料
    "kanri": "112011010",      # 外来管理加算
    "tokutei": "113001810",    # 特定疾患療養管理料（診療所）
    "cbc": "160008010",        # 末梢血液一般検査
    "handan": "160061810",     # 血液学的検査判断料 (s_ALL20240531.csv: 160061810 125点)
    "saiketsu": "160095710",   # Ｂ－Ｖ（静脈採血）
    "shohosen": "120002910",   # 処方箋料（リフィル以外・その他） (s_ALL20240531.csv: 120002910 60点)
}
SECTION = {"111": "11", "112": "12", "113": "13", "120": "80", "160": "60"}


def points_of(santei, code):
    out = subprocess.run([santei, "master", "show", code, "--date", DATE],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return None
    p = json.loads(out.stdout).get("points")
    return int(float(p)) if p is not None else None


def si(code, points, days):
    cols = [None] * 31
    for d in days:
        cols[d - 1] = 1
    return {"SI": {"category": SECTION[code[:3]], "payer_class": "1", "code": code,
                   "quantity": None, "points": points, "count": len(days),
                   "comments": [{}, {}, {}], "days": cols}}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    santei = "santei"
    if "--santei" in sys.argv:
        santei = sys.argv[sys.argv.index("--santei") + 1]
    pts = {k: points_of(santei, c) for k, c in CODES.items()}
    missing = [CODES[k] for k, p in pts.items() if p is None]
    if missing:
        sys.exit(f"codes not valid on {DATE}: {missing}")
    rnd = random.Random(22)
    ir = {"payer": "1", "prefecture": "13", "fee_table": "1", "facility_code": "1234567",
          "facility_name": "テスト診療所", "billing_month": "2025-03", "volume": "00"}
    out = sys.stdout
    for i in range(n):
        days = sorted(rnd.sample([3, 4, 5, 6, 7, 10, 12, 13, 14, 17, 18, 19, 20, 21, 25, 26, 27, 28],
                                 rnd.randint(1, 4)))
        first = rnd.random() < 0.2
        lines = []
        if first:
            lines.append(si(CODES["shoshin"], pts["shoshin"], days[:1]))
            rest = days[1:]
        else:
            rest = days
        if rest:
            lines.append(si(CODES["saishin"], pts["saishin"], rest))
            lines.append(si(CODES["kanri"], pts["kanri"], rest))
        if not first and rnd.random() < 0.5:
            lines.append(si(CODES["tokutei"], pts["tokutei"], rest[:2]))
        if rnd.random() < 0.3:
            d = days[-1:]
            lines.append(si(CODES["saiketsu"], pts["saiketsu"], d))
            lines.append(si(CODES["cbc"], pts["cbc"], d))
            lines.append(si(CODES["handan"], pts["handan"], d))
        if rnd.random() < 0.6:
            lines.append(si(CODES["shohosen"], pts["shohosen"], days))
        lines.sort(key=lambda l: l["SI"]["category"])
        total = sum(l["SI"]["points"] * l["SI"]["count"] for l in lines)
        birth = f"{rnd.randint(1935, 2015)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        receipt = {
            "re": {"number": i + 1, "receipt_type": "1112", "service_month": "2025-02",
                   "name": "テスト　患者", "sex": rnd.choice(["1", "2"]), "birth_date": birth,
                   "chart_number": f"{i + 1:08d}", "departments": [{}, {}, {}]},
            "ho": {"insurer_number": "06123456", "card_symbol": "１", "card_number": "２",
                   "days": len(days), "total_points": total},
            "details": lines,
        }
        out.write(json.dumps({"ir": ir, "receipt": receipt}, ensure_ascii=False))
        out.write("\n")


if __name__ == "__main__":
    main()
