//! Step 3: age add-ons (年齢加算1–4 of the master) added automatically to the input lines.

use super::facts::Facts;
use super::notes::{trace, Notes};
use super::work::Work;
use crate::output::{subtotal, Line};
use crate::text::Arg;
use crate::{lit, tx};

pub(crate) fn age_addons<'a>(f: &Facts<'a>, n: &mut Notes, work: &mut Vec<Work<'a>>) {
    let n_input = work.len();
    // The codes on the claim, sorted (an add-on added here joins them).
    let mut on_claim: Vec<masters::Code> = Vec::with_capacity(work.len() + 4);
    on_claim.extend(work.iter().filter_map(|l| l.line.code));
    on_claim.sort_unstable();
    on_claim.dedup();
    for i in 0..n_input {
        let (Some(rec), Some(code)) = (work[i].record, work[i].line.code) else {
            continue;
        };
        for (slot, a) in rec.age_addons().enumerate() {
            if !f.age_ok(a.lower, a.upper) {
                continue;
            }
            if on_claim.binary_search(&a.code).is_ok() {
                trace!(
                    n,
                    lit!("age_addon"),
                    tx!(n.t, "{} 年齢加算{} → {}", code, slot + 1, a.code),
                    lit!("master 年齢加算"),
                    lit!("already on the claim"),
                );
                continue;
            }
            match f.data().lookup(a.code, f.date) {
                Ok(ae) => {
                    let ar = ae.record();
                    let p = ar.points;
                    let count = work[i].line.count;
                    trace!(
                        n,
                        lit!("age_addon"),
                        tx!(
                            n.t,
                            "{} 年齢加算{}: {}–{}, patient born {}",
                            code,
                            slot + 1,
                            Arg::Age(a.lower),
                            Arg::Age(a.upper),
                            f.claim.patient.birth_date.0
                        ),
                        tx!(n.t, "master {} 年齢加算{} → {}", code, slot + 1, a.code),
                        tx!(n.t, "added {} {} ({} points)", a.code, &ar.name, p),
                    );
                    if let Err(at) = on_claim.binary_search(&a.code) {
                        on_claim.insert(at, a.code);
                    }
                    work.push(Work {
                        line: Line {
                            code: Some(a.code),
                            name: n.t.str(&ar.name),
                            points: p,
                            count,
                            subtotal: subtotal(p, count),
                            origin: "auto",
                            rule: tx!(n.t, "age_addon:{}", code),
                            verified: ae.version.verified,
                            source: tx!(n.t, "master {} 年齢加算{}", code, slot + 1),
                            section: None,
                            group: None,
                            price: None,
                        },
                        name: &ar.name,
                        family: None,
                        input: None,
                        sub: None,
                        parts: Vec::new(),
                        removed: false,
                        record: Some(ar),
                    });
                }
                Err(e) => {
                    let m =
                        n.t.own(format!("age add-on {} of {code} not added: {e}", a.code));
                    n.warnings.push(m);
                }
            }
        }
    }
}
