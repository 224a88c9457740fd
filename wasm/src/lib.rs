//! # santei-wasm — the santei engine for WebAssembly
//!
//! Job: expose the same engine the CLI runs, JSON in and JSON out, to a browser (the page in
//! `wasm/www/`, which runs it in a Web Worker) or any WebAssembly host (Node for the tests and
//! the benchmark). Every function returns exactly the string [`api`] returns, so its JSON
//! is byte-identical to the CLI's.
//!
//! Invariants:
//! - Errors come back as values: every exported function returns a JSON string, an error being
//!   `{"error": {"kind": …, "message": …}}` ([`api::ApiError::to_json`]). No input path
//!   unwraps or panics. Should the engine panic all the same (a bug), the panic hook records
//!   the message before the trap and [`last_panic`] hands it to the host, which starts a fresh
//!   instance (the page's worker does).
//! - No I/O: data comes embedded or as bytes from the host (official files the user picked,
//!   still CP932: the loaders decode them).
//! - Two builds (wasm/build-page): the page's first module, without the feature `files`, has
//!   everything but what starts from a file the user drops — official master files
//!   ([`official_load`]) and UKE files ([`uke_audit`]) — so the first download stays small; the
//!   full module (feature `files`, the default) is fetched by the page's worker only when such a
//!   file is given, and is then used for every call.
//! - The first module is also built with the feature `fetched-data`: santei's default data
//!   (the tier and add-on rules and the message catalog too) is not in its `.wasm` but in
//!   `pkg/santei-data.txt` beside it ([`data`]), which the worker fetches while the module
//!   compiles and hands over with [`set_data`]; until then every call but [`set_lang`] answers
//!   with an error value. The full module embeds the data and writes that text
//!   ([`embedded_data`]).
//! - One engine at a time. Loading official files builds a new engine and replaces the current
//!   one only when it succeeded: a wrong file leaves the engine in use as it was.

use api::ApiError;
use calc::Engine;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

pub mod data;

thread_local! {
    /// The engine in use (`None` until the first call, which loads the embedded data).
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    /// Official files handed over by [`official_add`], waiting for [`official_load`].
    #[cfg(feature = "files")]
    static STAGED: RefCell<Vec<masters::NamedFile>> = const { RefCell::new(Vec::new()) };
    /// The embedded tier rules, for [`tier`] calls before the engine is loaded (the tier rules
    /// are the engine's own: official files do not change them).
    static TIERS: RefCell<Option<rules::tier::TierRules>> = const { RefCell::new(None) };
    /// The language of the texts (set by [`set_lang`]; English until then, as the CLI's).
    static LANG: std::cell::Cell<api::Lang> = const { std::cell::Cell::new(api::Lang::En) };
    /// The message of the last panic (see [`last_panic`]).
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Install the panic hook when the module is instantiated.
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        // `try_borrow_mut`: a panic must never panic again in the hook.
        PANIC.with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                *p = Some(msg);
            }
        });
    }));
}

/// After a trap: the panic that caused it as an error value (`kind` = `internal`), or `""`.
#[wasm_bindgen]
pub fn last_panic() -> String {
    PANIC
        .with(|p| p.try_borrow().ok().and_then(|p| p.clone()))
        .map(|m| {
            ApiError {
                kind: "internal",
                message: format!("the engine stopped: {m}"),
            }
            .to_json()
        })
        .unwrap_or_default()
}

/// A deliberate panic, for the tests of the host's trap handling (the page's worker must turn it
/// into an error value and start afresh). Never called by the page itself.
#[doc(hidden)]
#[wasm_bindgen]
pub fn debug_panic() -> String {
    panic!("debug_panic: a deliberate panic for the tests")
}

fn out(r: Result<String, ApiError>) -> String {
    r.unwrap_or_else(|e| e.in_lang(lang()).to_json())
}

fn lang() -> api::Lang {
    LANG.with(|l| l.get())
}

/// The language of the texts of every later call: `ja` or `en` (the default, byte-identical to
/// the CLI's output; the page sets `ja`). Returns the language in use.
#[wasm_bindgen]
pub fn set_lang(lang: &str) -> String {
    if let Some(l) = api::Lang::parse(lang) {
        LANG.with(|c| c.set(l));
    }
    self::lang().as_str().to_string()
}

/// A message (of an error value, of a text) in the language in use ([`set_lang`]).
#[wasm_bindgen]
pub fn translate(message: &str) -> String {
    calc::catalog::catalog().translate(message, lang())
}

/// The default data of a first module (feature `fetched-data`): the text of
/// `pkg/santei-data.txt` ([`data`]). Returns `""`, or an error value (the text is not such a
/// bundle, or the data was given before).
#[cfg(feature = "fetched-data")]
#[wasm_bindgen]
pub fn set_data(text: String) -> String {
    match data::install(text) {
        Ok(()) => String::new(),
        Err(e) => ApiError::data(e).to_json(),
    }
}

/// The embedded default data as the text the first module is given (`pkg/santei-data.txt`,
/// written by wasm/build-page from the full module).
#[cfg(not(feature = "fetched-data"))]
#[wasm_bindgen]
pub fn embedded_data() -> String {
    data::write()
}

fn no_data() -> String {
    ApiError::data("the default data (santei-data.txt) is not loaded").to_json()
}

/// Run `f` on the engine in use, loading the embedded data on first use.
fn with_engine(f: impl FnOnce(&Engine) -> Result<String, ApiError>) -> String {
    if !data::installed() {
        return no_data();
    }
    ENGINE.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return ApiError {
                kind: "internal",
                message: "the engine is busy".into(),
            }
            .to_json();
        };
        if slot.is_none() {
            match Engine::embedded() {
                Ok(e) => *slot = Some(e),
                Err(e) => return ApiError::data(format!("embedded data: {e}")).to_json(),
            }
        }
        match slot.as_ref() {
            Some(engine) => out(f(engine)),
            None => ApiError::data("no engine").to_json(),
        }
    })
}

fn replace_engine(engine: Engine) -> String {
    let versions = api::version(&engine, None);
    ENGINE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut slot) => {
            *slot = Some(engine);
            out(versions)
        }
        Err(_) => ApiError {
            kind: "internal",
            message: "the engine is busy".into(),
        }
        .to_json(),
    })
}

/// The library and data versions of the engine in use (JSON).
#[wasm_bindgen]
pub fn versions() -> String {
    with_engine(|e| api::version(e, None))
}

/// Use santei's embedded default data (again). Returns the versions JSON.
#[wasm_bindgen]
pub fn load_embedded() -> String {
    if !data::installed() {
        return no_data();
    }
    match Engine::embedded() {
        Ok(e) => replace_engine(e),
        Err(e) => ApiError::data(format!("embedded data: {e}")).to_json(),
    }
}

#[cfg(feature = "files")]
/// Forget the official files handed over so far.
#[wasm_bindgen]
pub fn official_clear() {
    STAGED.with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            s.clear();
        }
    });
}

#[cfg(feature = "files")]
/// Hand over one official file (its published name and its bytes, as read from disk).
/// Returns the number of files waiting.
#[wasm_bindgen]
pub fn official_add(name: &str, bytes: Vec<u8>) -> u32 {
    STAGED.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => {
            s.push(masters::NamedFile {
                name: name.to_string(),
                bytes,
            });
            s.len() as u32
        }
        Err(_) => 0,
    })
}

#[cfg(feature = "files")]
/// Build an engine from the files handed over ([`calc::Engine::from_official_files`]) and use
/// it. Returns the versions JSON, or an error value (the engine in use stays as it was). The
/// files waiting are consumed either way.
#[wasm_bindgen]
pub fn official_load() -> String {
    let files = STAGED.with(|s| {
        s.try_borrow_mut()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default()
    });
    if files.is_empty() {
        return ApiError::input("no official files were given").to_json();
    }
    match Engine::from_official_files(files) {
        Ok(e) => replace_engine(e),
        Err(e) => ApiError::data(e.to_string()).in_lang(lang()).to_json(),
    }
}

/// `santei calc`: one claim (JSON, or TOML when `name` ends in `.toml`).
#[wasm_bindgen]
pub fn calc(name: &str, text: &str) -> String {
    with_engine(|e| api::calc_output_in(e, name, text, lang()).map(|(_, json)| json))
}

/// `santei copay`: one receipt.
#[wasm_bindgen]
pub fn copay(name: &str, text: &str) -> String {
    with_engine(|e| api::copay_in(e, name, text, lang()))
}

/// `santei copay FILE --local LOCAL`: one receipt with local public programmes added to the
/// tables (JSON `{"programme": [...]}`, `schemas/v1/local-programmes.json`; this build reads no
/// TOML).
#[wasm_bindgen]
pub fn copay_local(name: &str, text: &str, local_name: &str, local_text: &str) -> String {
    with_engine(|e| {
        let tables = e
            .copay_tables()
            .clone()
            .with_local_programmes(local_name, local_text)
            .map_err(|err| ApiError::input(err.to_string()))?;
        api::copay_with_in(&tables, name, text, lang())
    })
}

/// `santei tier`: a facility profile (JSON or TOML) month by month from `from` to `to`.
///
/// Before the engine is loaded this uses the embedded tier rules alone (the same rules the
/// engine loads), so the page's first result does not wait for the fee schedule to be parsed.
#[wasm_bindgen]
pub fn tier(name: &str, text: &str, from: &str, to: &str) -> String {
    if !data::installed() {
        return no_data();
    }
    let loaded = ENGINE.with(|c| c.try_borrow().map(|e| e.is_some()).unwrap_or(true));
    if loaded {
        return with_engine(|e| api::tier(e, name, text, from, to));
    }
    TIERS.with(|cell| {
        let Ok(mut slot) = cell.try_borrow_mut() else {
            return with_engine(|e| api::tier(e, name, text, from, to));
        };
        if slot.is_none() {
            match rules::tier::TierRules::embedded() {
                Ok(t) => *slot = Some(t),
                Err(e) => return ApiError::data(format!("tier rules: {e}")).to_json(),
            }
        }
        match slot.as_ref() {
            Some(t) => out(api::tier_with(t, name, text, from, to)),
            None => ApiError::data("no tier rules").to_json(),
        }
    })
}

/// `santei master diff`: what changed in the schedule between two dates.
#[wasm_bindgen]
pub fn diff(from: &str, to: &str) -> String {
    with_engine(|e| api::diff(e, from, to))
}

/// `santei master show`: one code on one date.
#[wasm_bindgen]
pub fn master_show(code: &str, date: &str) -> String {
    with_engine(|e| api::master_show(e, code, date))
}

/// The schedule in force on `date`, searched by code or name ([`api::search`]).
#[wasm_bindgen]
pub fn search(query: &str, date: &str, limit: u32) -> String {
    with_engine(|e| api::search(e, query, date, limit as usize))
}

#[cfg(feature = "files")]
/// `santei uke audit`: a UKE file's bytes (CP932 as published) → the JSON lines of the audit
/// (one per receipt, the summary last; [`api::uke_audit`]); `options` is "" or the JSON of
/// `santei uke audit --options`.
#[wasm_bindgen]
pub fn uke_audit(bytes: Vec<u8>, options: &str) -> String {
    let options = (!options.is_empty()).then_some(options);
    with_engine(|e| api::uke_audit_in(e, "RECEIPTC.UKE", &bytes, options, lang()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn json(s: &str) -> Value {
        serde_json::from_str(s).expect("every result is JSON")
    }

    #[test]
    fn errors_are_values() {
        let v = json(&master_show("1", "2025-04-01"));
        assert_eq!(v["error"]["kind"], "input");
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("9 digits")));
        let v = json(&master_show("111703370", "2025-04-01"));
        assert_eq!(v["points"].to_string(), "8");
        let v = json(&calc("x.json", "{not json"));
        assert_eq!(v["error"]["kind"], "input");
        let v = json(&tier(
            "p.json",
            r#"{"kind": "clinic"}"#,
            "2025-04",
            "2024-04",
        ));
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("before")));
        let v = json(&copay_local("r.json", "{}", "local.toml", "not = [toml"));
        assert_eq!(v["error"]["kind"], "input");
        assert_eq!(last_panic(), "");
    }

    #[test]
    fn same_strings_as_the_api() {
        let engine = Engine::embedded().expect("embedded");
        let claim = include_str!("../../examples/claim.json");
        assert_eq!(
            calc("claim.json", claim),
            api::calc(&engine, "claim.json", claim).expect("calc")
        );
        let profile =
            r#"{"kind": "clinic", "usage": [{"month": "2025-01", "receipt_based": "0.47"}]}"#;
        assert_eq!(
            tier("p.json", profile, "2024-06", "2026-05"),
            api::tier(&engine, "p.json", profile, "2024-06", "2026-05").expect("tier")
        );
        assert_eq!(
            search("初診", "2025-04-10", 20),
            api::search(&engine, "初診", "2025-04-10", 20).expect("search")
        );
    }

    #[test]
    fn tier_before_the_engine_is_loaded_is_the_same() {
        // A fresh thread: no engine loaded yet.
        let profile = r#"{"kind": "dental", "pediatric_outpatient_fee": true, "usage": [{"month": "2025-06", "online_based": "51%"}]}"#;
        let early = std::thread::spawn(move || {
            let t = tier("p.json", profile, "2024-06", "2026-05");
            let loaded = ENGINE.with(|c| c.borrow().is_some());
            (t, loaded)
        })
        .join()
        .expect("thread");
        assert!(!early.1, "tier alone does not load the engine");
        let engine = Engine::embedded().expect("embedded");
        assert_eq!(
            early.0,
            api::tier(&engine, "p.json", profile, "2024-06", "2026-05").expect("tier")
        );
        assert_eq!(early.0, tier("p.json", profile, "2024-06", "2026-05"));
    }

    #[test]
    #[cfg(feature = "files")]
    fn a_wrong_official_file_keeps_the_engine() {
        assert!(json(&load_embedded())["data"]["label"].is_string());
        official_clear();
        assert_eq!(official_add("notes.txt", b"hello".to_vec()), 1);
        let v = json(&official_load());
        assert_eq!(v["error"]["kind"], "data");
        // A CSV in the wrong layout under an official name.
        official_add("s_ALL20240531.csv", b"a,b,c\r\n1,2,3\r\n".to_vec());
        let v = json(&official_load());
        assert_eq!(v["error"]["kind"], "data", "{v}");
        // Nothing waiting: an input error.
        assert_eq!(json(&official_load())["error"]["kind"], "input");
        // The embedded engine is still in use.
        let v = json(&master_show("111000110", "2025-04-10"));
        assert_eq!(v["points"].to_string(), "291");
    }
}
