//! Words for the lines a receipt-rule finding names: `items[i] 160022510 name` (or
//! `items[i].lines[j] …`, or `… (added automatically)`), one line as a text of the pool, a list
//! of lines written straight into one string (no text and no `String` per line).

use super::notes::Notes;
use super::work::Work;
use crate::text::Text;
use crate::tx;

/// `items[i] 160022510 name` (or `items[i].lines[j] …`, or `auto 112011010 …`) of a work line.
pub(super) fn describe(n: &mut Notes, w: &Work<'_>) -> Text {
    let code = w.line.code;
    match (w.input, w.sub) {
        (Some(i), Some(j)) => tx!(
            n.t,
            "items[{}].lines[{}] {} {}",
            i,
            j as i64,
            code,
            w.line.name
        ),
        (Some(i), None) => tx!(n.t, "items[{}] {} {}", i, code, w.line.name),
        _ => tx!(n.t, "{} {} (added automatically)", code, w.line.name),
    }
}

/// The lines of a finding, described (as [`describe`] words each line, joined as
/// [`super::work::capped_list`] joins them), written straight into one string of the pool.
pub(super) fn lines_text(
    n: &mut Notes,
    work: &[Work<'_>],
    back: &[usize],
    lines: &[usize],
) -> Text {
    use super::work::LIST_CAP;
    let mut buf = String::with_capacity(64 * lines.len().min(LIST_CAP));
    let mut shown = 0usize;
    let mut prev: Option<usize> = None;
    for w in lines.iter().filter_map(|&i| back.get(i).copied()) {
        // Consecutive repeats once (as `dedup`).
        if prev == Some(w) {
            continue;
        }
        prev = Some(w);
        if shown < LIST_CAP {
            if shown > 0 {
                buf.push_str(", ");
            }
            describe_into(&n.t, &work[w], &mut buf);
        }
        shown += 1;
    }
    if shown > LIST_CAP {
        use std::fmt::Write;
        let _ = write!(buf, " and {} more", shown - LIST_CAP);
    }
    n.t.str(&buf)
}

/// The words of [`describe`] appended to `buf`.
fn describe_into(t: &crate::text::Texts, w: &Work<'_>, buf: &mut String) {
    match (w.input, w.sub) {
        (Some(i), Some(j)) => {
            buf.push_str("items[");
            push_index(buf, i);
            buf.push_str("].lines[");
            push_index(buf, j);
            buf.push_str("] ");
        }
        (Some(i), None) => {
            buf.push_str("items[");
            push_index(buf, i);
            buf.push_str("] ");
        }
        _ => {}
    }
    match w.line.code.map(|c| (c, crate::text::code_digits(c))) {
        Some((_, Some(d))) => buf.extend(d.iter().map(|&b| char::from(b))),
        Some((c, None)) => push_index(buf, c.0 as usize),
        None => buf.push_str("(no code)"),
    }
    buf.push(' ');
    match t.as_str(w.line.name) {
        Some(s) => buf.push_str(s),
        None => {
            use std::fmt::Write;
            let _ = write!(buf, "{}", t.show(w.line.name));
        }
    }
    if w.input.is_none() {
        buf.push_str(" (added automatically)");
    }
}

/// A number in decimal digits appended to `buf` (as `Display` writes it).
fn push_index(buf: &mut String, n: usize) {
    if n < 100 {
        let d = crate::text::digits2(n);
        let d = if n < 10 { &d[1..] } else { &d[..] };
        buf.extend(d.iter().map(|&b| char::from(b)));
    } else {
        use std::fmt::Write;
        let _ = write!(buf, "{n}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Line;
    use masters::Code;

    fn work(
        n: &mut Notes,
        code: Option<u32>,
        name: &str,
        input: Option<usize>,
        sub: Option<usize>,
    ) -> Work<'static> {
        Work {
            line: Line {
                code: code.map(Code),
                name: n.t.str(name),
                points: Default::default(),
                count: 1,
                subtotal: Default::default(),
                origin: if input.is_some() { "input" } else { "auto" },
                rule: crate::lit!(""),
                verified: true,
                source: crate::lit!(""),
                section: None,
                group: None,
                price: None,
            },
            name: "",
            family: None,
            input,
            sub,
            parts: Vec::new(),
            removed: false,
            record: None,
        }
    }

    /// The list as the words of each line ([`describe`], through the pool) joined by
    /// `capped_list`: the format the messages had before the list was written directly.
    fn by_texts(n: &mut Notes, w: &[Work<'_>], back: &[usize], lines: &[usize]) -> String {
        let mut ws: Vec<usize> = lines.iter().filter_map(|&i| back.get(i).copied()).collect();
        ws.dedup();
        let parts: Vec<Text> = ws.iter().map(|&i| describe(n, &w[i])).collect();
        let shown: Vec<String> = parts.iter().map(|&t| n.t.string(t)).collect();
        super::super::work::capped_list(&shown)
    }

    #[test]
    fn a_list_reads_as_the_words_of_each_line() {
        let claim: crate::claim::Claim = serde_json::from_str(
            r#"{"date": "2025-04-10", "patient": {"birth_date": "1990-05-01"}, "facility": {"kind": "clinic"}, "items": []}"#,
        )
        .unwrap();
        let mut n = Notes::for_claim(&claim, true);
        // Plain items, a 剤's line, an automatic add-on, a codeless line, indexes past 9 and 99.
        let mut w = vec![
            work(&mut n, Some(111000110), "初診料", Some(0), None),
            work(&mut n, Some(160022510), "ＡＳＴ", Some(12), Some(3)),
            work(&mut n, Some(111703870), "医療情報取得加算", None, None),
            work(&mut n, None, "物価対応料", None, None),
            work(&mut n, Some(112011010), "再診料", Some(105), Some(140)),
        ];
        for k in 0..9 {
            w.push(work(
                &mut n,
                Some(160000010 + k),
                "検査",
                Some(20 + k as usize),
                None,
            ));
        }
        let back: Vec<usize> = (0..w.len()).collect();
        for lines in [
            vec![0],
            vec![1, 2],
            vec![3, 4, 4, 0],
            (0..w.len()).collect(),
            (0..w.len()).rev().collect(),
            vec![],
            vec![99],
        ] {
            let want = by_texts(&mut n, &w, &back, &lines);
            let got = lines_text(&mut n, &w, &back, &lines);
            assert_eq!(n.t.string(got), want, "{lines:?}");
        }
        // Checked against hand-written words too (not only against the old path).
        let got = lines_text(&mut n, &w, &back, &[1, 2, 3]);
        assert_eq!(
            n.t.string(got),
            "items[12].lines[3] 160022510 ＡＳＴ, 111703870 医療情報取得加算 (added automatically), (no code) 物価対応料 (added automatically)"
        );
        let all: Vec<usize> = (0..w.len()).collect();
        let got = lines_text(&mut n, &w, &back, &all);
        assert!(n.t.string(got).ends_with(" and 4 more"));
    }
}
