// The page: forms, tables and the chart. Every number comes from the engine, which runs in a
// Web Worker (worker.js) and answers with the same JSON the CLI prints.

import {
  DEFAULT_FROM, DEFAULT_TO, parseUsageCsv, normMonth, normRate, buildProfile, buildClaim,
  claimKind, isError, mergeUsage, turns75Between, compareLines, readScenario,
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

/** The data's label in Japanese (the version report names it in English for programs). */
function dataLabel(label) {
  return String(label || '')
    .replace('santei default data', 'santei 既定データ')
    .replace('official files', '公式ファイル')
    .replace(/\(unverified\)/g, '（未確認）');
}

function describeData(v) {
  const data = v.data || {};
  const official = (data.files || []).filter((f) => f.kind !== 'pack');
  const fileNote = official.length ? `（公式ファイル ${official.length}件）` : '';
  const through = data.published_through ? `、${data.published_through} 公表分まで` : '';
  return `santei ${v.santei}・データ: ${dataLabel(data.label)}${through}${fileNote}`;
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
    el('td', { 'data-label': '年月' }, el('input', { type: 'text', class: 'u-month', value: month, placeholder: '2025-01', 'aria-label': `${n}行目 年月`, size: 8 })),
    el('td', { 'data-label': 'レセプト件数ベース' }, el('input', { type: 'text', class: 'u-receipt', value: receipt, inputmode: 'decimal', placeholder: '0.47 / 47%', 'aria-label': `${n}行目 レセプト件数ベース` })),
    el('td', { 'data-label': 'オンライン資格確認件数ベース' }, el('input', { type: 'text', class: 'u-online', value: online, inputmode: 'decimal', placeholder: '0.52 / 52%', 'aria-label': `${n}行目 オンライン資格確認件数ベース` })),
    el('td', {}, el('button', { type: 'button', class: 'u-del', text: '削除', tabindex: '-1', 'aria-label': `${n}行目を削除`, onclick: () => { tr.remove(); save(); } })),
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
  // The pasted months replace the same months; the other months stay.
  const merged = mergeUsage(readUsageTable().rows, rows);
  $('#usage-table tbody').replaceChildren();
  for (const r of merged) usageRow(r.month, r.receipt_based ?? '', r.online_based ?? '');
  $('#csv-note').textContent = `${rows.length}か月分を取り込みました（ほかの月はそのままです）`;
  save();
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

/**
 * The reason of a month, compact: the engine's sentence without what the columns already say
 * (month, add-on, points), and every better tier that was not met with its threshold.
 */
function tierReason(r) {
  let text = r.reason || '';
  const cut = text.indexOf('：');
  if (r.status === 'qualified' && cut >= 0) text = text.slice(cut + 1);
  const byTier = new Map();
  for (const u of r.unmet || []) {
    const e = byTier.get(u.tier) || { threshold: u.threshold, reqs: [] };
    if (!e.reqs.includes(u.requirement)) e.reqs.push(u.requirement);
    byTier.set(u.tier, e);
  }
  const unmet = [...byTier].sort((x, y) => x[0] - y[0]).map(([t, e]) =>
    `加算${t}${e.threshold !== null && e.threshold !== undefined ? `（基準${pct(e.threshold)}）` : ''}: ${e.reqs.join('・')}`);
  return { text, unmet };
}

let lastTier = [];

function renderTier(results) {
  lastTier = results;
  const tbody = $('#tier-table tbody');
  tbody.replaceChildren();
  for (const r of results) {
    const tierText = r.tier !== null ? String(r.tier)
      : r.provisional_tier !== null && r.provisional_tier !== undefined ? `（${r.provisional_tier}?）` : '—';
    const rate = r.rate_used
      ? `${r.rate_used.month} ${r.rate_used.basis === 'online' ? 'オンライン資格確認' : 'レセプト'} ${pct(r.rate_used.value)}${r.threshold !== null ? `（基準${pct(r.threshold)}）` : ''}`
      : '—';
    const why = tierReason(r);
    tbody.append(el('tr', { class: `st-${r.status}`, 'data-month': r.month },
      el('th', { scope: 'row', text: r.month }),
      el('td', { class: 'name', 'data-label': '加算', text: r.name || '—' }),
      el('td', { class: 'tier num', 'data-label': '区分', text: tierText }),
      el('td', { class: 'num', 'data-label': '医科', text: pts(r.points?.ika) }),
      el('td', { class: 'num', 'data-label': '歯科', text: pts(r.points?.shika) }),
      el('td', { class: 'num', 'data-label': '調剤', text: pts(r.points?.chozai) }),
      el('td', { class: 'rate', 'data-label': '利用率', text: rate }),
      el('td', { class: 'tier status', 'data-label': '判定', text: STATUS_LABEL[r.status] || r.status }),
      el('td', { class: 'reason', 'data-label': '理由' }, why.text,
        why.unmet.length ? el('span', { class: 'unmet' }, el('b', { text: '満たさない上位の区分' }), ...why.unmet.map((u) => el('span', { text: u }))) : null),
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
  // Drawn at the box's own width, so its text stays 12px on a phone too.
  const box = $('#tier-chart');
  const width = Math.max(320, Math.floor(box.clientWidth || box.parentElement?.clientWidth || 800));
  const left = 30; const top = 22; const h = 170; const font = 12;
  const n = Math.max(1, results.length);
  const colW = (width - left - 8) / n;
  const bw = Math.max(1.5, (colW * 0.8) / 3);
  const height = top + h + 52;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-labelledby': 'chart-title chart-desc' });
  svg.append(s('title', { id: 'chart-title' }, '月別の加算点数（初診1回あたり）'));
  const qualified = results.filter((r) => r.status === 'qualified');
  svg.append(s('desc', { id: 'chart-desc' },
    `${results.length}か月のうち${qualified.length}か月で算定可。` +
    results.map((r) => `${r.month}: ${r.points ? `区分${r.tier}・医科${r.points.ika}点・歯科${r.points.shika}点・調剤${r.points.chozai}点` : STATUS_LABEL[r.status]}`).join('、')));
  for (let v = 0; v <= max; v += 5) {
    const y = top + h - (v / max) * h;
    svg.append(s('line', { x1: left, x2: width - 5, y1: y, y2: y, stroke: '#d0d7de', 'stroke-width': 0.5 }));
    svg.append(s('text', { x: left - 4, y: y + 4, 'text-anchor': 'end', 'font-size': font, fill: '#57606a' }, String(v)));
  }
  const every = Math.max(1, Math.ceil((n * 44) / (width - left)));
  results.forEach((r, i) => {
    const x0 = left + i * colW + (colW - bw * 3) / 2;
    const mid = x0 + bw * 1.5;
    // A revision or a new period of the rules: a dashed line and its month.
    const prev = results[i - 1];
    if (prev && r.period && prev.period && r.period !== prev.period) {
      const x = left + i * colW;
      svg.append(s('line', { class: 'revision', x1: x, x2: x, y1: top - 12, y2: top + h, stroke: '#8250df', 'stroke-width': 1, 'stroke-dasharray': '3 3' }));
      svg.append(s('text', { x: x + 2, y: top - 4, 'font-size': font - 1, fill: '#8250df' }, `${r.month.slice(2).replace('-', '/')}〜`));
    }
    if (!r.points) {
      const mark = r.status === 'not_in_force' ? '' : '?';
      if (mark) svg.append(s('text', { x: mid, y: top + h - 4, 'text-anchor': 'middle', 'font-size': font, fill: '#9a6700' }, mark));
    } else {
      let topY = top + h;
      series.forEach(([k, label, color], j) => {
        const v = Number(r.points[k] ?? 0);
        const bh = (v / max) * h;
        topY = Math.min(topY, top + h - bh);
        const rect = s('rect', { x: x0 + j * bw, y: top + h - bh, width: Math.max(1, bw - 1), height: bh, fill: color });
        rect.append(s('title', {}, `${r.month} 区分${r.tier} ${label} ${v}点`));
        svg.append(rect);
      });
      if (colW >= 14 || i % every === 0) {
        svg.append(s('text', { class: 'tier-no', x: mid, y: topY - 3, 'text-anchor': 'middle', 'font-size': font - 1, fill: '#1b1f24' }, String(r.tier)));
      }
    }
    if (i % every === 0) {
      svg.append(s('text', { x: mid, y: top + h + 16, 'text-anchor': 'middle', 'font-size': font, fill: '#1b1f24' }, r.month.slice(2).replace('-', '/')));
    }
  });
  svg.append(s('line', { x1: left, x2: width - 5, y1: top + h, y2: top + h, stroke: '#1b1f24', 'stroke-width': 1 }));
  svg.append(s('text', { x: 4, y: top + h + 40, 'font-size': font, fill: '#57606a' }, '点 / 年月（棒の上の数字は区分、? は判定できない月、破線は改定など）'));
  const legend = el('p', { class: 'legend', 'aria-hidden': 'true' },
    series.map(([, label, color]) => el('span', { style: `--c:${color}`, text: label })));
  box.replaceChildren(legend, svg);
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
    count.addEventListener('change', () => { it.count = Math.max(1, Number(count.value) || 1); save(); });
    tbody.append(el('tr', { 'data-code': it.code },
      el('td', { 'data-label': 'コード', text: it.code }),
      el('td', { 'data-label': '名称', text: it.name }),
      el('td', { 'data-label': '回数' }, count),
      el('td', {}, el('button', { type: 'button', text: '削除', 'aria-label': `${it.name} を削除`, onclick: () => { items.splice(i, 1); renderItems(); save(); } })),
    ));
  });
  if (!items.length) tbody.append(el('tr', {}, el('td', { colspan: 4, class: 'hint', text: '診療行為がありません（歯科・調剤は受診の種類だけで加算を計算します）' })));
}

function addItem(found) {
  const have = items.find((it) => it.code === found.code);
  if (have) have.count += 1;
  else items.push({ code: found.code, name: found.name, count: 1 });
  renderItems();
  save();
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
  // Both dates: an item new on date B (物価対応料 from 2026-06) is found too.
  const dates = [...new Set([$('#v-date-a').value || '2026-05-15', $('#v-date-b').value].filter(Boolean))];
  const answers = await Promise.all(dates.map((d) => engine.call('search', [q, d, 30])));
  if (mine !== searchSeq) return;
  const list = $('#item-results');
  const bad = answers.find((a) => isError(a.value));
  if (bad) {
    $('#item-search-note').textContent = errorText(bad.value);
    closeResults();
    return;
  }
  // The engine ranks each date's hits; merged keeping the first date's order, then the rest.
  const seen = new Set();
  const value = [];
  for (const { value: hits } of answers) {
    for (const f of hits) if (!seen.has(f.code)) { seen.add(f.code); value.push(f); }
  }
  value.splice(30);
  const date = dates.join('・');
  searchResults = value;
  list.replaceChildren(...value.map((f, i) => el('li', {
    id: `opt-${i}`, role: 'option', 'aria-selected': 'false', 'data-code': f.code,
    onmousedown: (e) => { e.preventDefault(); addItem(f); },
  }, el('span', { class: 'code', text: f.code }), f.name, el('span', { class: 'pts', text: `${f.points}${f.point_kind === 'points' ? '点' : ''}` }))));
  list.hidden = value.length === 0;
  $('#item-search').setAttribute('aria-expanded', String(value.length > 0));
  $('#item-search-note').textContent = value.length ? `${value.length}件（${date}時点、近い順）。↓で選んで Enter で追加` : `該当なし（${date}時点）`;
  // Nothing is pre-selected: Enter adds only what the user chose.
  setActive(-1);
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
    // Date B's insurance facts when they differ (a patient turning 75 between the dates).
    insuranceB: $('#v-insurance-b').value,
    incomeCategoryB: $('#v-income-b').value,
    mynumber: $('#v-mynumber').checked,
    visit: $('#v-visit').value,
    standards,
    items,
  };
}

const yen = (n) => `${Number(n).toLocaleString('ja-JP')}円`;

/** Messages about a facility setting get a link to it (by their catalog id). */
const SETTING_OF = {
  'tier.no_tier': ['#f-record2026', '施設情報の設定へ'],
  'tier.requires': ['#f-record2026', '施設情報の設定へ'],
  'addons.not_filed': ['#v-standards input', '施設基準の届出へ'],
  'lines.standard_not_filed': ['#v-standards input', '施設基準の届出へ'],
  'copay.rate.must_be_kouki': ['#v-insurance-b', '受診日 B の保険へ'],
  'copay.rate.kouki_too_young': ['#v-insurance', '保険の種類へ'],
};
function settingLink(id) {
  const s = id && SETTING_OF[id];
  if (!s) return null;
  return el('button', { type: 'button', class: 'link', text: s[1], onclick: () => { const t = $(s[0]); t?.scrollIntoView({ block: 'center' }); t?.focus(); } });
}

function renderVisit(date, text, v, claim) {
  const art = el('article', { 'data-date': date, 'aria-label': `受診日 ${date} の結果` });
  art.append(el('h3', { text: `受診日 ${date}` }));
  if (isError(v)) {
    art.append(el('div', { class: 'error', role: 'alert', text: errorText(v) }));
    art.append(el('details', {}, el('summary', { text: '入力のJSON' }), el('pre', { class: 'json claim-json', text: claim })));
    return art;
  }
  const tbody = el('tbody', {}, v.lines.map((l) => el('tr', {},
    el('td', { 'data-label': 'コード', text: l.code ?? '（コードなし）' }),
    el('td', { 'data-label': '名称' }, l.name, l.verified ? null : el('span', { class: 'unverified', text: ' ※公式マスター未確認' })),
    el('td', { class: 'num', 'data-label': '点数', text: String(l.points) }),
    el('td', { class: 'num', 'data-label': '回数', text: String(l.count) }),
    el('td', { class: 'num', 'data-label': '小計', text: String(l.subtotal) }),
    el('td', { class: l.origin === 'auto' ? 'auto' : '', 'data-label': '由来', text: l.origin === 'auto' ? '自動' : '入力' }),
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
  if (v.errors.length) {
    art.children[0].after(el('div', { class: 'error errs-box', role: 'alert' },
      el('strong', { text: 'この請求は算定できません（点数・負担額は参考）' }),
      el('ul', { class: 'errs', 'aria-label': '算定エラー' }, v.errors.map((e, i) => el('li', {}, e, settingLink(v.error_ids?.[i]))))));
    totals.classList.add('invalid');
  }
  if (v.warnings.length) art.append(el('ul', { class: 'warn', 'aria-label': '注意' }, v.warnings.map((w, i) => el('li', {}, w, settingLink(v.warning_ids?.[i])))));
  art.append(el('details', {}, el('summary', { text: '結果のJSON（CLI と同じ）' }), el('pre', { class: 'json result-json', text })));
  art.append(el('details', {}, el('summary', { text: '入力のJSON（santei calc にそのまま渡せます）' }), el('pre', { class: 'json claim-json', text: claim })));
  return art;
}

/** Date B's visit values: its own insurance facts when chosen. */
function valuesFor(v, which) {
  if (which === 1 && v.insuranceB) return { ...v, insurance: v.insuranceB === 'none' ? '' : v.insuranceB, incomeCategory: v.incomeCategoryB || v.incomeCategory };
  return v;
}

function updateAgeHint() {
  const day = turns75Between($('#v-birth').value, $('#v-date-a').value, $('#v-date-b').value);
  const hint = $('#v-age-hint');
  if (day && $('#v-insurance-b').value !== 'kouki') {
    hint.hidden = false;
    hint.textContent = `患者は ${day} に75歳になり、その日から後期高齢者医療の対象です。受診日 B の保険を「後期高齢者医療」にしてください。`;
  } else {
    hint.hidden = true;
  }
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
  save();
  updateAgeHint();
  $('#visit-run').disabled = true;
  const claims = dates.map((d, i) => JSON.stringify(buildClaim(d, p.profile, valuesFor(v, i)), null, 2));
  const results = await Promise.all(claims.map((c) => engine.call('calc', ['visit.json', c])));
  const [lo, hi] = dates[0] <= dates[1] ? dates : [dates[1], dates[0]];
  const diff = await engine.call('diff', [lo, hi]);
  $('#visit-run').disabled = false;
  $('#visit-result').replaceChildren(...results.map((r, i) => renderVisit(dates[i], r.text, r.value, claims[i])));
  const [a, b] = results.map((r) => r.value);
  const cmp = $('#visit-compare');
  if (!isError(a) && !isError(b)) {
    const dp = Number(b.total_points) - Number(a.total_points);
    const sign = (n) => (n > 0 ? `+${n}` : String(n));
    let text = `受診日 B − 受診日 A: 合計点数 ${sign(dp)}点`;
    if (a.copay && b.copay) text += `、患者負担 ${sign(b.copay.patient_pays - a.copay.patient_pays)}円`;
    $('#visit-diff').textContent = text;
    cmp.replaceChildren(renderCompare(dates, a, b, isError(diff.value) ? [] : diff.value));
  } else {
    $('#visit-diff').textContent = '';
    cmp.replaceChildren();
  }
}

/** Why a line differs between the dates, in words. */
function changeReason(row, b, dates) {
  const m = row.master;
  if (row.change === 'removed') {
    if (m && m.change === 'abolished') {
      return `${m.valid_to ? `${m.valid_to} まで（翌日に廃止）` : '廃止'}`;
    }
    const w = (b.warnings || []).find((x) => (row.code && x.includes(row.code)) || x.includes(row.name));
    return w || `受診日 B（${dates[1]}）では算定されません`;
  }
  if (row.change === 'added') {
    if (m && m.change === 'added') return `${m.valid_from} に新設`;
    return row.b.origin === 'auto' ? '受診日 B で自動で加算（施設基準・区分による）' : '入力した行';
  }
  if (row.change === 'changed') {
    const parts = [];
    if (String(row.a.points) !== String(row.b.points)) parts.push(`点数 ${row.a.points} → ${row.b.points}`);
    if (row.a.count !== row.b.count) parts.push(`回数 ${row.a.count} → ${row.b.count}`);
    if (m && m.change === 'changed') parts.push('（点数表の改定）');
    return parts.join('、');
  }
  return '';
}

const CHANGE_LABEL = { same: '同じ', added: '追加', removed: '削除', changed: '変更' };

/** Date A and date B line by line: added / removed / changed with the reason, and the totals. */
function renderCompare(dates, a, b, diff) {
  const rows = compareLines(a.lines, b.lines, diff);
  const cell = (l) => (l ? `${l.points}点 × ${l.count}` : '—');
  const tbody = el('tbody', {}, rows.map((r) => el('tr', { class: `ch-${r.change}`, 'data-code': r.code ?? '' },
    el('td', { 'data-label': 'コード', text: r.code ?? '（コードなし）' }),
    el('td', { 'data-label': '名称', text: r.name }),
    el('td', { class: 'num', 'data-label': `A ${dates[0]}`, text: cell(r.a) }),
    el('td', { class: 'num', 'data-label': `B ${dates[1]}`, text: cell(r.b) }),
    el('td', { class: 'change', 'data-label': '変化', text: CHANGE_LABEL[r.change] }),
    el('td', { class: 'reason', 'data-label': '理由', text: changeReason(r, b, dates) }),
  )));
  const pays = (v) => (v.copay ? yen(v.copay.patient_pays) : '—');
  const tfoot = el('tfoot', {},
    el('tr', {}, el('th', { colspan: 2, scope: 'row', text: '合計点数' }),
      el('td', { class: 'num', 'data-label': 'A', text: `${a.total_points}点` }),
      el('td', { class: 'num', 'data-label': 'B', text: `${b.total_points}点` }),
      el('td', { colspan: 2, 'data-label': '差', text: `${Number(b.total_points) - Number(a.total_points) >= 0 ? '+' : ''}${Number(b.total_points) - Number(a.total_points)}点` })),
    el('tr', {}, el('th', { colspan: 2, scope: 'row', text: '患者負担' }),
      el('td', { class: 'num', 'data-label': 'A', text: pays(a) }),
      el('td', { class: 'num', 'data-label': 'B', text: pays(b) }),
      el('td', { colspan: 2, 'data-label': '差', text: a.copay && b.copay ? `${b.copay.patient_pays - a.copay.patient_pays >= 0 ? '+' : ''}${b.copay.patient_pays - a.copay.patient_pays}円` : '' })));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'compare cards' },
    el('caption', { text: `行ごとの比較（受診日 A ${dates[0]} → 受診日 B ${dates[1]}）` }),
    el('thead', {}, el('tr', {}, ['コード', '名称', `A ${dates[0]}`, `B ${dates[1]}`, '変化', '理由'].map((h) => el('th', { scope: 'col', text: h })))),
    tbody, tfoot));
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
  try { localStorage.setItem(STORE_FILES, JSON.stringify(files.map((f) => f.name))); } catch (_) { /* storage off */ }
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
  try { localStorage.removeItem(STORE_FILES); } catch (_) { /* storage off */ }
  setStatus(`計算エンジン準備完了 — ${describeData(value)}`, true);
  if ($('#visit-result').children.length) runVisit();
}

// ---------------------------------------------------------------- kept in the browser

const STORE = 'santei.page.v1';
const STORE_SCENARIOS = 'santei.scenarios.v1';
const STORE_FILES = 'santei.officialFiles.v1';
const KEPT = ['f-kind', 'f-erx', 'f-sharing', 'f-record2026', 'f-pediatric', 'f-under6', 'f-from', 'f-to',
  'v-birth', 'v-insurance', 'v-income', 'v-insurance-b', 'v-income-b', 'v-mynumber', 'v-visit', 'v-date-a', 'v-date-b'];

/** The page's inputs as a scenario (facility, rates, filings, visit). */
function snapshot() {
  const form = {};
  for (const id of KEPT) {
    const e = document.getElementById(id);
    if (e) form[id] = e.type === 'checkbox' ? e.checked : e.value;
  }
  const standards = [...document.querySelectorAll('#v-standards [data-code]')].map((c) => ({
    code: c.dataset.code,
    on: c.checked,
    tier: document.querySelector(`[data-tier="${c.dataset.code}"]`)?.value ?? '',
    from: document.querySelector(`[data-from="${c.dataset.code}"]`)?.value ?? '',
  }));
  const usage = [...$('#usage-table tbody').children].map((tr) => ({
    month: tr.querySelector('.u-month').value, receipt_based: tr.querySelector('.u-receipt').value, online_based: tr.querySelector('.u-online').value,
  }));
  return { santei_scenario: 1, saved_at: new Date().toISOString(), form, standards, usage, items: items.map((it) => ({ ...it })) };
}

function applySnapshot(v) {
  for (const [id, val] of Object.entries(v.form || {})) {
    const e = document.getElementById(id);
    if (!e || !KEPT.includes(id)) continue;
    if (e.type === 'checkbox') e.checked = Boolean(val);
    else e.value = String(val ?? '');
  }
  for (const st of v.standards || []) {
    const c = document.querySelector(`#v-standards [data-code="${CSS.escape(String(st.code))}"]`);
    if (!c) continue;
    c.checked = Boolean(st.on);
    const t = document.querySelector(`[data-tier="${CSS.escape(String(st.code))}"]`);
    if (t) t.value = st.tier ?? '';
    const f = document.querySelector(`[data-from="${CSS.escape(String(st.code))}"]`);
    if (f) f.value = st.from ?? '';
  }
  if (Array.isArray(v.usage)) {
    $('#usage-table tbody').replaceChildren();
    for (const u of v.usage) usageRow(String(u.month ?? ''), String(u.receipt_based ?? ''), String(u.online_based ?? ''));
  }
  if (Array.isArray(v.items)) {
    items.splice(0, items.length, ...v.items.filter((it) => /^\d{9}$/.test(String(it.code)))
      .map((it) => ({ code: String(it.code), name: String(it.name ?? it.code), count: Math.max(1, Number(it.count) || 1) })));
    renderItems();
  }
  updateVisitKind();
  updateAgeHint();
}

let saveTimer;
/** Keep the page's inputs (a reload restores them). */
function save() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    try { localStorage.setItem(STORE, JSON.stringify(snapshot())); } catch (_) { /* storage off: nothing kept */ }
  }, 200);
}

function restore() {
  let v = null;
  try { v = JSON.parse(localStorage.getItem(STORE) || 'null'); } catch (_) { v = null; }
  if (v && v.santei_scenario === 1) {
    applySnapshot(v);
    $('#keep-status').textContent = `前回の入力を復元しました（${new Date(v.saved_at).toLocaleString('ja-JP')} 保存）`;
  }
  let files = [];
  try { files = JSON.parse(localStorage.getItem(STORE_FILES) || '[]'); } catch (_) { files = []; }
  if (Array.isArray(files) && files.length) {
    const box = $('#master-reload');
    box.hidden = false;
    box.textContent = `前回は公式ファイル ${files.length}件（${files.slice(0, 3).join('、')}${files.length > 3 ? ' など' : ''}）で計算していました。ファイルはブラウザに保存しないため、もう一度選んで読み込んでください。今は既定データで計算しています。`;
  }
  return Boolean(v);
}

function scenarios() {
  try { return JSON.parse(localStorage.getItem(STORE_SCENARIOS) || '{}') || {}; } catch (_) { return {}; }
}

function renderScenarios() {
  const list = scenarios();
  const sel = $('#scenario-list');
  sel.replaceChildren(el('option', { value: '', text: list && Object.keys(list).length ? '保存したシナリオを選ぶ' : '保存したシナリオはありません' }),
    ...Object.keys(list).sort().map((name) => el('option', { value: name, text: name })));
}

function saveScenario() {
  const name = $('#scenario-name').value.trim() || `シナリオ ${new Date().toLocaleString('ja-JP')}`;
  const list = scenarios();
  list[name] = snapshot();
  try {
    localStorage.setItem(STORE_SCENARIOS, JSON.stringify(list));
    $('#keep-status').textContent = `「${name}」を保存しました`;
  } catch (_) {
    $('#keep-status').textContent = 'このブラウザでは保存できません（書き出しを使ってください）';
  }
  renderScenarios();
}

function loadScenario() {
  const name = $('#scenario-list').value;
  const v = scenarios()[name];
  if (!v) return;
  applySnapshot(v);
  save();
  $('#keep-status').textContent = `「${name}」を読み込みました`;
  runTier();
}

function deleteScenario() {
  const name = $('#scenario-list').value;
  const list = scenarios();
  if (!name || !list[name]) return;
  delete list[name];
  try { localStorage.setItem(STORE_SCENARIOS, JSON.stringify(list)); } catch (_) { /* storage off */ }
  $('#keep-status').textContent = `「${name}」を削除しました`;
  renderScenarios();
}

function exportScenario() {
  const blob = new Blob([JSON.stringify(snapshot(), null, 2)], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: `santei-scenario-${new Date().toISOString().slice(0, 10)}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  $('#keep-status').textContent = 'シナリオをファイルに書き出しました';
}

async function importScenario() {
  const f = $('#scenario-file').files[0];
  if (!f) return;
  const r = readScenario(await f.text());
  if (r.error) {
    showError($('#keep-error'), `読み込めませんでした: ${r.error}`);
    return;
  }
  clearError($('#keep-error'));
  applySnapshot(r.scenario);
  save();
  $('#keep-status').textContent = `${f.name} を読み込みました`;
  runTier();
}

// ---------------------------------------------------------------- wiring

function init() {
  for (const [m, r] of EXAMPLE_USAGE) usageRow(m, r, '');
  renderItems();
  restore();
  renderScenarios();
  for (const f of ['#facility-form', '#visit-form']) {
    $(f).addEventListener('change', save);
    $(f).addEventListener('input', save);
  }
  for (const id of ['#v-birth', '#v-date-a', '#v-date-b', '#v-insurance-b']) $(id).addEventListener('change', updateAgeHint);
  $('#scenario-save').addEventListener('click', saveScenario);
  $('#scenario-load').addEventListener('click', loadScenario);
  $('#scenario-delete').addEventListener('click', deleteScenario);
  $('#scenario-export').addEventListener('click', exportScenario);
  $('#scenario-file').addEventListener('change', importScenario);
  $('#print').addEventListener('click', () => window.print());
  let resizeTimer;
  window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(() => lastTier.length && renderChart(lastTier), 150); });
  $('#usage-add').addEventListener('click', () => usageRow().querySelector('input').focus());
  $('#usage-clear').addEventListener('click', () => { $('#usage-table tbody').replaceChildren(); usageRow(); save(); });
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
      else if (searchResults.length) $('#item-search-note').textContent = '↓で項目を選んでから Enter を押してください（まだ何も追加していません）';
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
