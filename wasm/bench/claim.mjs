// The WebAssembly engine per claim, under Node: one typical outpatient claim (the claim of
// calc/benches/engine.rs, 9 lines with the DX add-ons) through the wasm `calc` — parse the
// claim JSON, compute, render the result JSON, and cross the JS boundary both ways — warm,
// many iterations. Compare with `cargo bench -p santei-calc --bench engine`, benchmark
// "parse + calc + render JSON" (the same work natively).
//
//   wasm/build-page && node wasm/bench/claim.mjs [ITERATIONS]
//
// Data: the official files in ../shared (masters/ika and tensuhyo/ika, as the native bench),
// or the embedded data when they are missing. Loads the very .wasm the page uses.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// SANTEI_PKG: another wasm-bindgen output folder to measure (default: the page's).
const pkg = path.resolve(process.env.SANTEI_PKG || path.join(root, 'wasm/www/pkg-full'));
const mod = await import(path.join(pkg, 'santei_wasm.js'));
const { initSync, calc, official_add, official_clear, official_load, versions } = mod;
const shared = process.env.SANTEI_SHARED || path.resolve(root, '../shared');
const iterations = Number(process.argv[2] || 20000);

const CLAIM = `{"date": "2025-04-10", "kind": "ika", "setting": "outpatient",
 "patient": {"birth_date": "1990-05-01", "mynumber_card": true},
 "facility": {"kind": "clinic", "standards": [{"code": "4035", "tier": 1, "from": "2025-04-01"}],
              "e_prescription_since": "2025-01-15"},
 "items": [{"code": "111000110"}, {"code": "111000570"}, {"code": "113001810"}, {"code": "120002910"},
           {"code": "120004270"}, {"code": "120005710"}, {"code": "112011010"}],
 "history": [{"date": "2025-03-10", "code": "111703870"}, {"date": "2025-01-10", "code": "112708970"},
             {"date": "2025-02-10", "code": "113001810"}, {"date": "2025-03-10", "code": "113001810"}]}`;

const wasmFile = path.join(pkg, 'santei_wasm_bg.wasm');
initSync({ module: readFileSync(wasmFile) });
// The page's first module (SANTEI_PKG=wasm/www/pkg) has its default data beside it.
if (mod.set_data) mod.set_data(readFileSync(path.join(pkg, 'santei-data.txt'), 'utf8'));

let data = 'embedded';
const dirs = [path.join(shared, 'masters/ika'), path.join(shared, 'tensuhyo/ika')];
if (dirs.every(existsSync)) {
  const t0 = performance.now();
  official_clear();
  for (const d of dirs) for (const f of readdirSync(d).sort()) official_add(f, readFileSync(path.join(d, f)));
  const v = JSON.parse(official_load());
  if (v.error) throw new Error(`loading the official files: ${v.error.message}`);
  data = `official files (${v.data.files.length}, loaded in ${Math.round(performance.now() - t0)} ms)`;
} else {
  versions();
}

const first = JSON.parse(calc('b.json', CLAIM));
if (first.error) throw new Error(first.error.message);
console.log(`bench claim: ${first.lines.length} lines, ${first.total_points} points, ${first.errors.length} errors; data: ${data}`);

for (let i = 0; i < Math.min(2000, iterations); i++) calc('b.json', CLAIM);
const batches = 5;
const per = [];
for (let b = 0; b < batches; b++) {
  const n = Math.ceil(iterations / batches);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) calc('b.json', CLAIM);
  per.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
}
per.sort((a, b) => a - b);
console.log(`wasm calc (parse + calc + render JSON) per claim: median ${per[2].toFixed(1)} µs, best ${per[0].toFixed(1)} µs, worst ${per[4].toFixed(1)} µs (${batches} batches, ${iterations} claims, ${path.relative(root, wasmFile)})`);

// The part of that which is not the engine: the result comes back as UTF-8 bytes in the wasm
// memory and the glue turns them into a JS string with TextDecoder (native code has no such
// step). Timed here on the very result bytes, the same way the glue does it.
const resultBytes = new TextEncoder().encode(calc('b.json', CLAIM));
const decoder = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true });
const dec = [];
for (let b = 0; b < batches; b++) {
  const n = Math.ceil(iterations / batches);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) decoder.decode(resultBytes.subarray(0));
  dec.push(Number(process.hrtime.bigint() - t0) / 1000 / n);
}
dec.sort((a, b) => a - b);
console.log(`of which the result's UTF-8 → JS string (TextDecoder, ${resultBytes.length} bytes, Node ${process.versions.node}): median ${dec[2].toFixed(1)} µs; the engine in wasm: about ${(per[2] - dec[2]).toFixed(1)} µs`);
