// Pure helpers of the page (no DOM): reading pasted usage-rate CSV, and building the facility
// profile (`santei tier`) and the claim (`santei calc`) the engine reads. Tested under Node
// (wasm/tests/model.test.mjs).

/** The tier table's default range: the months of the 2024 and 2025 DX add-ons and the 2026
 * revision (its first months, where the new 電子的診療情報連携体制整備加算 starts). */
export const DEFAULT_FROM = '2024-06';
export const DEFAULT_TO = '2026-12';

/** Gregorian year of the first year of an era (令和元年 = 2019, 平成元年 = 1989). */
const ERAS = { 令和: 2018, R: 2018, 平成: 1988, H: 1988 };

/**
 * "2025-01", "2025/1", "2025年1月", "202501", "令和7年1月", "令和元年5月", "R7.1" → "2025-01";
 * anything else → null.
 */
export function normMonth(text) {
  const t = String(text).trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/^(令和|平成|[RrHh])\s*元\s*年/, '$1 1年');
  const era = t.match(/^(令和|平成|[RrHh])\s*(\d{1,2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$/);
  let y;
  let mon;
  if (era) {
    const base = ERAS[era[1].toUpperCase()] ?? ERAS[era[1]];
    y = base + Number(era[2]);
    mon = Number(era[3]);
  } else {
    const m = t.match(/^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$/) || t.match(/^(\d{4})(\d{2})$/);
    if (!m) return null;
    y = Number(m[1]);
    mon = Number(m[2]);
  }
  if (mon < 1 || mon > 12) return null;
  return `${y}-${String(mon).padStart(2, '0')}`;
}

/**
 * A rate cell: "" (not known), "0.47", "47%", "47.5 %", "４７％". Returns {value} with the
 * text the profile reads ("0.47" or "47%"), or {error}.
 */
export function normRate(text) {
  const t = String(text).trim()
    .replace(/[０-９．％]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, '');
  if (t === '') return { value: null };
  let m = t.match(/^(\d{1,3}(?:\.\d+)?)%$/);
  if (m) {
    if (Number(m[1]) > 100) return { error: `「${text}」は100%を超えています` };
    return { value: `${m[1]}%` };
  }
  m = t.match(/^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/);
  if (m) return { value: t.startsWith('.') ? `0${t}` : t };
  if (/^\d+(\.\d+)?$/.test(t)) {
    return { error: `「${text}」は0〜1の小数（0.47）か百分率（47%）で入力してください` };
  }
  return { error: `「${text}」は利用率として読めません（例: 0.47 または 47%）` };
}

/**
 * Pasted CSV (or tab-separated text copied from a spreadsheet) of monthly マイナ保険証利用率:
 * `年月,レセプト件数ベース,オンライン資格確認件数ベース` per line, a header line allowed.
 * Returns {rows: [{month, receipt_based, online_based}], errors: ["N行目: …"]}; the caller
 * uses the rows only when there are no errors.
 */
export function parseUsageCsv(text) {
  const rows = [];
  const errors = [];
  const seen = new Map();
  const lines = String(text).split(/\r\n|\n|\r/);
  let dataLines = 0;
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (!line.includes('\t') && !line.includes(',') && line.includes(';')) {
      errors.push(`${n}行目: 区切りがセミコロン（;）です。カンマ（,）かタブで区切ってください（例: 2025-01,0.47,0.52）`);
      return;
    }
    const cells = (line.includes('\t') ? line.split('\t') : line.split(',')).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const month = normMonth(cells[0]);
    if (!month) {
      if (dataLines === 0 && rows.length === 0 && errors.length === 0 && !/\d{4}/.test(cells[0])) {
        dataLines++; // a header line
        return;
      }
      errors.push(`${n}行目: 「${cells[0]}」は年月として読めません（例: 2025-01、令和7年1月）`);
      return;
    }
    dataLines++;
    if (cells.length > 3) {
      errors.push(`${n}行目: 列が${cells.length}個あります（年月, レセプト件数ベース, オンライン資格確認件数ベース の3列まで）`);
      return;
    }
    const r = normRate(cells[1] ?? '');
    const o = normRate(cells[2] ?? '');
    if (r.error) errors.push(`${n}行目 レセプト件数ベース: ${r.error}`);
    if (o.error) errors.push(`${n}行目 オンライン資格確認件数ベース: ${o.error}`);
    if (r.error || o.error) return;
    if (r.value === null && o.value === null) {
      errors.push(`${n}行目: ${month} の利用率がありません`);
      return;
    }
    if (seen.has(month)) {
      errors.push(`${n}行目: ${month} は${seen.get(month)}行目と重複しています`);
      return;
    }
    seen.set(month, n);
    rows.push({ month, receipt_based: r.value, online_based: o.value });
  });
  if (rows.length === 0 && errors.length === 0) errors.push('利用率の行がありません（例: 2025-01,0.47,0.52）');
  rows.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  return { rows, errors };
}

/**
 * The facility profile `santei tier` reads, from the form's values:
 * {kind, ePrescriptionSince, electronicSharingSince, pediatric, under6Share, usageRecord2026
 * ("" | "true" | "false"), usage: [{month, receipt_based, online_based}]}.
 */
export function buildProfile(f) {
  const p = { kind: f.kind };
  if (f.ePrescriptionSince) p.e_prescription_since = f.ePrescriptionSince;
  if (f.electronicSharingSince) p.electronic_sharing_since = f.electronicSharingSince;
  p.pediatric_outpatient_fee = Boolean(f.pediatric);
  if (f.under6Share && String(f.under6Share).trim() !== '') p.under6_share_2024 = String(f.under6Share).trim();
  if (f.usageRecord2026 === 'true') p.usage_record_2026 = true;
  if (f.usageRecord2026 === 'false') p.usage_record_2026 = false;
  p.usage = (f.usage || [])
    .filter((u) => u.month && (u.receipt_based || u.online_based))
    .map((u) => {
      const o = { month: u.month };
      if (u.receipt_based) o.receipt_based = u.receipt_based;
      if (u.online_based) o.online_based = u.online_based;
      return o;
    });
  return p;
}

/** The fee schedule of a facility kind: 医科, 歯科 or 調剤. */
export function claimKind(facilityKind) {
  return facilityKind === 'dental' ? 'shika' : facilityKind === 'pharmacy' ? 'chozai' : 'ika';
}

/**
 * One visit's claim (`santei calc`) on `date`:
 * v = {birthDate, insurance ("" = not given), incomeCategory, mynumber, visit ("first" |
 * "revisit" | "dispensing"), standards: [{code, tier|null, from}], items: [{code, count}]},
 * profile = the facility profile (the tier is then computed for the month).
 */
export function buildClaim(date, profile, v) {
  const patient = { birth_date: v.birthDate, mynumber_card: Boolean(v.mynumber) };
  if (v.insurance) {
    patient.insurance = v.insurance;
    patient.income_category = v.incomeCategory;
  }
  const facility = { kind: profile.kind, standards: v.standards.map((s) => {
    const o = { code: s.code };
    if (s.tier) o.tier = Number(s.tier);
    if (s.from) o.from = s.from;
    return o;
  }) };
  if (profile.e_prescription_since) facility.e_prescription_since = profile.e_prescription_since;
  if (profile.electronic_sharing_since) facility.electronic_sharing_since = profile.electronic_sharing_since;
  facility.profile = profile;
  const kind = claimKind(profile.kind);
  const claim = { date, kind, setting: 'outpatient', patient, facility,
    items: v.items.map((it) => ({ code: it.code, count: Number(it.count) || 1 })), history: [] };
  if (kind !== 'ika') claim.visit = v.visit || (kind === 'chozai' ? 'dispensing' : 'first');
  return claim;
}

/** Is this engine result an error value {"error": {...}}? */
export function isError(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && v.error && typeof v.error === 'object' && Object.keys(v).length === 1;
}

/** Months "YYYY-MM" from `from` to `to` inclusive. */
export function months(from, to) {
  const out = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) { m = 1; y++; }
    if (out.length > 1200) break;
  }
  return out;
}

/** Usage rows merged: the pasted months replace the same months, the other months stay. */
export function mergeUsage(existing, pasted) {
  const byMonth = new Map(existing.map((r) => [r.month, r]));
  for (const r of pasted) byMonth.set(r.month, r);
  return [...byMonth.values()].sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
}

/** The 75th birthday when it falls after `a` and on or before `b` (the patient moves to
 * 後期高齢者医療 between the two dates), else null. */
export function turns75Between(birth, a, b) {
  if (!birth || !a || !b) return null;
  const [by, bm, bd] = birth.split('-').map(Number);
  const day = `${by + 75}-${String(bm).padStart(2, '0')}-${String(bd).padStart(2, '0')}`;
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return day > lo && day <= hi ? day : null;
}

/**
 * The lines of two results side by side, matched by code (by name for a line without code):
 * [{key, code, name, a, b, change}] with a/b the line of each date (or null) and change one of
 * 'same' | 'added' | 'removed' | 'changed' (points or count differ). `diff` is the master diff
 * between the dates (`santei master diff`: [{change: added|abolished|changed, code, …}]), used
 * for the reason.
 */
export function compareLines(linesA, linesB, diff = []) {
  const key = (l) => l.code ?? `name:${l.name}`;
  const rows = new Map();
  for (const l of linesA) rows.set(key(l), { key: key(l), code: l.code, name: l.name, a: l, b: null });
  for (const l of linesB) {
    const r = rows.get(key(l));
    if (r) r.b = l;
    else rows.set(key(l), { key: key(l), code: l.code, name: l.name, a: null, b: l });
  }
  const byCode = new Map(diff.map((d) => [d.code, d]));
  return [...rows.values()].map((r) => {
    let change = 'same';
    if (!r.a) change = 'added';
    else if (!r.b) change = 'removed';
    else if (String(r.a.points) !== String(r.b.points) || r.a.count !== r.b.count) change = 'changed';
    const d = r.code ? byCode.get(r.code) : undefined;
    return { ...r, change, master: d ?? null };
  });
}

/** A saved scenario (facility, rates, filings, visit) checked on import: {scenario} or {error}. */
export function readScenario(text) {
  let v;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { error: 'JSON として読めません（santei の「書き出し」で保存したファイルを選んでください）' };
  }
  if (!v || typeof v !== 'object' || v.santei_scenario !== 1 || typeof v.form !== 'object') {
    return { error: 'santei のシナリオではありません（santei_scenario: 1 がありません）' };
  }
  if (v.usage && !Array.isArray(v.usage)) return { error: '利用率（usage）が一覧ではありません' };
  if (v.items && !Array.isArray(v.items)) return { error: '診療行為（items）が一覧ではありません' };
  return { scenario: v };
}
