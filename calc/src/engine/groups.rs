//! Step 2b: 注加算 groups — an addition needs its base item, additions with the same 通番
//! exclude each other, and percentages apply to the base item's points.

use super::facts::Facts;
use super::notes::{trace, Notes};
use super::work::Work;
use crate::output::subtotal;
use crate::{lit, tx};
use masters::PointKind;

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
    for i in 0..work.len() {
        let Some((g, s, kind, pts)) = groups[i] else {
            continue;
        };
        if s.is_base() {
            continue;
        }
        let code = work[i].line.code;
        let base = (0..work.len())
            .find(|&j| matches!(groups[j], Some((g2, s2, _, _)) if g2 == g && s2.is_base()));
        match base {
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
        for j in 0..i {
            if let Some((g2, s2, _, _)) = groups[j] {
                if g2 == g && s2 == s && work[j].input.is_some() && work[i].input.is_some() {
                    let m = n.t.own(format!(
                        "{} and {} exclude each other (same 注加算 group {g}, 通番 {s})",
                        code.map(|c| c.to_string())
                            .unwrap_or_else(|| "(no code)".into()),
                        work[j]
                            .line
                            .code
                            .map(|c| c.to_string())
                            .unwrap_or_else(|| "(no code)".into()),
                    ));
                    n.errors.push(m);
                }
            }
        }
    }
}
