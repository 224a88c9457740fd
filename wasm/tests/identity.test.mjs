// Every golden case through both front ends: the WebAssembly engine (the very .wasm and glue
// the page loads, wasm/www/pkg/ with its data pkg/santei-data.txt, run under Node) and the `santei` binary (`santei calc`,
// `santei copay [--local]`, `santei tier` on the case's input written to a file). The CLI's
// standard output must equal the wasm string plus the newline `println!` adds, byte for byte;
// when the CLI fails (exit 2) its message must be the wasm error value's message.
//
// Needs: wasm/build-page, and the binary (SANTEI_BIN, default target/debug/santei).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, calc, copay, copay_local, tier, set_data } from '../www/pkg/santei_wasm.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const santei = process.env.SANTEI_BIN || path.join(root, 'target/debug/santei');
initSync({ module: readFileSync(path.join(root, 'wasm/www/pkg/santei_wasm_bg.wasm')) });
// The page's first module has its default data beside it, as the worker hands it over.
assert.equal(set_data(readFileSync(path.join(root, 'wasm/www/pkg/santei-data.txt'), 'utf8')), '');

function cli(args) {
  const r = spawnSync(santei, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

test('every golden case: the wasm engine and the santei CLI give byte-identical JSON', () => {
  const listed = cli(['golden', 'inputs']);
  assert.equal(listed.status, 0, listed.stderr);
  const cases = listed.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(cases.length >= 150, `only ${cases.length} cases`);
  const dir = mkdtempSync(path.join(tmpdir(), 'santei-identity-'));
  const failures = [];
  const counts = { calc: 0, copay: 0, tier: 0, errors: 0 };
  try {
    for (const c of cases) {
      const file = path.join(dir, 'case.json');
      writeFileSync(file, c.input);
      let args;
      let wasm;
      if (c.kind === 'calc') {
        args = ['calc', file];
        wasm = calc(file, c.input);
      } else if (c.kind === 'copay') {
        args = ['copay', file];
        if (c.local) {
          const local = path.join(dir, 'local.json');
          writeFileSync(local, c.local);
          args.push('--local', local);
          wasm = copay_local(file, c.input, local, c.local);
        } else {
          wasm = copay(file, c.input);
        }
      } else {
        args = ['tier', file, '--from', c.from, '--to', c.to];
        wasm = tier(file, c.input, c.from, c.to);
      }
      counts[c.kind]++;
      const r = cli(args);
      if (r.status === 2) {
        counts.errors++;
        const v = JSON.parse(wasm);
        const want = `santei: error: ${v.error?.message}\n`;
        if (!v.error || r.stderr !== want) failures.push(`${c.file}: CLI failed with ${JSON.stringify(r.stderr)}, wasm gave ${wasm.slice(0, 300)}`);
      } else if (r.stdout !== `${wasm}\n`) {
        const a = r.stdout;
        const b = `${wasm}\n`;
        let i = 0;
        while (i < a.length && a[i] === b[i]) i++;
        failures.push(`${c.file}: outputs differ at byte ${i}: CLI …${JSON.stringify(a.slice(i, i + 80))} wasm …${JSON.stringify(b.slice(i, i + 80))}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`identity: ${cases.length} cases (calc ${counts.calc}, copay ${counts.copay}, tier ${counts.tier}; ${counts.errors} error results compared by message)`);
  assert.deepEqual(failures, []);
});
