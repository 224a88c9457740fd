//! # santei-ffi — the C ABI of santei
//!
//! Job: give receipt computers (C, C#, Java, Delphi, VB, COBOL …) the santei engine behind a
//! small, stable C interface: build an engine from the embedded data or from directories of
//! official files, send it JSON text, get JSON text back. Every result is produced by
//! [`api`], the same functions the CLI prints, so answers are byte-identical across
//! front ends. The header `include/santei.h` is generated from this file by cbindgen
//! (`build.rs`); `docs/integration.md` is the guide.
//!
//! Invariants (the contract of [`SANTEI_ABI_VERSION`] 1):
//! - No panic crosses the boundary: every entry point runs inside `catch_unwind`; a caught
//!   panic is reported as [`SANTEI_ERR_INTERNAL`].
//! - Every entry point checks its pointer and length arguments and the UTF-8 of its text
//!   arguments; a bad argument is reported (NULL return, [`santei_last_status`],
//!   [`santei_last_error`]), never dereferenced.
//! - Ownership: a `char *` returned by santei belongs to the caller, who frees it with
//!   [`santei_string_free`] (never `free`); a `const char *` returned by santei
//!   ([`santei_last_error`], [`santei_library_version`]) belongs to santei. santei never
//!   keeps or frees a pointer the caller passed in.
//! - A `SanteiEngine` is immutable and may be shared by any number of threads; reloading data
//!   ([`santei_engine_reload_from_dirs`]) swaps the engine atomically (calls in flight finish
//!   on the data they started with).
//! - Errors: an argument or usage error returns NULL; a JSON document that cannot be computed
//!   (malformed JSON, an invalid field, data that cannot answer) returns the
//!   `{"error": {"kind", "message"}}` document (`schemas/v1/error.json`), exactly as the
//!   other front ends do. Either way [`santei_last_status`] and [`santei_last_error`] say what
//!   happened on this thread.

// The entry points take raw pointers from C and are not `unsafe fn`: they are called from C,
// where the pointer contract is the header's (checked for NULL and length here, and valid
// otherwise by the caller's contract); Rust callers are the tests.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use calc::Engine;
use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, RwLock};

/// The version of this C ABI. It changes only when a function's signature or meaning changes
/// incompatibly; functions may be added within a version.
pub const SANTEI_ABI_VERSION: u32 = 1;

/// Pass as `len` when the JSON text is NUL-terminated (santei then measures it). In the header
/// it is `((size_t)-1)` (cbindgen cannot write `usize::MAX`; `tests/header.rs` checks both).
pub const SANTEI_NUL_TERMINATED: usize = usize::MAX;

/// The last call on this thread succeeded.
pub const SANTEI_OK: i32 = 0;
/// The JSON input was refused (malformed JSON, an unknown or invalid field): the call returned
/// an `{"error": …}` document.
pub const SANTEI_ERR_INPUT: i32 = 1;
/// The data cannot answer (e.g. a code not valid on the date): the call returned an
/// `{"error": …}` document.
pub const SANTEI_ERR_DATA: i32 = 2;
/// A bad argument (NULL pointer, bad length, text that is not UTF-8): the call returned NULL.
pub const SANTEI_ERR_ARGUMENT: i32 = 3;
/// The engine could not be built (a data directory is missing or holds a bad file): NULL.
pub const SANTEI_ERR_LOAD: i32 = 4;
/// A bug in santei (a caught panic): the call returned NULL. Please report it with the input.
pub const SANTEI_ERR_INTERNAL: i32 = 5;

/// Largest JSON input accepted (64 MiB); a longer `len` is taken for a caller's mistake.
const MAX_INPUT: usize = 64 << 20;

/// An engine handle: santei's data and rules, immutable, shareable across threads.
pub struct SanteiEngine {
    current: RwLock<Arc<Engine>>,
}

// The handle is used from many threads at once.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SanteiEngine>();
    assert_send_sync::<Engine>();
};

impl SanteiEngine {
    fn new(engine: Engine) -> SanteiEngine {
        SanteiEngine {
            current: RwLock::new(Arc::new(engine)),
        }
    }

    /// The engine calls use now (a clone of the `Arc`: a reload does not wait for them).
    fn get(&self) -> Arc<Engine> {
        match self.current.read() {
            Ok(g) => Arc::clone(&g),
            Err(p) => Arc::clone(&p.into_inner()),
        }
    }

    /// Replace the engine by one made from the current one, under the write lock (two
    /// updates at once do not lose either).
    fn update(&self, f: impl FnOnce(&Engine) -> Result<Engine, Failure>) -> Result<(), Failure> {
        let mut g = match self.current.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let new = f(&g)?;
        *g = Arc::new(new);
        Ok(())
    }
}

// ───────────────────────────── errors (thread-local) ─────────────────────────────

struct LastError {
    status: i32,
    message: Option<CString>,
}

thread_local! {
    static LAST: RefCell<LastError> = const { RefCell::new(LastError { status: SANTEI_OK, message: None }) };
}

fn set_last(status: i32, message: Option<&str>) {
    let message = message
        .map(|m| CString::new(m.replace('\0', "\\0")).unwrap_or_else(|_| CString::from(c"error")));
    // `try_with`: during thread teardown the slot may be gone; nothing to report then.
    let _ = LAST.try_with(|l| {
        if let Ok(mut l) = l.try_borrow_mut() {
            l.status = status;
            l.message = message;
        }
    });
}

/// Why a call failed before reaching the engine.
struct Failure {
    status: i32,
    message: String,
}

fn argument(message: impl Into<String>) -> Failure {
    Failure {
        status: SANTEI_ERR_ARGUMENT,
        message: message.into(),
    }
}

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    let what = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    format!("internal error (please report it with the input): {what}")
}

/// Run `f` with the last error cleared, catching panics; a failure sets the last error and
/// gives `fallback`.
fn guard<T>(fallback: T, f: impl FnOnce() -> Result<T, Failure>) -> T {
    set_last(SANTEI_OK, None);
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            set_last(e.status, Some(&e.message));
            fallback
        }
        Err(p) => {
            set_last(SANTEI_ERR_INTERNAL, Some(&panic_message(&*p)));
            fallback
        }
    }
}

// ───────────────────────────── argument checks ─────────────────────────────

fn engine_ref<'a>(engine: *const SanteiEngine) -> Result<&'a SanteiEngine, Failure> {
    if engine.is_null() {
        return Err(argument("engine is NULL"));
    }
    // SAFETY: non-null, and by the contract a pointer santei returned and not yet freed.
    Ok(unsafe { &*engine })
}

/// The JSON text argument: `len` bytes at `ptr`, or up to the NUL when `len` is
/// [`SANTEI_NUL_TERMINATED`].
fn text_arg<'a>(what: &str, ptr: *const c_char, len: usize) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(argument(format!("{what} is NULL")));
    }
    let bytes: &[u8] = if len == SANTEI_NUL_TERMINATED {
        // SAFETY: non-null and NUL-terminated by the caller's statement (len).
        unsafe { CStr::from_ptr(ptr) }.to_bytes()
    } else {
        if len > MAX_INPUT {
            return Err(argument(format!(
                "{what}: length {len} is larger than {MAX_INPUT} bytes (pass the byte length of the text, or SANTEI_NUL_TERMINATED)"
            )));
        }
        // SAFETY: non-null, len ≤ 64 MiB (< isize::MAX); the caller guarantees `len` readable
        // bytes.
        unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }
    };
    if bytes.len() > MAX_INPUT {
        return Err(argument(format!(
            "{what}: {} bytes is larger than {MAX_INPUT} bytes",
            bytes.len()
        )));
    }
    std::str::from_utf8(bytes).map_err(|e| {
        argument(format!(
            "{what} is not valid UTF-8 (at byte {}); santei reads UTF-8 JSON",
            e.valid_up_to()
        ))
    })
}

/// A short NUL-terminated string argument (a date, a month, a code, a path).
fn cstr_arg<'a>(what: &str, ptr: *const c_char) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(argument(format!("{what} is NULL")));
    }
    // SAFETY: non-null and NUL-terminated by contract.
    unsafe { CStr::from_ptr(ptr) }.to_str().map_err(|e| {
        argument(format!(
            "{what} is not valid UTF-8 (at byte {})",
            e.valid_up_to()
        ))
    })
}

fn dirs_arg(dirs: *const *const c_char, n_dirs: usize) -> Result<Vec<std::path::PathBuf>, Failure> {
    if n_dirs == 0 {
        return Err(argument(
            "n_dirs is 0: give at least one directory of official files (or use santei_engine_new_embedded)",
        ));
    }
    if dirs.is_null() {
        return Err(argument("dirs is NULL"));
    }
    if n_dirs > 4096 {
        return Err(argument(format!(
            "n_dirs {n_dirs} is not a plausible count of directories"
        )));
    }
    // SAFETY: non-null; the caller guarantees `n_dirs` readable pointers.
    let list = unsafe { std::slice::from_raw_parts(dirs, n_dirs) };
    list.iter()
        .enumerate()
        .map(|(i, p)| cstr_arg(&format!("dirs[{i}]"), *p).map(std::path::PathBuf::from))
        .collect()
}

fn load_dirs(dirs: *const *const c_char, n_dirs: usize) -> Result<Engine, Failure> {
    engine_of(load_dataset(dirs, n_dirs)?)
}

fn load_dataset(dirs: *const *const c_char, n_dirs: usize) -> Result<masters::Dataset, Failure> {
    let paths = dirs_arg(dirs, n_dirs)?;
    let (ds, _notes) = masters::pack::load_official_dirs(&paths).map_err(|e| Failure {
        status: SANTEI_ERR_LOAD,
        message: format!("loading the official files: {e}"),
    })?;
    Ok(ds)
}

fn engine_of(ds: masters::Dataset) -> Result<Engine, Failure> {
    Engine::with_data(ds).map_err(|e| Failure {
        status: SANTEI_ERR_LOAD,
        message: format!("loading santei's rule files: {e}"),
    })
}

/// Hand a result to the caller: the JSON text, or the `{"error": …}` document (with the last
/// error set).
fn respond(r: Result<String, api::ApiError>) -> Result<*mut c_char, Failure> {
    let text = match r {
        Ok(s) => s,
        Err(e) => {
            let status = match e.kind {
                "data" => SANTEI_ERR_DATA,
                "internal" => SANTEI_ERR_INTERNAL,
                _ => SANTEI_ERR_INPUT,
            };
            let doc = into_c(e.to_json())?;
            set_last(status, Some(&e.message));
            return Ok(doc);
        }
    };
    into_c(text)
}

fn into_c(text: String) -> Result<*mut c_char, Failure> {
    CString::new(text)
        .map(CString::into_raw)
        .map_err(|_| Failure {
            status: SANTEI_ERR_INTERNAL,
            message: "internal error: a result contained a NUL byte".into(),
        })
}

/// Like [`guard`] for calls that return a document: the document's own error status survives.
fn guard_doc(f: impl FnOnce() -> Result<*mut c_char, Failure>) -> *mut c_char {
    set_last(SANTEI_OK, None);
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            set_last(e.status, Some(&e.message));
            std::ptr::null_mut()
        }
        Err(p) => {
            set_last(SANTEI_ERR_INTERNAL, Some(&panic_message(&*p)));
            std::ptr::null_mut()
        }
    }
}

// ───────────────────────────── the C ABI ─────────────────────────────

/// The ABI version this library implements ([`SANTEI_ABI_VERSION`]). Check it at start-up
/// against the header you compiled with.
#[no_mangle]
pub extern "C" fn santei_abi_version() -> u32 {
    SANTEI_ABI_VERSION
}

/// The library version ("0.1.0"), NUL-terminated, owned by santei (do not free).
#[no_mangle]
pub extern "C" fn santei_library_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// A new engine on santei's embedded data (the common outpatient items and the medical-DX
/// add-ons with their dated history). NULL on failure (see `santei_last_error`). Free it with
/// `santei_engine_free`.
#[no_mangle]
pub extern "C" fn santei_engine_new_embedded() -> *mut SanteiEngine {
    guard(std::ptr::null_mut(), || {
        let e = Engine::embedded().map_err(|e| Failure {
            status: SANTEI_ERR_LOAD,
            message: format!("loading santei's embedded data: {e}"),
        })?;
        Ok(Box::into_raw(Box::new(SanteiEngine::new(e))))
    })
}

/// A new engine on the official files in `n_dirs` directories (`dirs`: UTF-8 paths, each
/// NUL-terminated): the 医科診療行為マスター full file `s_ALL*.csv` and its update files
/// `s_YYYYMMDD.csv`, the 電子点数表 tables, `y_ALL*.csv`, `t_ALL*.csv` (one level of
/// sub-directories is searched too). santei's unverified 2026 entries are laid over the dates
/// the files do not reach, as the CLI's `--master` does. NULL on failure (status
/// `SANTEI_ERR_LOAD` or `SANTEI_ERR_ARGUMENT`). santei does not keep the strings.
#[no_mangle]
pub extern "C" fn santei_engine_new_from_dirs(
    dirs: *const *const c_char,
    n_dirs: usize,
) -> *mut SanteiEngine {
    guard(std::ptr::null_mut(), || {
        let e = load_dirs(dirs, n_dirs)?;
        Ok(Box::into_raw(Box::new(SanteiEngine::new(e))))
    })
}

/// Replace the data of a running engine with the official files in `dirs` (a fee revision:
/// put the new update file beside the others and reload). The new data is loaded first; only
/// when it loads is it swapped in, atomically: calls already running finish on the old data,
/// later calls see the new. On failure the engine keeps its data. Returns a status
/// (`SANTEI_OK` on success). Safe to call while other threads use the engine. A reload to data
/// older than the data in use (its newest 医科診療行為マスター file published earlier) succeeds
/// with a remark in `data.warnings` of `santei_version`, as do the loader's own remarks (a
/// full file that lacks codes still in force …).
#[no_mangle]
pub extern "C" fn santei_engine_reload_from_dirs(
    engine: *const SanteiEngine,
    dirs: *const *const c_char,
    n_dirs: usize,
) -> i32 {
    guard(SANTEI_ERR_INTERNAL, || {
        let h = engine_ref(engine)?;
        let mut ds = load_dataset(dirs, n_dirs)?;
        ds.note_reload_from(h.get().data().official_through);
        let e = engine_of(ds)?;
        // Local programmes and co-payment tables declared on the engine stay.
        h.update(|old| Ok(e.with_copay_tables(old.copay_tables().clone())))?;
        Ok(SANTEI_OK)
    });
    santei_last_status()
}

/// Declare local public-expense programmes (地方単独公費, 法別番号 80–99) on a running engine:
/// `len` bytes of a programme file in TOML (`[[programme]]` entries as in
/// `rules/data/copay/local-example.toml`: law, name, order, rate, per-visit or monthly cap, age
/// range, dates, source). Later `santei_copay` / `santei_calc` calls use them (swapped in
/// atomically, as a reload; a reload keeps them). `name` names the file in error messages
/// (NUL-terminated; NULL for "local.toml"). Returns a status; on failure the engine is
/// unchanged and `santei_last_error` says what is wrong (file, entry, field).
#[no_mangle]
pub extern "C" fn santei_engine_add_local_programmes(
    engine: *const SanteiEngine,
    name: *const c_char,
    toml: *const c_char,
    len: usize,
) -> i32 {
    add_tables(engine, name, toml, len, "local.toml", |t, n, text| {
        t.with_local_programmes(n, text)
    })
}

/// Add dated co-payment tables (the `rules/data/copay` TOML schema, e.g. a 高額療養費 table
/// confirmed after this release) to a running engine. Same conventions as
/// `santei_engine_add_local_programmes`.
#[no_mangle]
pub extern "C" fn santei_engine_add_copay_tables(
    engine: *const SanteiEngine,
    name: *const c_char,
    toml: *const c_char,
    len: usize,
) -> i32 {
    add_tables(engine, name, toml, len, "tables.toml", |t, n, text| {
        t.with_tables(n, text)
    })
}

fn add_tables<E: std::fmt::Display>(
    engine: *const SanteiEngine,
    name: *const c_char,
    toml: *const c_char,
    len: usize,
    default_name: &str,
    add: impl FnOnce(calc::copay::CopayTables, &str, &str) -> Result<calc::copay::CopayTables, E>,
) -> i32 {
    guard(SANTEI_ERR_INTERNAL, || {
        let h = engine_ref(engine)?;
        let name = if name.is_null() {
            default_name
        } else {
            cstr_arg("name", name)?
        };
        let text = text_arg("toml", toml, len)?;
        h.update(|old| {
            let tables = add(old.copay_tables().clone(), name, text).map_err(|e| Failure {
                status: SANTEI_ERR_INPUT,
                message: e.to_string(),
            })?;
            Ok(old.clone().with_copay_tables(tables))
        })?;
        Ok(SANTEI_OK)
    });
    santei_last_status()
}

/// Destroy an engine. NULL is ignored. No call may use the engine during or after this.
#[no_mangle]
pub extern "C" fn santei_engine_free(engine: *mut SanteiEngine) {
    guard((), || {
        if !engine.is_null() {
            // SAFETY: a pointer santei_engine_new_* returned, freed once (caller's contract).
            drop(unsafe { Box::from_raw(engine) });
        }
        Ok(())
    })
}

/// Compute one claim (`schemas/v1/claim.json`): `len` bytes of UTF-8 JSON at `json` (or
/// `SANTEI_NUL_TERMINATED`). Returns the result (`calc-output.json`) or an `{"error": …}`
/// document (`error.json`; status `SANTEI_ERR_INPUT` / `SANTEI_ERR_DATA`); NULL on a bad
/// argument. Free the result with `santei_string_free`.
#[no_mangle]
pub extern "C" fn santei_calc(
    engine: *const SanteiEngine,
    json: *const c_char,
    len: usize,
) -> *mut c_char {
    guard_doc(|| {
        let e = engine_ref(engine)?.get();
        let text = text_arg("json", json, len)?;
        respond(api::calc(&e, "claim.json", text))
    })
}

/// `santei_calc` with the texts in a language: `lang` is a NUL-terminated `"ja"` or `"en"`
/// (NULL: `"en"`, as `santei_calc`). Japanese is the message catalog's wording; the keys, the
/// message ids and the numbers are the same in both.
#[no_mangle]
pub extern "C" fn santei_calc_lang(
    engine: *const SanteiEngine,
    json: *const c_char,
    len: usize,
    lang: *const c_char,
) -> *mut c_char {
    guard_doc(|| {
        let e = engine_ref(engine)?.get();
        let text = text_arg("json", json, len)?;
        let lang = if lang.is_null() {
            api::Lang::En
        } else {
            let l = text_arg("lang", lang, SANTEI_NUL_TERMINATED)?;
            match l {
                "ja" => api::Lang::Ja,
                "en" => api::Lang::En,
                _ => {
                    return respond(Err(api::ApiError::input(format!(
                        "lang: {l:?} is not one of ja, en"
                    ))))
                }
            }
        };
        respond(
            api::calc_output_in(&e, "claim.json", text, lang)
                .map(|(_, json)| json)
                .map_err(|err| err.in_lang(lang)),
        )
    })
}

/// What the patient pays for one receipt (`receipt.json` → `copay-output.json`). Same
/// conventions as `santei_calc`.
#[no_mangle]
pub extern "C" fn santei_copay(
    engine: *const SanteiEngine,
    json: *const c_char,
    len: usize,
) -> *mut c_char {
    guard_doc(|| {
        let e = engine_ref(engine)?.get();
        let text = text_arg("json", json, len)?;
        respond(api::copay(&e, "receipt.json", text))
    })
}

/// The 医療DX add-on tier of a facility for each month from `from` to `to` ("YYYY-MM",
/// NUL-terminated; `to` may be NULL for one month) from a facility profile
/// (`facility-profile.json` → `tier-output.json`). Same conventions as `santei_calc`.
#[no_mangle]
pub extern "C" fn santei_tier(
    engine: *const SanteiEngine,
    json: *const c_char,
    len: usize,
    from: *const c_char,
    to: *const c_char,
) -> *mut c_char {
    guard_doc(|| {
        let e = engine_ref(engine)?.get();
        let text = text_arg("json", json, len)?;
        let from = cstr_arg("from", from)?;
        let to = if to.is_null() {
            from
        } else {
            cstr_arg("to", to)?
        };
        respond(api::tier(&e, "profile.json", text, from, to))
    })
}

/// Audit a UKE receipt file (`RECEIPTC.UKE`, CP932 as published): `len` bytes at `uke`
/// (binary: no NUL convention). `options` is NULL or NUL-terminated JSON
/// `{"facility": {…}, "mynumber_card": true|false}` (facts the UKE does not carry). Returns the
/// JSON lines of `santei uke audit` (`uke-audit-line.json`: one per receipt, the summary last),
/// exactly what the CLI prints for a file named `RECEIPTC.UKE`, or an `{"error": …}` document.
/// Free the result with `santei_string_free`.
#[no_mangle]
pub extern "C" fn santei_uke_audit(
    engine: *const SanteiEngine,
    uke: *const u8,
    len: usize,
    options: *const c_char,
) -> *mut c_char {
    guard_doc(|| {
        let e = engine_ref(engine)?.get();
        if uke.is_null() {
            return Err(argument("uke is NULL"));
        }
        if len > MAX_INPUT {
            return Err(argument(format!(
                "uke: length {len} is larger than {MAX_INPUT} bytes"
            )));
        }
        // SAFETY: non-null, len ≤ 64 MiB (< isize::MAX); the caller guarantees `len` readable
        // bytes.
        let bytes = unsafe { std::slice::from_raw_parts(uke, len) };
        let options = if options.is_null() {
            None
        } else {
            Some(cstr_arg("options", options)?)
        };
        respond(api::uke_audit(&e, "RECEIPTC.UKE", bytes, options))
    })
}

/// One code on one date (`code`: 9 digits, `date`: "YYYY-MM-DD", NUL-terminated) →
/// `master-show-output.json`. A code not valid on the date gives an `{"error": …}` document
/// (status `SANTEI_ERR_DATA`).
#[no_mangle]
pub extern "C" fn santei_master_show(
    engine: *const SanteiEngine,
    code: *const c_char,
    date: *const c_char,
) -> *mut c_char {
    guard_doc(|| {
        let e = engine_ref(engine)?.get();
        let code = cstr_arg("code", code)?;
        let date = cstr_arg("date", date)?;
        respond(api::master_show(&e, code, date))
    })
}

/// The codes added, abolished and changed between two dates ("YYYY-MM-DD") →
/// `master-diff-output.json`.
#[no_mangle]
pub extern "C" fn santei_master_diff(
    engine: *const SanteiEngine,
    from: *const c_char,
    to: *const c_char,
) -> *mut c_char {
    guard_doc(|| {
        let e = engine_ref(engine)?.get();
        let from = cstr_arg("from", from)?;
        let to = cstr_arg("to", to)?;
        respond(api::diff(&e, from, to))
    })
}

/// The versions of an engine (`version-output.json`): the library, the interface and ABI
/// versions, the official files applied with their publication dates, the 電子点数表 tables,
/// and santei's rule files with the dates they cover. Free with `santei_string_free`.
#[no_mangle]
pub extern "C" fn santei_version(engine: *const SanteiEngine) -> *mut c_char {
    guard_doc(|| {
        let e = engine_ref(engine)?.get();
        respond(api::version(&e, Some(SANTEI_ABI_VERSION)))
    })
}

/// Free a string santei returned (`santei_calc`, `santei_copay`, `santei_tier`,
/// `santei_master_show`, `santei_master_diff`, `santei_version`). NULL is ignored. Each string
/// is freed once, with this function only.
#[no_mangle]
pub extern "C" fn santei_string_free(s: *mut c_char) {
    if s.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: a pointer CString::into_raw gave (caller's contract), freed once.
        drop(unsafe { CString::from_raw(s) });
    }));
}

/// The status of the last santei call on this thread: `SANTEI_OK` or a `SANTEI_ERR_*` code.
/// (`santei_string_free`, `santei_last_status` and `santei_last_error` do not change it.)
#[no_mangle]
pub extern "C" fn santei_last_status() -> i32 {
    LAST.try_with(|l| {
        l.try_borrow()
            .map(|l| l.status)
            .unwrap_or(SANTEI_ERR_INTERNAL)
    })
    .unwrap_or(SANTEI_ERR_INTERNAL)
}

/// The message of the last failed santei call on this thread (UTF-8, NUL-terminated), or NULL
/// when it succeeded. Owned by santei: valid until the next santei call on this thread; copy it
/// to keep it.
#[no_mangle]
pub extern "C" fn santei_last_error() -> *const c_char {
    LAST.try_with(|l| {
        l.try_borrow()
            .ok()
            .and_then(|l| l.message.as_ref().map(|m| m.as_ptr()))
            .unwrap_or(std::ptr::null())
    })
    .unwrap_or(std::ptr::null())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn take(p: *mut c_char) -> String {
        assert!(!p.is_null(), "NULL: {:?}", last());
        let s = unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string();
        santei_string_free(p);
        s
    }

    fn last() -> Option<String> {
        let p = santei_last_error();
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }

    #[test]
    fn null_and_bad_arguments_are_reported_not_dereferenced() {
        let e = santei_engine_new_embedded();
        assert!(!e.is_null());
        assert!(santei_calc(std::ptr::null(), c"{}".as_ptr(), 2).is_null());
        assert_eq!(santei_last_status(), SANTEI_ERR_ARGUMENT);
        assert_eq!(last().unwrap(), "engine is NULL");
        assert!(santei_calc(e, std::ptr::null(), 0).is_null());
        assert_eq!(last().unwrap(), "json is NULL");
        assert!(santei_calc(e, c"{}".as_ptr(), MAX_INPUT + 1).is_null());
        assert!(last().unwrap().contains("length"));
        let bad = [b'{', 0xff, b'}'];
        assert!(santei_calc(e, bad.as_ptr().cast(), 3).is_null());
        assert!(last().unwrap().contains("UTF-8"), "{:?}", last());
        assert!(santei_tier(e, c"{}".as_ptr(), 2, std::ptr::null(), std::ptr::null()).is_null());
        assert_eq!(last().unwrap(), "from is NULL");
        assert!(santei_engine_new_from_dirs(std::ptr::null(), 0).is_null());
        assert_eq!(santei_last_status(), SANTEI_ERR_ARGUMENT);
        let missing = [c"/nonexistent/santei".as_ptr()];
        assert!(santei_engine_new_from_dirs(missing.as_ptr(), 1).is_null());
        assert_eq!(santei_last_status(), SANTEI_ERR_LOAD);
        assert_eq!(
            santei_engine_reload_from_dirs(e, missing.as_ptr(), 1),
            SANTEI_ERR_LOAD
        );
        santei_string_free(std::ptr::null_mut());
        santei_engine_free(std::ptr::null_mut());
        santei_engine_free(e);
    }

    #[test]
    fn bad_json_gives_the_error_document_and_the_status() {
        let e = santei_engine_new_embedded();
        let out = take(santei_calc(
            e,
            c"{\"date\": ".as_ptr(),
            SANTEI_NUL_TERMINATED,
        ));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["error"]["kind"], "input");
        assert_eq!(santei_last_status(), SANTEI_ERR_INPUT);
        assert!(last().unwrap().contains("malformed JSON"));
        // A wrong (short) length reads a truncated document: an input error, not a crash.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../examples/claim.json"
        ))
        .unwrap();
        let out = take(santei_calc(e, text.as_ptr().cast(), text.len() / 2));
        assert!(out.contains("\"error\""));
        let out = take(santei_calc(e, text.as_ptr().cast(), text.len()));
        assert_eq!(santei_last_status(), SANTEI_OK);
        assert!(last().is_none());
        let engine = Engine::embedded().unwrap();
        assert_eq!(out, api::calc(&engine, "x.json", &text).unwrap());
        let out = take(santei_master_show(
            e,
            c"111000110".as_ptr(),
            c"1999-01-01".as_ptr(),
        ));
        assert!(out.contains("\"error\""));
        assert_eq!(santei_last_status(), SANTEI_ERR_DATA);
        santei_engine_free(e);
    }

    #[test]
    fn version_names_the_abi() {
        assert_eq!(santei_abi_version(), SANTEI_ABI_VERSION);
        let v = unsafe { CStr::from_ptr(santei_library_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        let e = santei_engine_new_embedded();
        let out = take(santei_version(e));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["abi"], SANTEI_ABI_VERSION);
        assert_eq!(v["santei"], env!("CARGO_PKG_VERSION"));
        santei_engine_free(e);
    }
}
