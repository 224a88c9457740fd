// The page's UKE audit in Japanese (issue 22/23): a UKE file picked, and another dropped, on the
// page served by `santei serve` (Debian's Chromium driven by playwright-core, as
// browser.test.mjs) give a table of findings whose visible text holds no English sentence
// (three or more ASCII words in a row; codes and numbers are not words), at 1280 and 375 px,
// and whose messages are exactly those of `santei uke audit --lang ja` on the same file.
// Files: the receiptisan sample (2021-10: cannot-check findings) and the same receipts moved
// to 2024-10 by `santei uke read` → `santei uke write` (point differences, 算定もれ candidates,
// 算定回数, base items …).
//
// Needs: wasm/build-page, the binary (SANTEI_BIN, default target/debug/santei), Chromium
// (CHROMIUM, default /usr/bin/chromium), `npm ci --prefix wasm`, and ../shared beside the checkout.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root, artifacts, english, cli, openPage } from './page-browser.mjs';

const sample = path.resolve(root, '../shared/oracles/receiptisan-uke/input/RECEIPTC_GAIRAI_SAMPLE.UKE');
const work = mkdtempSync(path.join(tmpdir(), 'santei-uke-ja-'));

let opened;
let page;
let base;
let pageErrors;

/** The sample's receipts moved to 2024-10 (santei uke read → edit → santei uke write). */
function movedFile() {
  const read = cli(['uke', 'read', sample]);
  assert.equal(read.status, 0, read.stderr);
  const jsonl = path.join(work, 'moved.jsonl');
  writeFileSync(jsonl, read.stdout
    .replaceAll('"service_month":"2021-10"', '"service_month":"2024-10"')
    .replaceAll('"billing_month":"2021-11"', '"billing_month":"2024-11"'));
  const out = path.join(work, 'MOVED.UKE');
  const w = cli(['uke', 'write', jsonl, '--output', out]);
  assert.equal(w.status, 0, w.stderr);
  return out;
}

/** The messages of `santei uke audit --lang ja` on a file, in order. */
function cliMessages(file) {
  const r = cli(['uke', 'audit', file, '--lang', 'ja']);
  const out = [];
  for (const l of r.stdout.split('\n')) {
    if (!l) continue;
    const v = JSON.parse(l);
    for (const f of v.findings || []) out.push(f.message);
  }
  return out;
}

/** The visible lines of the audit section that have an English sentence. */
async function englishLines() {
  const text = await page.innerText('#uke-audit');
  return text.split('\n').filter((line) => english.test(line));
}

async function shot(name) {
  mkdirSync(artifacts, { recursive: true });
  await page.locator('#uke-audit').screenshot({ path: path.join(artifacts, `${name}.png`) });
}

async function check(name, file) {
  await page.waitForSelector('#uke-result table.findings tbody tr', { timeout: 60000 });
  const rows = await page.$$eval('#uke-result table.findings tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  const want = cliMessages(file);
  assert.equal(rows.length, want.length, 'one row per finding');
  assert.deepEqual(rows.map((r) => r[5]), want, 'the messages of santei uke audit --lang ja');
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    assert.deepEqual(await englishLines(), [], `${name} at ${width} px: English in the audit`);
    await shot(`uke-ja-${name}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

before(async () => {
  assert.ok(existsSync(sample), `${sample} is missing`);
  opened = await openPage();
  ({ page, base, pageErrors } = opened);
});

after(async () => {
  await opened?.close();
  rmSync(work, { recursive: true, force: true });
});

test('a UKE file picked: the audit table in Japanese, as santei uke audit --lang ja', async () => {
  await page.goto(base);
  await page.waitForSelector('#tier-table tbody tr[data-month="2026-12"]');
  await page.setInputFiles('#uke-file', sample);
  await check('sample', sample);
  assert.deepEqual(pageErrors, [], 'no uncaught errors on the page');
});

test('a UKE file dropped (2024-10: differences, 算定もれ, rules): the table in Japanese', async () => {
  const moved = movedFile();
  const b64 = readFileSync(moved).toString('base64');
  const dt = await page.evaluateHandle((data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const t = new DataTransfer();
    t.items.add(new File([bytes], 'MOVED.UKE'));
    return t;
  }, b64);
  await page.evaluate(() => document.querySelector('#uke-result').replaceChildren());
  await page.dispatchEvent('#uke-drop', 'drop', { dataTransfer: dt });
  await check('moved', moved);
  // The kinds an auditor meets, named in Japanese.
  const kinds = new Set(await page.$$eval('#uke-result table.findings tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent)));
  for (const k of ['点数の相違', '算定もれ候補', '確認できない']) assert.ok(kinds.has(k), `${k} in ${[...kinds]}`);
  assert.deepEqual(pageErrors, [], 'no uncaught errors on the page');
});
