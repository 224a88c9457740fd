// What the Chromium tests share (browser.test.mjs, uke-ja.test.mjs, data-fetch.test.mjs): the
// page served by `santei serve`, Debian's Chromium driven by playwright-core (no browser
// download), the `santei` binary for the expected results, and the check that staff read no
// English sentence. Not a test file itself (node --test runs only `*.test.mjs` here).
//
// Needs: wasm/build-page, the binary (SANTEI_BIN, default target/debug/santei), Chromium
// (CHROMIUM, default /usr/bin/chromium) and `npm ci --prefix wasm`.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const santei = process.env.SANTEI_BIN || path.join(root, 'target/debug/santei');
/** Screenshots kept as test artifacts (ignored by git). */
export const artifacts = path.join(root, 'wasm/tests/artifacts');
/** An English sentence: three or more ASCII words in a row (codes and numbers are not words). */
export const english = /\b[A-Za-z][A-Za-z'’-]*[ \t]+[A-Za-z][A-Za-z'’-]*[ \t]+[A-Za-z][A-Za-z'’-]*\b/;

/** Run the `santei` binary (from the checkout's root); its status, stdout and stderr. */
export function cli(args) {
  const r = spawnSync(santei, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

/** `santei serve DIR` on a free port: {server, base} once it prints its address. */
async function serve(dir) {
  const server = spawn(santei, ['serve', dir, '--port', '0', '--no-access-log'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/[\d.]+:\d+\//);
      if (m) resolve(m[0]);
    });
    server.on('exit', (code) => reject(new Error(`santei serve exited (${code})`)));
    setTimeout(() => reject(new Error('santei serve did not start')), 10000);
  });
  return { server, base };
}

/**
 * The page folder (`dir`, default wasm/www) served and a fresh Chromium profile with one page
 * (locale ja-JP, 1280×900, `context` options added): {page, base, pageErrors, close()}.
 * `pageErrors` collects the page's uncaught errors.
 */
export async function openPage({ dir = path.join(root, 'wasm/www'), context = {} } = {}) {
  assert.ok(existsSync(path.join(root, 'wasm/www/pkg/santei_wasm_bg.wasm')), 'run wasm/build-page first');
  const { server, base } = await serve(dir);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (e) {
    server.kill();
    throw e;
  }
  // A fresh context: a new, empty profile.
  const ctx = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 900 }, ...context });
  const page = await ctx.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.setDefaultTimeout(30000);
  return {
    page,
    base,
    pageErrors,
    async close() {
      await browser.close();
      server.kill();
    },
  };
}
