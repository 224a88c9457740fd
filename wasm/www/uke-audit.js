// The UKE audit section (issue 22): a RECEIPTC.UKE file picked or dropped is read and audited
// in the engine's worker (`uke_audit`, the JSON lines `santei uke audit` prints) and shown as a
// table of findings, receipt by receipt, with the summary. Self-contained: app.js only calls
// mountUkeAudit(engine, el).

const KIND = {
  points: '点数の相違', count: '回数の相違', total: '合計点数の相違', limit: '算定回数超過',
  exclusion: '背反', inclusion: '包括', base_item: '基本項目なし', facility_standard: '施設基準',
  time: '時間外・休日',
  rule: 'その他の規則', missed_addon: '算定もれ候補', cannot_check: '確認できない',
};

export function mountUkeAudit(engine, el) {
  const input = document.querySelector('#uke-file');
  const drop = document.querySelector('#uke-drop');
  const out = document.querySelector('#uke-result');
  if (!input || !drop || !out) return;

  async function audit(file) {
    out.replaceChildren(el('p', { class: 'status', text: `${file.name} を監査しています…` }));
    const bytes = await file.arrayBuffer();
    const { text } = await engine.call('ukeAudit', [bytes, ''], [bytes]);
    const lines = [];
    for (const l of text.split('\n')) {
      if (!l) continue;
      try { lines.push(JSON.parse(l)); } catch (_) { /* not a line of the audit */ }
    }
    const err = lines.find((v) => v.error && v.error.kind);
    if (err) {
      out.replaceChildren(el('p', { class: 'error', text: err.error.message }));
      return;
    }
    const summary = (lines.find((v) => v.summary) || {}).summary || {};
    const rows = [];
    for (const v of lines) {
      if (v.summary) continue;
      if (v.error) {
        rows.push(el('tr', {}, el('td', { text: `line ${v.line}` }), el('td', { text: '読めない記録' }),
          el('td', {}), el('td', {}), el('td', {}), el('td', { text: v.error })));
        continue;
      }
      for (const f of v.findings || []) {
        rows.push(el('tr', { class: f.kind === 'cannot_check' ? 'muted' : '' },
          el('td', { text: `${v.receipt.number}（${v.receipt.service_month}）` }),
          el('td', { text: KIND[f.kind] || f.kind }),
          el('td', { text: f.code || '' }),
          el('td', { class: 'num', text: f.kind === 'cannot_check' ? '' : String(f.points) }),
          el('td', { class: 'num', text: f.yen === null || f.yen === undefined ? '' : String(f.yen) }),
          el('td', { text: f.message })));
      }
    }
    out.replaceChildren(
      el('p', { class: 'status', text: `${summary.receipts ?? 0} 件: 一致 ${summary.matched ?? 0}・相違 ${summary.differing ?? 0}・確認できない部分あり ${summary.unchecked ?? 0}` }),
      el('table', { class: 'findings' },
        el('thead', {}, el('tr', {}, ['レセプト', '種類', 'コード', '点数', '円（給付割合）', '内容'].map((h) => el('th', { text: h })))),
        el('tbody', {}, rows)),
    );
  }

  input.addEventListener('change', () => { if (input.files[0]) audit(input.files[0]); });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const f = e.dataTransfer.files[0];
    if (f) audit(f);
  });
}
