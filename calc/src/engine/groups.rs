//! Step 2b: 注加算 groups — an addition needs its base item, additions with the same 通番
//! exclude each other, and percentages apply to the base item's points.

use super::facts::Facts;
use super::notes::{trace, Notes};
use super::work::{capped_list, Work};
use crate::output::subtotal;
use crate::{lit, tx};
use masters::{Code, PointKind};
use std::collections::HashMap;

pub(crate) fn addon_groups<'a>(_f: &Facts<'a>, n: &mut Notes, work: &mut [Work<'a>]) {
    let group = |l: &Work<'a>| {
        let r = l.record?;
        r.addon_group().map(|(g, s)| (g, s, r.point_kind, r.points))
    };
    if !work
        .iter()
        .any(|l| group(l).is_some_and(|(_, s, _, _)| !s.is_base()))
    {
        return;
    }
    let groups: Vec<_> = work.iter().map(group).collect();
    // The first base item of each group.
    let mut base_of = HashMap::new();
    for (j, g) in groups.iter().enumerate() {
        if let Some((g, s, _, _)) = g {
            if s.is_base() {
                base_of.entry(*g).or_insert(j);
            }
        }
    }
    // The input lines of each (group, 通番) of additions, in order.
    let mut same_serial: Vec<((&str, masters::value::AddonSerial), Vec<usize>)> = Vec::new();
    let mut serial_at: HashMap<(&str, masters::value::AddonSerial), usize> = HashMap::new();
    for i in 0..work.len() {
        let Some((g, s, kind, pts)) = groups[i] else {
            continue;
        };
        if s.is_base() {
            continue;
        }
        let code = work[i].line.code;
        match base_of.get(&g).copied() {
            None => {
                let m = n.t.own(format!(
                    "{} {}: an addition (注加算コード {g}, 通番 {s}) needs its base item in the claim",
                    code.map(|c| c.to_string()).unwrap_or_else(|| "(no code)".into()),
                    work[i].name
                ));
                n.errors.push(m);
            }
            Some(b) => {
                if matches!(kind, PointKind::PercentAdd | PointKind::PercentSub) {
                    let base_pts = work[b].line.points;
                    let mut p = crate::rounding::percent_of_points(base_pts, pts);
                    if kind == PointKind::PercentSub {
                        p = -p;
                    }
                    work[i].line.points = p;
                    work[i].line.subtotal = subtotal(p, work[i].line.count);
                    trace!(
                        n,
                        lit!("point_kind:percent"),
                        tx!(
                            n.t,
                            "{}: {}% of {} ({} points)",
                            code,
                            pts,
                            work[b].line.code,
                            base_pts
                        ),
                        lit!("点数識別 5/6; rounding: percent_of_points (1点未満四捨五入)"),
                        tx!(n.t, "{} points", p),
                    );
                }
            }
        }
        if work[i].input.is_some() {
            match serial_at.get(&(g, s)) {
                Some(&k) => same_serial[k].1.push(i),
                None => {
                    serial_at.insert((g, s), same_serial.len());
                    same_serial.push(((g, s), vec![i]));
                }
            }
        }
    }
    // Additions with the same 通番 exclude each other: one error per group of them, naming the
    // last one listed and the others (a claim that repeats an addition gets one error, not one
    // per pair).
    for ((g, s), lines) in same_serial.iter().filter(|(_, v)| v.len() > 1) {
        let name = |c: Option<Code>| {
            c.map(|c| c.to_string())
                .unwrap_or_else(|| "(no code)".into())
        };
        let (&last, earlier) = lines.split_last().unwrap_or((&0, &[]));
        let mut others: Vec<String> = Vec::new();
        for &j in earlier {
            let c = name(work[j].line.code);
            if !others.contains(&c) {
                others.push(c);
            }
        }
        let repeated = if lines.len() > 2 {
            format!("; {} lines of this 通番", lines.len())
        } else {
            String::new()
        };
        let m = n.t.own(format!(
            "{} and {} exclude each other (same 注加算 group {g}, 通番 {s}{repeated})",
            name(work[last].line.code),
            capped_list(&others),
        ));
        n.errors.push(m);
    }
}
