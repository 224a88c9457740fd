// The page's pure helpers (wasm/www/model.js): pasted CSV, the profile and the claim.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUsageCsv, normMonth, normRate, buildProfile, buildClaim, isError } from '../www/model.js';

test('months in the forms staff type', () => {
  assert.equal(normMonth('2025-01'), '2025-01');
  assert.equal(normMonth('2025/1'), '2025-01');
  assert.equal(normMonth('2025年1月'), '2025-01');
  assert.equal(normMonth('２０２５－０１'), null);
  assert.equal(normMonth('２０２５/０３'), '2025-03');
  assert.equal(normMonth('202512'), '2025-12');
  assert.equal(normMonth('2025-13'), null);
  assert.equal(normMonth('Jan 2025'), null);
});

test('rates: decimals and percentages, kept as the exact text', () => {
  assert.deepEqual(normRate('0.47'), { value: '0.47' });
  assert.deepEqual(normRate('.5'), { value: '0.5' });
  assert.deepEqual(normRate('47%'), { value: '47%' });
  assert.deepEqual(normRate(' 47.5 % '), { value: '47.5%' });
  assert.deepEqual(normRate('４７％'), { value: '47%' });
  assert.deepEqual(normRate(''), { value: null });
  assert.match(normRate('47').error, /0〜1の小数/);
  assert.match(normRate('101%').error, /100%を超え/);
  assert.match(normRate('abc').error, /利用率として読めません/);
});

test('pasted CSV: header, tabs, blank lines; rows sorted', () => {
  const { rows, errors } = parseUsageCsv('年月,レセプト件数ベース,オンライン資格確認件数ベース\r\n2025-02,0.5,\r\n\r\n2025/1\t47%\t0.52\n');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows, [
    { month: '2025-01', receipt_based: '47%', online_based: '0.52' },
    { month: '2025-02', receipt_based: '0.5', online_based: null },
  ]);
});

test('malformed CSV: every problem named by its line', () => {
  const { errors } = parseUsageCsv('2025-01,0.4\n2025-13,0.4\n2025-02,abc\n2025-01,0.5\n2025-03,,\n2025-04,1,2,3');
  assert.deepEqual(errors, [
    '2行目: 「2025-13」は年月として読めません（例: 2025-01、令和7年1月）',
    '3行目 レセプト件数ベース: 「abc」は利用率として読めません（例: 0.47 または 47%）',
    '4行目: 2025-01 は1行目と重複しています',
    '5行目: 2025-03 の利用率がありません',
    '6行目: 列が4個あります（年月, レセプト件数ベース, オンライン資格確認件数ベース の3列まで）',
  ]);
  assert.deepEqual(parseUsageCsv('').errors, ['利用率の行がありません（例: 2025-01,0.47,0.52）']);
  assert.deepEqual(parseUsageCsv('hello world').errors, ['利用率の行がありません（例: 2025-01,0.47,0.52）']);
  assert.match(parseUsageCsv('2025-01,0.4\nhello').errors[0], /2行目: 「hello」は年月として読めません/);
});

test('profile and claim as santei tier / santei calc read them', () => {
  const profile = buildProfile({
    kind: 'clinic', ePrescriptionSince: '2025-02-01', electronicSharingSince: '', pediatric: true,
    under6Share: ' 34% ', usageRecord2026: 'true',
    usage: [{ month: '2025-01', receipt_based: '0.47', online_based: null }, { month: '2025-02', receipt_based: null, online_based: null }],
  });
  assert.deepEqual(profile, {
    kind: 'clinic', e_prescription_since: '2025-02-01', pediatric_outpatient_fee: true,
    under6_share_2024: '34%', usage_record_2026: true, usage: [{ month: '2025-01', receipt_based: '0.47' }],
  });
  const claim = buildClaim('2026-06-15', profile, {
    birthDate: '1980-05-01', insurance: 'kokuho', incomeCategory: 'ウ', mynumber: true, visit: 'first',
    standards: [{ code: '4035', tier: '', from: '2024-06-01' }, { code: 'denshi_renkei', tier: '2', from: '' }],
    items: [{ code: '111000110', name: '初診料', count: '2' }],
  });
  assert.deepEqual(claim, {
    date: '2026-06-15', kind: 'ika', setting: 'outpatient',
    patient: { birth_date: '1980-05-01', mynumber_card: true, insurance: 'kokuho', income_category: 'ウ' },
    facility: { kind: 'clinic', standards: [{ code: '4035', from: '2024-06-01' }, { code: 'denshi_renkei', tier: 2 }],
      e_prescription_since: '2025-02-01', profile },
    items: [{ code: '111000110', count: 2 }], history: [],
  });
  const pharmacy = buildClaim('2026-06-15', { ...profile, kind: 'pharmacy' }, {
    birthDate: '1980-05-01', insurance: '', mynumber: false, standards: [], items: [],
  });
  assert.equal(pharmacy.kind, 'chozai');
  assert.equal(pharmacy.visit, 'dispensing');
  assert.equal(pharmacy.patient.insurance, undefined);
  assert.equal(isError({ error: { kind: 'input', message: 'x' } }), true);
  assert.equal(isError({ error: [], lines: [] }), false);
  assert.equal(isError([]), false);
});

test('months in the Japanese era (令和) and a semicolon paste', async () => {
  const { normMonth: nm, parseUsageCsv: parse } = await import('../www/model.js');
  // 令和元年 = 2019 (令和 began 2019-05-01), so 令和6年 = 2024.
  assert.equal(nm('令和6年8月'), '2024-08');
  assert.equal(nm('令和元年5月'), '2019-05');
  assert.equal(nm('令和７年１月'), '2025-01');
  assert.equal(nm('R7.1'), '2025-01');
  assert.equal(nm('令和6年13月'), null);
  const { rows, errors } = parse('令和6年8月,0.47,\n令和6年9月\t48%\t');
  assert.deepEqual(errors, []);
  assert.deepEqual(rows.map((r) => r.month), ['2024-08', '2024-09']);
  const semi = parse('2025-01;0.47;0.52');
  assert.equal(semi.rows.length, 0);
  assert.match(semi.errors[0], /1行目: 区切りがセミコロン（;）です。カンマ（,）かタブで区切ってください/);
});

test('a pasted month replaces that month only', async () => {
  const { mergeUsage } = await import('../www/model.js');
  const have = [{ month: '2025-01', receipt_based: '0.4' }, { month: '2025-02', receipt_based: '0.5' }];
  assert.deepEqual(mergeUsage(have, [{ month: '2025-02', receipt_based: '0.6' }, { month: '2024-12', receipt_based: '0.3' }]), [
    { month: '2024-12', receipt_based: '0.3' }, { month: '2025-01', receipt_based: '0.4' }, { month: '2025-02', receipt_based: '0.6' },
  ]);
});

test('the 75th birthday between two visit dates', async () => {
  const { turns75Between } = await import('../www/model.js');
  // Born 1951-06-10: 75 on 2026-06-10 (後期高齢者医療 from the 75th birthday, 高齢者医療確保法 52条).
  assert.equal(turns75Between('1951-06-10', '2026-05-15', '2026-06-15'), '2026-06-10');
  assert.equal(turns75Between('1951-06-10', '2026-06-15', '2026-05-15'), '2026-06-10');
  assert.equal(turns75Between('1951-06-16', '2026-05-15', '2026-06-15'), null);
  assert.equal(turns75Between('1980-05-01', '2026-05-15', '2026-06-15'), null);
});

test('two results line by line: added, removed, changed, the same', async () => {
  const { compareLines } = await import('../www/model.js');
  const a = [
    { code: '112007410', name: '再診料', points: 75, count: 1 },
    { code: '112710070', name: '医療ＤＸ推進体制整備加算', points: 2, count: 1 },
    { code: '120000710', name: '処方箋料', points: 60, count: 1 },
  ];
  const b = [
    { code: '112007410', name: '再診料', points: 76, count: 1 },
    { code: '120000710', name: '処方箋料', points: 60, count: 1 },
    { code: null, name: '電子的診療情報連携体制整備加算', points: 2, count: 1 },
  ];
  const diff = [{ change: 'abolished', code: '112710070', name: '医療ＤＸ推進体制整備加算', valid_to: '2026-05-31' }];
  const rows = compareLines(a, b, diff);
  const by = Object.fromEntries(rows.map((r) => [r.key, r.change]));
  assert.deepEqual(by, { 112007410: 'changed', 112710070: 'removed', 120000710: 'same', 'name:電子的診療情報連携体制整備加算': 'added' });
  assert.equal(rows.find((r) => r.code === '112710070').master.valid_to, '2026-05-31');
});

test('scenario files: only santei scenarios are read', async () => {
  const { readScenario } = await import('../www/model.js');
  assert.ok(readScenario(JSON.stringify({ santei_scenario: 1, form: {}, usage: [], items: [] })).scenario);
  assert.match(readScenario('{').error, /JSON として読めません/);
  assert.match(readScenario('{"a":1}').error, /santei のシナリオではありません/);
  assert.match(readScenario(JSON.stringify({ santei_scenario: 1, form: {}, usage: 3 })).error, /利用率/);
});
