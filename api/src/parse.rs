//! Text → santei's typed inputs: JSON (or TOML by the file name), with errors that name the
//! file, the field path and the value; a UTF-8 byte-order mark is ignored.

use calc::Claim;

/// What went wrong reading an input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("{file}: malformed {format}: {message}")]
    Syntax {
        file: String,
        format: &'static str,
        message: String,
    },
    #[error("{file}: {path}: {message}")]
    Field {
        file: String,
        path: String,
        message: String,
    },
}

/// The text without a UTF-8 byte-order mark (editors on Windows write one).
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Read a value from JSON text with field-path errors.
pub fn from_json<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, ParseError> {
    let text = strip_bom(text);
    // The usual case, without tracking paths; a text that fails is read again to name the
    // field. In WebAssembly the one tracking parse does both (one deserializer per input type
    // in the page's module instead of two; the same value and the same errors). Both read
    // every struct from a JSON object (support::map_only: the schemas allow no other form,
    // and serde_json's struct-from-array reader is then not compiled into the page).
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(v) = support::from_json::<T>(text) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let v = serde_path_to_error::deserialize(support::map_only(&mut de)).map_err(|e| {
        use serde_json::error::Category;
        if matches!(e.inner().classify(), Category::Syntax | Category::Eof) {
            ParseError::Syntax {
                file: file.into(),
                format: "JSON",
                message: e.into_inner().to_string(),
            }
        } else {
            path_error(file, "JSON", e)
        }
    })?;
    de.end().map_err(|e| ParseError::Syntax {
        file: file.into(),
        format: "JSON",
        message: e.to_string(),
    })?;
    Ok(v)
}

/// Read a value from TOML text with field-path errors.
#[cfg(feature = "toml")]
pub fn from_toml<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, ParseError> {
    let de = toml::Deserializer::new(strip_bom(text));
    serde_path_to_error::deserialize(de).map_err(|e| path_error(file, "TOML", e))
}

/// TOML is not read by this build.
#[cfg(not(feature = "toml"))]
pub fn from_toml<T: serde::de::DeserializeOwned>(file: &str, _text: &str) -> Result<T, ParseError> {
    Err(ParseError::Syntax {
        file: file.into(),
        format: "TOML",
        message: "not read by this build (feature `toml`); give the input as JSON".into(),
    })
}

/// Read a value: TOML when `file` ends in `.toml`, JSON otherwise.
pub fn read<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, ParseError> {
    if file.ends_with(".toml") {
        from_toml(file, text)
    } else {
        from_json(file, text)
    }
}

/// A claim, read and checked as a whole.
pub fn claim(file: &str, text: &str) -> Result<Claim, ParseError> {
    let claim: Claim = read(file, text)?;
    claim.validate().map_err(|e| ParseError::Field {
        file: file.into(),
        path: e.path,
        message: e.message,
    })?;
    Ok(claim)
}

/// Whether a `santei calc` input is an inpatient month (it has `admission` and `days`, which a
/// visit's claim never has) rather than one visit's claim.
pub fn is_inpatient_month(text: &str) -> bool {
    text.contains("admission") && text.contains("days")
}

/// An inpatient month, read and checked as a whole.
pub fn inpatient_month(
    file: &str,
    text: &str,
) -> Result<calc::inpatient::InpatientMonth, ParseError> {
    let m: calc::inpatient::InpatientMonth = read(file, text)?;
    m.validate().map_err(|e| ParseError::Field {
        file: file.into(),
        path: e.path,
        message: e.message,
    })?;
    Ok(m)
}

fn path_error<E: std::fmt::Display>(
    file: &str,
    format: &'static str,
    e: serde_path_to_error::Error<E>,
) -> ParseError {
    let path = e.path().to_string();
    let inner = e.into_inner().to_string();
    if path == "." || path == "?" || path.is_empty() {
        ParseError::Syntax {
            file: file.into(),
            format,
            message: inner,
        }
    } else {
        ParseError::Field {
            file: file.into(),
            path,
            message: inner,
        }
    }
}
