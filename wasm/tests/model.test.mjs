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
    '2行目: 「2025-13」は年月として読めません（例: 2025-01）',
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
