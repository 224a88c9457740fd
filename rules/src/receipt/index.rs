//! Lookups built once at load: code and master-field values → the set versions that select
//! them, and set ids → the rules that name them.

use super::*;
use std::collections::HashMap;

/// The kind of a receipt rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    Bundle,
    Inclusion,
    Taper,
    Requires,
    Conflicts,
    NotWithin,
    Replaces,
    Time,
}

impl RuleKind {
    /// The table name in the rule files.
    pub fn table(&self) -> &'static str {
        match self {
            RuleKind::Bundle => "bundle",
            RuleKind::Inclusion => "inclusion",
            RuleKind::Taper => "taper",
            RuleKind::Requires => "requires",
            RuleKind::Conflicts => "conflicts",
            RuleKind::NotWithin => "not_within",
            RuleKind::Replaces => "replaces",
            RuleKind::Time => "time",
        }
    }
}

/// A rule: its kind and index in the rules' list of that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct RuleRef {
    pub kind: RuleKind,
    pub index: usize,
}

/// (letter, 区分番号, 枝番) of a 告示区分 pattern.
type SectionKey = (String, u16, u8);
/// A set version and the 項番 range its pattern takes.
type ItemRange = (usize, Option<(u16, u16)>);

#[derive(Clone, Debug, Default)]
pub(super) struct Index {
    /// Set id → its versions (indices into `sets`), by `from`.
    versions: HashMap<String, Vec<usize>>,
    by_code: HashMap<u32, Vec<usize>>,
    /// (letter, 区分番号, 枝番) → (version, 項番 range).
    by_section: HashMap<SectionKey, Vec<ItemRange>>,
    /// Letter-only patterns.
    by_alpha: HashMap<String, Vec<usize>>,
    by_bundled_test: HashMap<u8, Vec<usize>>,
    by_shikibetsu: HashMap<String, Vec<usize>>,
    by_outpatient_mgmt: HashMap<u8, Vec<usize>>,
    by_time_addition: HashMap<u8, Vec<usize>>,
    by_test_judgement: HashMap<u8, Vec<usize>>,
    by_test_judgement_group: HashMap<u16, Vec<usize>>,
    by_tapering: HashMap<u8, Vec<usize>>,
    by_code_kind: HashMap<CodeKind, Vec<usize>>,
    /// Versions that combine other sets (union, within or except).
    composite: Vec<bool>,
    /// The composite versions, ascending.
    composite_list: Vec<usize>,
    /// Set id → the rules that name it.
    rules_by_set: HashMap<String, Vec<RuleRef>>,
}

fn push<K: std::hash::Hash + Eq, V>(m: &mut HashMap<K, Vec<V>>, k: K, v: V) {
    m.entry(k).or_default().push(v);
}

impl Index {
    pub(super) fn build(r: &ReceiptRules) -> Index {
        let mut ix = Index {
            composite: vec![false; r.sets.len()],
            ..Index::default()
        };
        for (v, s) in r.sets.iter().enumerate() {
            push(&mut ix.versions, s.id.clone(), v);
            for c in &s.codes {
                if let Ok(n) = c.parse::<u32>() {
                    push(&mut ix.by_code, n, v);
                }
            }
            for k in &s.kubun {
                if let Ok(p) = KubunPattern::parse(k) {
                    match p.section {
                        None => push(&mut ix.by_alpha, p.alpha, v),
                        Some((sec, br)) => {
                            push(&mut ix.by_section, (p.alpha, sec, br), (v, p.items))
                        }
                    }
                }
            }
            for &x in &s.bundled_test {
                push(&mut ix.by_bundled_test, x, v);
            }
            for x in &s.sections {
                push(&mut ix.by_shikibetsu, x.clone(), v);
            }
            for &x in &s.outpatient_mgmt {
                push(&mut ix.by_outpatient_mgmt, x, v);
            }
            for &x in &s.time_addition {
                push(&mut ix.by_time_addition, x, v);
            }
            for &x in &s.test_judgement {
                push(&mut ix.by_test_judgement, x, v);
            }
            for &x in &s.test_judgement_group {
                push(&mut ix.by_test_judgement_group, x, v);
            }
            for &x in &s.tapering {
                push(&mut ix.by_tapering, x, v);
            }
            for &x in &s.code_kinds {
                push(&mut ix.by_code_kind, x, v);
            }
            ix.composite[v] = !s.union.is_empty() || !s.within.is_empty() || !s.except.is_empty();
        }
        ix.composite_list = (0..r.sets.len()).filter(|&v| ix.composite[v]).collect();
        for vs in ix.versions.values_mut() {
            vs.sort_by_key(|&v| r.sets[v].from);
        }
        let mut add = |id: &str, rr: RuleRef| {
            let v = ix.rules_by_set.entry(id.to_string()).or_default();
            if !v.contains(&rr) {
                v.push(rr);
            }
        };
        for (i, x) in r.bundles.iter().enumerate() {
            add(
                &x.members,
                RuleRef {
                    kind: RuleKind::Bundle,
                    index: i,
                },
            );
        }
        for (i, x) in r.inclusions.iter().enumerate() {
            let rr = RuleRef {
                kind: RuleKind::Inclusion,
                index: i,
            };
            for s in std::iter::once(&x.by).chain(&x.includes).chain(&x.except) {
                add(s, rr);
            }
        }
        for (i, x) in r.tapers.iter().enumerate() {
            let rr = RuleRef {
                kind: RuleKind::Taper,
                index: i,
            };
            let opt = [&x.with_fee, &x.without_fee, &x.second];
            for s in std::iter::once(&x.members)
                .chain(&x.unless)
                .chain(&x.not_with)
                .chain(&x.also_counts)
                .chain(opt.into_iter().flatten())
            {
                add(s, rr);
            }
        }
        for (i, x) in r.requires.iter().enumerate() {
            let rr = RuleRef {
                kind: RuleKind::Requires,
                index: i,
            };
            for s in std::iter::once(&x.code).chain(&x.needs) {
                add(s, rr);
            }
        }
        for (i, x) in r.conflicts.iter().enumerate() {
            let rr = RuleRef {
                kind: RuleKind::Conflicts,
                index: i,
            };
            add(&x.a, rr);
            add(&x.b, rr);
        }
        for (i, x) in r.not_within.iter().enumerate() {
            let rr = RuleRef {
                kind: RuleKind::NotWithin,
                index: i,
            };
            add(&x.code, rr);
            add(&x.after, rr);
        }
        for (i, x) in r.replaces.iter().enumerate() {
            let rr = RuleRef {
                kind: RuleKind::Replaces,
                index: i,
            };
            add(&x.auto, rr);
            add(&x.by, rr);
        }
        for (i, x) in r.times.iter().enumerate() {
            add(
                &x.codes,
                RuleRef {
                    kind: RuleKind::Time,
                    index: i,
                },
            );
        }
        ix
    }

    pub(super) fn set_version(&self, sets: &[CodeSet], id: &str, date: NaiveDate) -> Option<usize> {
        self.versions
            .get(id)?
            .iter()
            .copied()
            .find(|&v| in_force(sets[v].from, sets[v].to, date))
    }

    /// The versions one of whose own criteria (not union/within/except) selects the line.
    fn direct(&self, f: &LineFacts) -> Vec<usize> {
        let mut out = Vec::new();
        let mut take = |v: Option<&Vec<usize>>| out.extend(v.into_iter().flatten().copied());
        take(self.by_code.get(&f.code));
        if !f.alpha.is_empty() {
            take(self.by_alpha.get(f.alpha));
        }
        take(
            self.by_bundled_test
                .get(&f.bundled_test)
                .filter(|_| f.bundled_test != 0),
        );
        if let Some(s) = f.shikibetsu {
            take(self.by_shikibetsu.get(s));
        }
        take(
            self.by_outpatient_mgmt
                .get(&f.outpatient_mgmt)
                .filter(|_| f.outpatient_mgmt != 0),
        );
        if f.notice_class2 == 7 && f.time_addition != 0 {
            take(self.by_time_addition.get(&f.time_addition));
        }
        take(
            self.by_test_judgement
                .get(&f.test_judgement)
                .filter(|_| f.test_judgement != 0),
        );
        take(
            self.by_test_judgement_group
                .get(&f.test_judgement_group)
                .filter(|_| f.test_judgement_group != 0),
        );
        take(
            self.by_tapering
                .get(&f.tapering)
                .filter(|_| f.tapering != 0),
        );
        take(self.by_code_kind.get(&CodeKind::of(f.code)));
        if !f.alpha.is_empty() {
            if let Some(v) = self
                .by_section
                .get(&(f.alpha.to_string(), f.section, f.branch))
            {
                out.extend(
                    v.iter()
                        .filter(|(_, items)| items.is_none_or(|(a, b)| a <= f.item && f.item <= b))
                        .map(|(v, _)| *v),
                );
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Membership of version `v` given the directly matched versions (memoised per call).
    fn eval(
        &self,
        r: &ReceiptRules,
        v: usize,
        direct: &[usize],
        date: NaiveDate,
        memo: &mut HashMap<usize, bool>,
    ) -> bool {
        if let Some(&m) = memo.get(&v) {
            return m;
        }
        let s = &r.sets[v];
        let by_id = |id: &str, memo: &mut HashMap<usize, bool>| -> bool {
            self.set_version(&r.sets, id, date)
                .is_some_and(|w| self.eval(r, w, direct, date, memo))
        };
        let mut m = direct.binary_search(&v).is_ok() || s.union.iter().any(|u| by_id(u, memo));
        if m && !s.within.is_empty() {
            m = s.within.iter().any(|u| by_id(u, memo));
        }
        if m && s.except.iter().any(|u| by_id(u, memo)) {
            m = false;
        }
        memo.insert(v, m);
        m
    }

    pub(super) fn member(
        &self,
        r: &ReceiptRules,
        v: usize,
        f: &LineFacts,
        date: NaiveDate,
    ) -> bool {
        let direct = self.direct(f);
        if !self.composite[v] {
            return direct.binary_search(&v).is_ok();
        }
        self.eval(r, v, &direct, date, &mut HashMap::new())
    }

    pub(super) fn sets_of(&self, r: &ReceiptRules, f: &LineFacts, date: NaiveDate) -> Vec<usize> {
        let direct = self.direct(f);
        let mut memo = HashMap::new();
        let mut out: Vec<usize> = direct
            .iter()
            .copied()
            .filter(|&v| !self.composite[v] && in_force(r.sets[v].from, r.sets[v].to, date))
            .collect();
        for &v in &self.composite_list {
            if in_force(r.sets[v].from, r.sets[v].to, date)
                && self.eval(r, v, &direct, date, &mut memo)
            {
                out.push(v);
            }
        }
        out.sort_unstable();
        out
    }

    pub(super) fn rules_of(
        &self,
        r: &ReceiptRules,
        f: &LineFacts,
        date: NaiveDate,
    ) -> Vec<RuleRef> {
        let mut out: Vec<RuleRef> = Vec::new();
        for v in self.sets_of(r, f, date) {
            for &rr in self.rules_by_set.get(&r.sets[v].id).into_iter().flatten() {
                let (_, _, from, to) = r.rule_info(rr);
                if in_force(from, to, date) {
                    out.push(rr);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}
