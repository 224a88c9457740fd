// The engine's Web Worker: the page never runs the engine on its own thread, so it never
// freezes. Messages in: {id, fn, args}; out: {id, ok: true, text} where `text` is the engine's
// JSON string as returned (byte-identical to the CLI's output; an error is a value
// {"error": {"kind", "message"}} in it), or {id, ok: false, text} when the call itself failed.
//
// A trap (an engine panic: a bug, never expected) comes back as an error value too; the worker
// then announces {fatal: true} and closes, and the page starts a fresh one.

// Two modules (wasm/build-page): pkg/ has every feature but those that start from a file the
// user drops (official master files, UKE audit); pkg-full/ has those too and is fetched only
// when such a file is given. From then on every call goes to it (one engine in use).
import init, * as lite from './pkg/santei_wasm.js';

let santei = lite;
let full = null;
function loadFull() {
  if (!full) {
    full = import('./pkg-full/santei_wasm.js').then(async (m) => {
      await m.default({ module_or_path: new URL('./pkg-full/santei_wasm_bg.wasm', import.meta.url) });
      m.set_lang(santei.set_lang(''));
      santei = m;
      return m;
    });
  }
  return full;
}

// santei's default data (the tier rules and the message catalog too) is not in pkg/'s .wasm
// (it would make the first download larger): pkg/santei-data.txt is fetched at the same time
// as the module compiles and handed over before the first call (`setLang` does not wait for
// it). A failed fetch is said in Japanese by every call that needs the data, and the next call
// fetches again.
const DATA_FILE = 'pkg/santei-data.txt';
function fetchData() {
  return fetch(new URL('./pkg/santei-data.txt', import.meta.url)).then(
    (r) => {
      if (!r.ok) throw new Error(`santei の既定データ（${DATA_FILE}）を取得できませんでした（HTTP ${r.status}）。ページを再読み込みしてください。`);
      return r.text();
    },
    (e) => {
      console.error(e);
      throw new Error(`santei の既定データ（${DATA_FILE}）を取得できませんでした（通信エラー）。ページを再読み込みしてください。`);
    });
}
let dataText = fetchData();
dataText.catch(() => {}); // reported by the first call that needs it
let dataSet = null;
function setData() {
  if (!dataSet) {
    dataSet = Promise.all([ready, dataText]).then(([, text]) => {
      const err = lite.set_data(text);
      if (err) {
        console.error(err);
        throw new Error(`santei の既定データ（${DATA_FILE}）の形式が正しくありません。ページを再読み込みしてください。`);
      }
    });
    dataSet.catch(() => {
      dataSet = null;
      dataText = fetchData();
      dataText.catch(() => {});
    });
  }
  return dataSet;
}
const noDataWait = new Set(['setLang', 'debugPanic']);

let initError = null;
const ready = init({ module_or_path: new URL('./pkg/santei_wasm_bg.wasm', import.meta.url) })
  .then(() => {
    // The page is for clinic staff: every text of the engine in Japanese (the CLI's
    // `--lang ja`; the JSON's keys, ids and numbers are the same in both languages).
    santei.set_lang('ja');
    // The engine's data loads on the first call that needs it (`tier` does not: the page's
    // first result comes before the fee schedule is parsed).
    self.postMessage({ ready: true, text: '{}' });
  })
  .catch((e) => {
    initError = errorJson('internal', `WebAssembly を読み込めません: ${e}`);
    self.postMessage({ ready: false, text: initError });
  });

function errorJson(kind, message) {
  return JSON.stringify({ error: { kind, message } }, null, 2);
}

const calls = {
  versions: () => santei.versions(),
  loadEmbedded: () => santei.load_embedded(),
  // files: [{name, bytes: ArrayBuffer}]
  loadOfficial: (files) => {
    santei.official_clear();
    for (const f of files) santei.official_add(f.name, new Uint8Array(f.bytes));
    return santei.official_load();
  },
  calc: (name, text) => santei.calc(name, text),
  copay: (name, text) => santei.copay(name, text),
  tier: (name, text, from, to) => santei.tier(name, text, from, to),
  diff: (from, to) => santei.diff(from, to),
  masterShow: (code, date) => santei.master_show(code, date),
  search: (query, date, limit) => santei.search(query, date, limit),
  // bytes: ArrayBuffer of a UKE file; options: '' or the JSON of santei uke audit --options.
  ukeAudit: (bytes, options) => santei.uke_audit(new Uint8Array(bytes), options || ''),
  setLang: (lang) => santei.set_lang(lang),
  // Tests only: a panic inside the engine (see wasm/tests/browser.test.mjs).
  debugPanic: () => santei.debug_panic(),
};

// The calls that need pkg-full/.
const needsFull = new Set(['loadOfficial', 'ukeAudit']);

self.onmessage = async (ev) => {
  const { id, fn, args } = ev.data;
  await ready;
  if (initError) {
    self.postMessage({ id, ok: false, text: initError });
    return;
  }
  if (!full && !noDataWait.has(fn) && !needsFull.has(fn)) {
    try {
      await setData();
    } catch (e) {
      self.postMessage({ id, ok: true, text: errorJson('data', e.message || `santei の既定データ（${DATA_FILE}）を読み込めません。`) });
      return;
    }
  }
  if (needsFull.has(fn)) {
    try {
      await loadFull();
    } catch (e) {
      full = null;
      self.postMessage({ id, ok: true, text: errorJson('internal', `WebAssembly（ファイル読込用）を読み込めません: ${e}`) });
      return;
    }
  }
  const f = calls[fn];
  if (!f) {
    self.postMessage({ id, ok: false, text: errorJson('internal', `unknown call ${fn}`) });
    return;
  }
  let text;
  try {
    text = f(...(args || []));
  } catch (e) {
    let panic = '';
    try { panic = santei.last_panic(); } catch (_) { /* the instance is gone */ }
    text = panic || errorJson('internal', `the engine stopped: ${e}`);
    self.postMessage({ id, ok: false, text, fatal: true });
    self.close();
    return;
  }
  self.postMessage({ id, ok: true, text });
};
