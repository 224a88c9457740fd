// The page when its data cannot be fetched: the first module has santei's default data (the
// tier rules and the message catalog too) not in its .wasm but in pkg/santei-data.txt beside
// it. A copy of the page folder without that file is served: the tier table, the page's first
// result, says in Japanese that the data could not be fetched (HTTP 404) — no English sentence,
// no uncaught error — at 1280 and 375 px. A copy whose file is not a data bundle says that in
// Japanese too.
//
// Needs: wasm/build-page, the binary (SANTEI_BIN, default target/debug/santei), Chromium
// (CHROMIUM, default /usr/bin/chromium) and `npm ci --prefix wasm`.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root, artifacts, english, openPage } from './page-browser.mjs';

const work = mkdtempSync(path.join(tmpdir(), 'santei-data-fetch-'));

after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of wasm/www whose pkg/santei-data.txt is missing (`text` null) or is `text`. */
function pageCopy(name, text) {
  const dir = path.join(work, name);
  cpSync(path.join(root, 'wasm/www'), dir, { recursive: true });
  for (const ext of ['', '.gz', '.br']) rmSync(path.join(dir, `pkg/santei-data.txt${ext}`), { force: true });
  if (text !== null) writeFileSync(path.join(dir, 'pkg/santei-data.txt'), text);
  return dir;
}

async function tierError(name, dir, want) {
  const opened = await openPage({ dir });
  const { page, base, pageErrors } = opened;
  try {
    await page.goto(base);
    await page.waitForFunction(() => document.querySelector('#tier-error')?.textContent.trim());
    const message = (await page.textContent('#tier-error')).trim();
    assert.match(message, want);
    assert.equal(await page.$$eval('#tier-table tbody tr', (r) => r.length), 0, 'no tier rows without the data');
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(200);
      for (const sel of ['#tier-error', '#engine-status']) {
        for (const line of (await page.innerText(sel)).split('\n')) {
          assert.ok(!english.test(line), `${name} at ${width} px: English in ${sel}: ${line}`);
        }
      }
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: path.join(artifacts, `data-fetch-${name}-${width}.png`), fullPage: true });
    }
    assert.deepEqual(pageErrors, [], 'no uncaught errors on the page');
  } finally {
    await opened.close();
  }
}

test('pkg/santei-data.txt missing: the tier table says in Japanese that the data could not be fetched', async () => {
  await tierError('missing', pageCopy('missing', null),
    /^データのエラー: santei の既定データ（pkg\/santei-data\.txt）を取得できませんでした（HTTP 404）。ページを再読み込みしてください。$/);
});

test('pkg/santei-data.txt not a data bundle: said in Japanese', async () => {
  await tierError('broken', pageCopy('broken', '<html>not the data</html>'),
    /^データのエラー: santei の既定データ（pkg\/santei-data\.txt）の形式が正しくありません。ページを再読み込みしてください。$/);
});
