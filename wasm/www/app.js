// The page: forms, tables and the chart. Every number comes from the engine, which runs in a
// Web Worker (worker.js) and answers with the same JSON the CLI prints.

import {
  DEFAULT_FROM, DEFAULT_TO, parseUsageCsv, normMonth, normRate, buildProfile, buildClaim,
  claimKind, isError,
} from './model.js';
import { mountUkeAudit } from './uke-audit.js';

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c);
  return e;
};

// Timings the browser test reads (page load → first tier table on the page).
window.santei = { timings: {} };

// ---------------------------------------------------------------- the engine (Web Worker)

class Engine {
  constructor(onRestart) {
    this.onRestart = onRestart;
    this.seq = 0;
    this.start();
  }

  start() {
    this.pending = new Map();
    this.worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    this.ready = new Promise((resolve) => { this.resolveReady = resolve; });
    this.worker.onmessage = (ev) => this.receive(ev.data);
    this.worker.onerror = (ev) => {
      ev.preventDefault?.();
      this.fail(`計算エンジン（Web Worker）でエラーが起きました: ${ev.message || ev}`);
    };
  }

  receive(m) {
    if ('ready' in m) {
      this.resolveReady(m);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    p.resolve(m.text);
    if (m.fatal) this.restart();
  }

  fail(message) {
    const text = JSON.stringify({ error: { kind: 'internal', message } });
    for (const p of this.pending.values()) p.resolve(text);
    this.restart();
  }

  restart() {
    this.worker.terminate();
    this.restarts = (this.restarts || 0) + 1;
    if (this.restarts > 3) {
      // Something keeps failing (e.g. the worker script cannot load): stop trying.
      const text = JSON.stringify({ error: { kind: 'internal', message: '計算エンジンを起動できません。ページを再読み込みしてください。' } });
      for (const p of this.pending.values()) p.resolve(text);
      this.pending.clear();
      this.ready = Promise.resolve({ ready: false, text });
      this.worker = { postMessage: (m) => this.receive({ id: m.id, ok: false, text }), terminate() {} };
      return;
    }
    for (const p of this.pending.values()) p.resolve(JSON.stringify({ error: { kind: 'internal', message: '計算エンジンを再起動しました' } }));
    this.start();
    this.onRestart?.();
  }

  /** Call an engine function; resolves to {text, value} (value = parsed JSON). */
  async call(fn, args = [], transfer = []) {
    await this.ready;
    const id = ++this.seq;
    const text = await new Promise((resolve) => {
      this.pending.set(id, { resolve });
      this.worker.postMessage({ id, fn, args }, transfer);
    });
    let value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      value = { error: { kind: 'internal', message: `JSON として読めない結果: ${e}` } };
    }
    return { text, value };
  }
}

const KIND_LABEL = { input: '入力エラー', data: 'データのエラー', internal: '内部エラー' };

function showError(box, message) {
  box.hidden = false;
  box.replaceChildren();
  if (Array.isArray(message)) {
    box.append(el('ul', {}, message.map((m) => el('li', { text: m }))));
  } else {
    box.textContent = message;
  }
}
function clearError(box) {
  box.hidden = true;
  box.replaceChildren();
}
function errorText(v) {
  return `${KIND_LABEL[v.error.kind] || 'エラー'}: ${v.error.message}`;
}

function describeData(v) {
  const data = v.data || {};
  const official = (data.files || []).filter((f) => f.kind !== 'pack');
  const fileNote = official.length ? `（公式ファイル ${official.length}件）` : '';
  const through = data.published_through ? `、${data.published_through} 公表分まで` : '';
  return `santei ${v.santei}・データ: ${data.label}${through}${fileNote}`;
}

const engine = new Engine(() => {
  setStatus('計算エンジンを再起動しました（既定データ）。', false);
  engine.call('versions').then(({ value }) => {
    if (!isError(value)) setStatus(`計算エンジン準備完了 — ${describeData(value)}`, true);
  });
});

window.santei.engine = engine; // for the browser tests

function setStatus(text, ok) {
  const s = $('#engine-status');
  s.textContent = text;
  s.classList.toggle('ok', Boolean(ok));
}

// ---------------------------------------------------------------- facility form and tiers

const EXAMPLE_USAGE = [
  ['2024-07', '0.12'], ['2024-08', '0.14'], ['2024-09', '0.16'], ['2024-10', '0.18'],
  ['2024-11', '0.22'], ['2024-12', '0.30'], ['2025-01', '0.47'], ['2025-02', '0.48'],
  ['2025-03', '0.50'], ['2025-04', '0.52'], ['2025-05', '0.53'], ['2025-06', '0.55'],
  ['2025-07', '0.58'], ['2025-08', '0.60'], ['2025-09', '0.61'], ['2025-10', '0.62'],
  ['2025-11', '0.63'], ['2025-12', '0.64'], ['2026-01', '0.65'], ['2026-02', '0.66'],
];

function usageRow(month = '', receipt = '', online = '') {
  const n = $('#usage-table tbody').children.length + 1;
  const tr = el('tr', {},
    el('td', {}, el('input', { type: 'text', class: 'u-month', value: month, placeholder: '2025-01', 'aria-label': `${n}行目 年月`, size: 8 })),
    el('td', {}, el('input', { type: 'text', class: 'u-receipt', value: receipt, inputmode: 'decimal', placeholder: '0.47 / 47%', 'aria-label': `${n}行目 レセプト件数ベース` })),
    el('td', {}, el('input', { type: 'text', class: 'u-online', value: online, inputmode: 'decimal', placeholder: '0.52 / 52%', 'aria-label': `${n}行目 オンライン資格確認件数ベース` })),
    el('td', {}, el('button', { type: 'button', class: 'u-del', text: '削除', 'aria-label': `${n}行目を削除`, onclick: () => tr.remove() })),
  );
  $('#usage-table tbody').append(tr);
  return tr;
}

/** The usage table's rows, checked; {rows, errors}. */
function readUsageTable() {
  const rows = [];
  const errors = [];
  [...$('#usage-table tbody').children].forEach((tr, i) => {
    const m = tr.querySelector('.u-month').value.trim();
    const r = tr.querySelector('.u-receipt').value;
    const o = tr.querySelector('.u-online').value;
    if (!m && !r.trim() && !o.trim()) return;
    const month = normMonth(m);
    if (!month) errors.push(`利用率 ${i + 1}行目: 「${m}」は年月として読めません（例: 2025-01）`);
    const rr = normRate(r);
    const oo = normRate(o);
    if (rr.error) errors.push(`利用率 ${i + 1}行目 レセプト件数ベース: ${rr.error}`);
    if (oo.error) errors.push(`利用率 ${i + 1}行目 オンライン資格確認件数ベース: ${oo.error}`);
    if (month && !rr.error && !oo.error) rows.push({ month, receipt_based: rr.value, online_based: oo.value });
  });
  return { rows, errors };
}

function facilityValues() {
  return {
    kind: $('#f-kind').value,
    ePrescriptionSince: $('#f-erx').value,
    electronicSharingSince: $('#f-sharing').value,
    pediatric: $('#f-pediatric').checked,
    under6Share: $('#f-under6').value,
    usageRecord2026: $('#f-record2026').value,
  };
}

/** The profile from the form, or {errors}. */
function currentProfile() {
  const { rows, errors } = readUsageTable();
  if (errors.length) return { errors };
  return { profile: buildProfile({ ...facilityValues(), usage: rows }) };
}

function importCsv() {
  const box = $('#csv-error');
  const { rows, errors } = parseUsageCsv($('#usage-csv').value);
  if (errors.length) {
    showError(box, ['CSVを取り込めませんでした（表は変更していません）:', ...errors]);
    return;
  }
  clearError(box);
  $('#usage-table tbody').replaceChildren();
  for (const r of rows) usageRow(r.month, r.receipt_based ?? '', r.online_based ?? '');
  runTier();
}

const STATUS_LABEL = {
  qualified: '算定可',
  no_tier: '要件を満たさない',
  not_in_force: '加算なし',
  missing_rate: '利用率が未入力',
  unknown_requirement: '判定できない',
};

function pct(v) {
  const n = Number(v);
  return Number.isFinite(n) ? `${(Math.round(n * 1000) / 10).toString()}%` : String(v);
}

function pts(p) {
  return p === null || p === undefined ? '—' : `${p}点`;
}

function renderTier(results) {
  const tbody = $('#tier-table tbody');
  tbody.replaceChildren();
  for (const r of results) {
    const tierText = r.tier !== null ? String(r.tier)
      : r.provisional_tier !== null && r.provisional_tier !== undefined ? `（${r.provisional_tier}?）` : '—';
    const rate = r.rate_used
      ? `${r.rate_used.month} ${r.rate_used.basis === 'online' ? 'オンライン資格確認' : 'レセプト'} ${pct(r.rate_used.value)}${r.threshold !== null ? `（基準${pct(r.threshold)}）` : ''}`
      : '—';
    tbody.append(el('tr', { class: `st-${r.status}`, 'data-month': r.month },
      el('th', { scope: 'row', text: r.month }),
      el('td', { class: 'name', text: r.name || '—' }),
      el('td', { class: 'tier num', text: tierText }),
      el('td', { class: 'num', text: pts(r.points?.ika) }),
      el('td', { class: 'num', text: pts(r.points?.shika) }),
      el('td', { class: 'num', text: pts(r.points?.chozai) }),
      el('td', { text: rate }),
      el('td', { class: 'tier', text: STATUS_LABEL[r.status] || r.status }),
      el('td', { class: 'reason', text: r.reason || '' }),
    ));
  }
  $('#tier-table').hidden = false;
  renderChart(results);
}

function renderChart(results) {
  const NS = 'http://www.w3.org/2000/svg';
  const s = (tag, attrs = {}, text) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const series = [['ika', '医科', 'var(--ika)'], ['shika', '歯科', 'var(--shika)'], ['chozai', '調剤', 'var(--chozai)']];
  const max = Math.max(15, ...results.flatMap((r) => series.map(([k]) => Number(r.points?.[k] ?? 0))));
  const left = 34; const top = 10; const h = 180; const bw = 7; const gap = 6;
  const colW = bw * 3 + gap;
  const width = left + results.length * colW + 10;
  const height = top + h + 48;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc' });
  svg.append(s('title', { id: 'chart-title' }, '月別の加算点数（初診1回あたり）'));
  const qualified = results.filter((r) => r.status === 'qualified');
  svg.append(s('desc', { id: 'chart-desc' },
    `${results.length}か月のうち${qualified.length}か月で算定可。` +
    results.map((r) => `${r.month}: ${r.points ? `医科${r.points.ika}点・歯科${r.points.shika}点・調剤${r.points.chozai}点` : STATUS_LABEL[r.status]}`).join('、')));
  for (let v = 0; v <= max; v += 5) {
    const y = top + h - (v / max) * h;
    svg.append(s('line', { x1: left, x2: width - 5, y1: y, y2: y, stroke: '#d0d7de', 'stroke-width': 0.5 }));
    svg.append(s('text', { x: left - 4, y: y + 3, 'text-anchor': 'end', 'font-size': 9, fill: '#57606a' }, String(v)));
  }
  results.forEach((r, i) => {
    const x0 = left + i * colW + gap / 2;
    if (!r.points) {
      const mark = r.status === 'not_in_force' ? '' : '?';
      if (mark) svg.append(s('text', { x: x0 + bw * 1.5, y: top + h - 4, 'text-anchor': 'middle', 'font-size': 10, fill: '#9a6700' }, mark));
    } else {
      series.forEach(([k, label, color], j) => {
        const v = Number(r.points[k] ?? 0);
        const bh = (v / max) * h;
        const rect = s('rect', { x: x0 + j * bw, y: top + h - bh, width: bw - 1, height: bh, fill: color });
        rect.append(s('title', {}, `${r.month} ${label} ${v}点`));
        svg.append(rect);
      });
    }
    if (i % 3 === 0 || results.length <= 12) {
      svg.append(s('text', { x: x0 + bw * 1.5, y: top + h + 14, 'text-anchor': 'middle', 'font-size': 9, fill: '#1b1f24' }, r.month.slice(2).replace('-', '/')));
    }
  });
  svg.append(s('line', { x1: left, x2: width - 5, y1: top + h, y2: top + h, stroke: '#1b1f24', 'stroke-width': 1 }));
  svg.append(s('text', { x: 4, y: top + h + 36, 'font-size': 9, fill: '#57606a' }, '点 / 年月（? = 利用率の入力不足または判定不能）'));
  const legend = el('p', { class: 'legend', 'aria-hidden': 'true' },
    series.map(([, label, color]) => el('span', { style: `--c:${color}`, text: label })));
  $('#tier-chart').replaceChildren(legend, svg);
  $('#tier-chart-box').hidden = false;
}

let tierSeq = 0;
async function runTier() {
  const box = $('#tier-error');
  const from = normMonth($('#f-from').value) || DEFAULT_FROM;
  const to = normMonth($('#f-to').value) || DEFAULT_TO;
  const p = currentProfile();
  if (p.errors) {
    showError(box, ['入力を確認してください（前回の結果のままです）:', ...p.errors]);
    return;
  }
  const mine = ++tierSeq;
  $('#tier-run').disabled = true;
  const { value } = await engine.call('tier', ['facility.json', JSON.stringify(p.profile), from, to]);
  $('#tier-run').disabled = false;
  if (mine !== tierSeq) return;
  if (isError(value)) {
    showError(box, errorText(value));
    return;
  }
  clearError(box);
  renderTier(value);
  if (window.santei.timings.firstResultMs === undefined) {
    window.santei.timings.firstResultMs = Math.round(performance.now());
    document.body.dataset.firstResultMs = String(window.santei.timings.firstResultMs);
  }
  updateVisitKind();
}

// ---------------------------------------------------------------- visit simulator

const items = [{ code: '111000110', name: '初診料', count: 1 }];

function renderItems() {
  const tbody = $('#items-table tbody');
  tbody.replaceChildren();
  items.forEach((it, i) => {
    const count = el('input', { type: 'number', min: 1, max: 99, value: it.count, 'aria-label': `${it.name} の回数`, class: 'i-count' });
    count.addEventListener('change', () => { it.count = Math.max(1, Number(count.value) || 1); });
    tbody.append(el('tr', { 'data-code': it.code },
      el('td', { text: it.code }),
      el('td', { text: it.name }),
      el('td', {}, count),
      el('td', {}, el('button', { type: 'button', text: '削除', 'aria-label': `${it.name} を削除`, onclick: () => { items.splice(i, 1); renderItems(); } })),
    ));
  });
  if (!items.length) tbody.append(el('tr', {}, el('td', { colspan: 4, class: 'hint', text: '診療行為がありません（歯科・調剤は受診の種類だけで加算を計算します）' })));
}

function addItem(found) {
  const have = items.find((it) => it.code === found.code);
  if (have) have.count += 1;
  else items.push({ code: found.code, name: found.name, count: 1 });
  renderItems();
  $('#item-search-note').textContent = `${found.name}（${found.code}）を追加しました`;
}

let searchSeq = 0;
let searchResults = [];
let active = -1;

function setActive(i) {
  const list = $('#item-results');
  active = i;
  [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
  const input = $('#item-search');
  if (i >= 0 && list.children[i]) {
    input.setAttribute('aria-activedescendant', list.children[i].id);
    list.children[i].scrollIntoView({ block: 'nearest' });
  } else {
    input.removeAttribute('aria-activedescendant');
  }
}

function closeResults() {
  $('#item-results').hidden = true;
  $('#item-search').setAttribute('aria-expanded', 'false');
  setActive(-1);
}

async function runSearch() {
  const q = $('#item-search').value.trim();
  const mine = ++searchSeq;
  if (!q) {
    closeResults();
    $('#item-search-note').textContent = '';
    return;
  }
  const date = $('#v-date-a').value || '2026-05-15';
  const { value } = await engine.call('search', [q, date, 30]);
  if (mine !== searchSeq) return;
  const list = $('#item-results');
  if (isError(value)) {
    $('#item-search-note').textContent = errorText(value);
    closeResults();
    return;
  }
  searchResults = value;
  list.replaceChildren(...value.map((f, i) => el('li', {
    id: `opt-${i}`, role: 'option', 'aria-selected': 'false', 'data-code': f.code,
    onmousedown: (e) => { e.preventDefault(); addItem(f); },
  }, el('span', { class: 'code', text: f.code }), f.name, el('span', { class: 'pts', text: `${f.points}${f.point_kind === 'points' ? '点' : ''}` }))));
  list.hidden = value.length === 0;
  $('#item-search').setAttribute('aria-expanded', String(value.length > 0));
  $('#item-search-note').textContent = value.length ? `${value.length}件（${date}時点）。↑↓で選び Enter で追加` : `該当なし（${date}時点）`;
  setActive(value.length ? 0 : -1);
}

function updateVisitKind() {
  const kind = claimKind($('#f-kind').value);
  $('#v-visit-box').hidden = kind === 'ika';
  if (kind === 'chozai') $('#v-visit').value = 'dispensing';
  else if (kind === 'shika' && $('#v-visit').value === 'dispensing') $('#v-visit').value = 'first';
}

function visitValues() {
  const standards = [...document.querySelectorAll('#v-standards [data-code]')]
    .filter((c) => c.checked)
    .map((c) => {
      const code = c.dataset.code;
      const tier = document.querySelector(`[data-tier="${code}"]`);
      const from = document.querySelector(`[data-from="${code}"]`);
      return { code, tier: tier ? tier.value : '', from: from ? from.value : '' };
    });
  return {
    birthDate: $('#v-birth').value,
    insurance: $('#v-insurance').value,
    incomeCategory: $('#v-income').value,
    mynumber: $('#v-mynumber').checked,
    visit: $('#v-visit').value,
    standards,
    items,
  };
}

const yen = (n) => `${Number(n).toLocaleString('ja-JP')}円`;

function renderVisit(date, text, v, claim) {
  const art = el('article', { 'data-date': date, 'aria-label': `受診日 ${date} の結果` });
  art.append(el('h3', { text: `受診日 ${date}` }));
  if (isError(v)) {
    art.append(el('div', { class: 'error', role: 'alert', text: errorText(v) }));
    art.append(el('details', {}, el('summary', { text: '入力のJSON' }), el('pre', { class: 'json claim-json', text: claim })));
    return art;
  }
  const tbody = el('tbody', {}, v.lines.map((l) => el('tr', {},
    el('td', { text: l.code ?? '（コードなし）' }),
    el('td', {}, l.name, l.verified ? null : el('span', { class: 'unverified', text: ' ※公式マスター未確認' })),
    el('td', { class: 'num', text: String(l.points) }),
    el('td', { class: 'num', text: String(l.count) }),
    el('td', { class: 'num', text: String(l.subtotal) }),
    el('td', { class: l.origin === 'auto' ? 'auto' : '', text: l.origin === 'auto' ? '自動' : '入力' }),
  )));
  art.append(el('div', { class: 'table-wrap' }, el('table', { class: 'lines' },
    el('caption', { class: 'sr', text: `${date} の明細` }),
    el('thead', {}, el('tr', {}, ['コード', '名称', '点数', '回数', '小計', '由来'].map((h) => el('th', { scope: 'col', text: h })))),
    tbody)));
  const totals = el('p', { class: 'totals' },
    el('span', {}, '合計 ', el('strong', { class: 'total-points', text: String(v.total_points) }), ' 点'));
  if (v.copay) {
    const rate = Number(v.copay.rate);
    totals.append(el('span', {}, '患者負担 ', el('strong', { class: 'patient-pays', text: yen(v.copay.patient_pays) }),
      Number.isFinite(rate) ? `（${Math.round(rate * 10)}割）` : ''));
    totals.append(el('span', { class: 'hint', text: `医療費 ${yen(v.copay.medical_cost)}・保険者 ${yen(v.copay.insurer_pays)}` }));
  }
  art.append(totals);
  if (v.errors.length) art.append(el('ul', { class: 'errs', 'aria-label': '算定エラー' }, v.errors.map((e) => el('li', { text: e }))));
  if (v.warnings.length) art.append(el('ul', { class: 'warn', 'aria-label': '注意' }, v.warnings.map((w) => el('li', { text: w }))));
  art.append(el('details', {}, el('summary', { text: '結果のJSON（CLI と同じ）' }), el('pre', { class: 'json result-json', text })));
  art.append(el('details', {}, el('summary', { text: '入力のJSON（santei calc にそのまま渡せます）' }), el('pre', { class: 'json claim-json', text: claim })));
  return art;
}

async function runVisit() {
  const box = $('#visit-error');
  const p = currentProfile();
  if (p.errors) {
    showError(box, ['施設情報の入力を確認してください:', ...p.errors]);
    return;
  }
  const v = visitValues();
  const problems = [];
  if (!v.birthDate) problems.push('生年月日を入力してください');
  const dates = [$('#v-date-a').value, $('#v-date-b').value];
  if (dates.some((d) => !d)) problems.push('受診日 A と B を入力してください');
  if (problems.length) {
    showError(box, problems);
    return;
  }
  clearError(box);
  $('#visit-run').disabled = true;
  const claims = dates.map((d) => JSON.stringify(buildClaim(d, p.profile, v), null, 2));
  const results = await Promise.all(claims.map((c) => engine.call('calc', ['visit.json', c])));
  $('#visit-run').disabled = false;
  $('#visit-result').replaceChildren(...results.map((r, i) => renderVisit(dates[i], r.text, r.value, claims[i])));
  const [a, b] = results.map((r) => r.value);
  if (!isError(a) && !isError(b)) {
    const dp = Number(b.total_points) - Number(a.total_points);
    const sign = (n) => (n > 0 ? `+${n}` : String(n));
    let text = `受診日 B − 受診日 A: 合計点数 ${sign(dp)}点`;
    if (a.copay && b.copay) text += `、患者負担 ${sign(b.copay.patient_pays - a.copay.patient_pays)}円`;
    $('#visit-diff').textContent = text;
  } else {
    $('#visit-diff').textContent = '';
  }
}

// ---------------------------------------------------------------- official master files

async function loadMaster() {
  const box = $('#master-error');
  const status = $('#master-status');
  const files = [...$('#master-files').files];
  if (!files.length) {
    showError(box, 'ファイルを選んでください（s_ALL….csv など）。');
    return;
  }
  clearError(box);
  status.textContent = `${files.length}件のファイルを読み込んでいます…`;
  $('#master-load').disabled = true;
  const payload = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })));
  const { value } = await engine.call('loadOfficial', [payload], payload.map((f) => f.bytes));
  $('#master-load').disabled = false;
  if (isError(value)) {
    status.textContent = '';
    showError(box, `読み込めませんでした（これまでのデータで計算を続けます）: ${value.error.message}\n` +
      '医療情報基盤・診療報酬審査支払機構（https://www.hpdx.or.jp/）が公開する全件ファイル（s_ALL….csv）と、その後に公表された更新ファイル（s_YYYYMMDD.csv）をまとめて選んでください。電子点数表（01補助マスターテーブル.csv など）も一緒に選べます。');
    return;
  }
  const names = ((value.data || {}).files || []).map((f) => f.file).join('、');
  status.textContent = `読み込みました: ${describeData(value)}${names ? ` — ${names}` : ''}`;
  setStatus(`計算エンジン準備完了 — ${describeData(value)}`, true);
  if ($('#visit-result').children.length) runVisit();
}

async function resetMaster() {
  const { value } = await engine.call('loadEmbedded');
  if (isError(value)) {
    showError($('#master-error'), errorText(value));
    return;
  }
  clearError($('#master-error'));
  $('#master-status').textContent = `既定データに戻しました: ${describeData(value)}`;
  setStatus(`計算エンジン準備完了 — ${describeData(value)}`, true);
  if ($('#visit-result').children.length) runVisit();
}

// ---------------------------------------------------------------- wiring

function init() {
  for (const [m, r] of EXAMPLE_USAGE) usageRow(m, r, '');
  renderItems();
  $('#usage-add').addEventListener('click', () => usageRow().querySelector('input').focus());
  $('#usage-import').addEventListener('click', importCsv);
  $('#facility-form').addEventListener('submit', (e) => { e.preventDefault(); runTier(); });
  $('#f-kind').addEventListener('change', updateVisitKind);
  $('#visit-form').addEventListener('submit', (e) => { e.preventDefault(); runVisit(); });
  const search = $('#item-search');
  let timer;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
  search.addEventListener('keydown', (e) => {
    const n = $('#item-results').children.length;
    if (e.key === 'ArrowDown' && n) { e.preventDefault(); setActive((active + 1) % n); }
    else if (e.key === 'ArrowUp' && n) { e.preventDefault(); setActive((active - 1 + n) % n); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (active >= 0 && searchResults[active]) { addItem(searchResults[active]); search.value = ''; closeResults(); }
      else runSearch();
    } else if (e.key === 'Escape') closeResults();
  });
  search.addEventListener('blur', () => setTimeout(closeResults, 150));
  $('#master-load').addEventListener('click', loadMaster);
  $('#master-reset').addEventListener('click', resetMaster);
  updateVisitKind();

  engine.ready.then((m) => {
    window.santei.timings.engineReadyMs = Math.round(performance.now());
    let v;
    try { v = JSON.parse(m.text); } catch (_) { v = { error: { kind: 'internal', message: m.text } }; }
    if (!m.ready || isError(v)) {
      setStatus(`計算エンジンを読み込めませんでした: ${v.error ? v.error.message : m.text}`, false);
      return;
    }
    setStatus('計算エンジンを準備しています…（加算の区分はすぐ計算できます）', false);
    // The tier table first; then the fee schedule loads (the first `versions` call).
    runTier().then(async () => {
      const { value } = await engine.call('versions');
      if (isError(value)) setStatus(`計算エンジンのデータを読み込めませんでした: ${value.error.message}`, false);
      else setStatus(`計算エンジン準備完了 — ${describeData(value)}`, true);
    });
  });
}

init();
mountUkeAudit(engine, el);
