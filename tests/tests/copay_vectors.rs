//! The vendor vectors (`../shared/oracles/smart-test-futan/futancalc-ut-vectors.json`, a third
//! party's unit-test expectations: a cross-check, not a source) run through the month form.
//!
//! This first translation covers the per-visit tests (`FutancalcUT`) whose set-up the month form
//! says without guessing: one insurer (`houbetu` "100" 国保 or a 社保 number "01"–"09"), no
//! optional insurer argument (減免, 特例), `kogakuKbn` 0 (no certificate: read as ウ without
//! certificate) or 26–30 (ア–オ with certificate), national 公費 given only by `houbetu` and
//! `monthLimitFutan`, one 保険 pattern, and `RunCalculate` with date and points only. Each
//! `AssertEqualTo` compares the patient's payment (`ptFutan`) and the insurer's part
//! (`hokenFutan + kogakuFutan`). Every disagreement must be listed, with which side is right and
//! why, in `tests/data/copay-vectors-explained.toml`.

use serde_json::Value;
use std::collections::BTreeMap;

fn arg<'a>(step: &'a Value, name: &str) -> Option<&'a str> {
    step["args"]
        .as_array()?
        .iter()
        .find(|a| a["name"].as_str() == Some(name))
        .and_then(|a| a["value"].as_str())
}

fn positional(step: &Value) -> Vec<String> {
    step["args"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|x| x.get("name").is_none())
                .filter_map(|x| x["value"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn date(s: &str) -> Option<String> {
    (s.len() == 8).then(|| format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8]))
}

/// The month form of one vector and its expectations, or `None` when it says something the
/// month form cannot (yet).
fn translate(t: &Value) -> Option<(String, Vec<(i64, i64)>)> {
    let mut birth = None;
    let mut insurance = None;
    let mut category: Option<String> = None;
    let mut kohi: Vec<(String, Option<String>)> = Vec::new();
    let mut patterns = 0;
    let mut visits = Vec::new();
    let mut expected = Vec::new();
    let mut month = None;
    for s in t["steps"].as_array()? {
        if s.get("decl").is_some() || s.get("comment").is_some() {
            continue;
        }
        let call = s["call"].as_str()?;
        let names: Vec<&str> = s["args"]
            .as_array()?
            .iter()
            .filter_map(|a| a["name"].as_str())
            .collect();
        match call {
            "NewFutanCalcVM" if names.is_empty() => {}
            "NewPtInf" => birth = date(arg(s, "birthDay")?),
            "NewPtHoken" => {
                if insurance.is_some()
                    || names.iter().any(|n| {
                        !["prefNo", "honkeKbn", "houbetu", "kogakuKbn", "hokensyaNo"].contains(n)
                    })
                {
                    return None;
                }
                insurance = Some(match arg(s, "houbetu")?.trim_matches('"') {
                    "100" => "kokuho",
                    h if h.len() == 2 && h.starts_with('0') && h != "00" => "kenpo",
                    _ => return None,
                });
                category = Some(arg(s, "kogakuKbn")?.to_string());
            }
            "NewPtKohi" => {
                if arg(s, "prefNo")? != "0"
                    || names
                        .iter()
                        .any(|n| !["prefNo", "houbetu", "monthLimitFutan"].contains(n))
                {
                    return None;
                }
                let law = arg(s, "houbetu")?.trim_matches('"').to_string();
                if !["54", "52", "21", "15", "12"].contains(&law.as_str()) {
                    return None;
                }
                kohi.push((law, arg(s, "monthLimitFutan").map(str::to_string)));
            }
            "NewHokenPattern" => {
                patterns += 1;
                let p = positional(s);
                // pattern 1 with its 公費 in order
                if patterns > 1 || p.len() != 5 || p[0] != "1" {
                    return None;
                }
                let listed: Vec<&String> = p[1..].iter().filter(|x| *x != "0").collect();
                if listed.len() != kohi.len() {
                    return None;
                }
            }
            "RunCalculate" => {
                if names
                    .iter()
                    .any(|n| !["futanVm", "sinDate", "tensu", "hokenPid"].contains(n))
                {
                    return None;
                }
                let d = date(arg(s, "sinDate")?)?;
                if arg(s, "hokenPid").is_some_and(|p| p != "1") {
                    return None;
                }
                month.get_or_insert_with(|| d[..7].to_string());
                if month.as_deref() != Some(&d[..7]) {
                    return None;
                }
                visits.push((d, arg(s, "tensu")?.parse::<i64>().ok()?));
            }
            "AssertEqualTo" => {
                let p = positional(s);
                if p.len() < 10 {
                    return None;
                }
                let n = |i: usize| p[i].parse::<i64>().ok();
                // detail, tensu, hokenFutan, kogakuFutan, kohi1..4, ichibuFutan, ptFutan
                expected.push((n(9)?, n(2)? + n(3)?));
            }
            _ => return None,
        }
    }
    if expected.len() != visits.len() || visits.is_empty() {
        return None;
    }
    // 70+ from the month after reaching 70 (born on the 1st: that month); 後期 (75) not read.
    let b = birth.as_deref()?;
    let m = month.as_deref()?;
    let plus = |n: i32| format!("{}{}", b[..4].parse::<i32>().unwrap_or(0) + n, &b[4..]);
    let (b70, b75) = (plus(70), plus(75));
    let elderly = if b.ends_with("-01") {
        m >= &b70[..7]
    } else {
        m > &b70[..7]
    };
    if m >= &b75[..7] {
        return None;
    }
    let (category, certificate) = match (elderly, category?.as_str()) {
        (false, "0") => ("ウ", false),
        (false, "26") => ("ア", true),
        (false, "27") => ("イ", true),
        (false, "28") => ("ウ", true),
        (false, "29") => ("エ", true),
        (false, "30") => ("オ", true),
        (true, "0") => ("一般", true),
        (true, "26") => ("現役並みⅢ", true),
        (true, "27") => ("現役並みⅡ", true),
        (true, "28") => ("現役並みⅠ", true),
        (true, "4") => ("低所得Ⅱ", true),
        (true, "5") => ("低所得Ⅰ", true),
        _ => return None,
    };
    let public: Vec<String> = kohi.iter().map(|(l, _)| format!("\"{l}\"")).collect();
    let certs: Vec<String> = kohi
        .iter()
        .map(|(l, cap)| match cap {
            Some(c) => format!("{{\"law\": \"{l}\", \"monthly_cap\": {c}}}"),
            None => format!("{{\"law\": \"{l}\"}}"),
        })
        .collect();
    let vs: Vec<String> = visits
        .iter()
        .map(|(d, p)| {
            format!(
                "{{\"date\": \"{d}\", \"points\": {p}, \"public\": [{}]}}",
                public.join(", ")
            )
        })
        .collect();
    let json = format!(
        "{{\"month\": \"{}\", \"patient\": {{\"birth_date\": \"{}\", \"insurance\": \"{}\", \"income_category\": \"{}\", \"limit_certificate\": {certificate}}}, \"public_expense\": [{}], \"visits\": [{}]}}",
        m,
        b,
        insurance?,
        category,
        certs.join(", "),
        vs.join(", ")
    );
    Some((json, expected))
}

#[test]
fn vendor_vectors_cross_check() {
    let path = santei_tests::shared().join("oracles/smart-test-futan/futancalc-ut-vectors.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} not found", path.display());
        return;
    };
    let v: Value = serde_json::from_str(&text).unwrap();
    let explained: BTreeMap<String, toml::Value> = toml::from_str(
        &std::fs::read_to_string(
            santei_tests::workspace_root().join("tests/data/copay-vectors-explained.toml"),
        )
        .unwrap(),
    )
    .unwrap();
    let tables = calc::copay::CopayTables::embedded().unwrap();
    let tests = v["tests"].as_array().unwrap();
    let (mut expressible, mut agree) = (0, 0);
    let mut unexplained = Vec::new();
    for t in tests {
        let id = t["test"].as_str().unwrap().to_string();
        let Some((json, expected)) = translate(t) else {
            continue;
        };
        let month: calc::copay::month::Month = match serde_json::from_str(&json) {
            Ok(m) => m,
            Err(e) => {
                unexplained.push(format!("{id}: not read: {e}"));
                continue;
            }
        };
        expressible += 1;
        let got = match calc::copay::month::compute_month(&tables, &month) {
            Ok(o) => o,
            Err(e) => {
                if !explained.contains_key(&id) {
                    unexplained.push(format!("{id}: error {e}"));
                }
                continue;
            }
        };
        let ours: Vec<(i64, i64)> = got
            .visits
            .iter()
            .map(|v| (v.window_payment, v.insurer_pays))
            .collect();
        if ours == expected {
            agree += 1;
        } else if !explained.contains_key(&id) {
            unexplained.push(format!(
                "{id}: vendor {expected:?}, santei {ours:?} ({json})"
            ));
        }
    }
    eprintln!(
        "vendor vectors (FutancalcUT): {} tests, {expressible} expressible by this translation, {agree} agree",
        tests.len()
    );
    assert!(expressible > 0);
    assert!(
        unexplained.is_empty(),
        "disagreements not in tests/data/copay-vectors-explained.toml:\n{}",
        unexplained.join("\n")
    );
}
