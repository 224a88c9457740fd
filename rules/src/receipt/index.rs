//! Lookups built once at load: code and master-field values → the set versions that select
//! them, and set ids → the rules that name them.

use super::*;

/// A cheap hasher for the small integer keys of the lookups (one multiply; no DoS concern: the
/// keys come from santei's own data and the official master).
#[derive(Clone, Copy, Default)]
pub(super) struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time (set ids are looked up per claim).
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(b));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last 1–7 bytes, little-endian (as zero-padded eight; no copy call).
            let n = rest
                .iter()
                .rev()
                .fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
            self.write_u64(n);
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        let h = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 29);
    }
}

type HashMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// A lookup by a one-byte key (a letter, a master field's small code): an index, no hashing.
#[derive(Clone, Debug)]
struct ByteMap(Vec<Vec<usize>>);

impl Default for ByteMap {
    fn default() -> Self {
        ByteMap(vec![Vec::new(); 256])
    }
}

impl ByteMap {
    fn push(&mut self, k: u8, v: usize) {
        self.0[usize::from(k)].push(v);
    }
    fn get(&self, k: u8) -> Option<&Vec<usize>> {
        self.0.get(usize::from(k)).filter(|v| !v.is_empty())
    }
}

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

/// The versions of the sets one set version combines (one list per id named).
#[derive(Clone, Debug, Default)]
struct Refs {
    /// The versions reached through `union` (and through the `union`s of sets that have no
    /// `within`/`except` of their own), flattened: a line is a member when one of them matches
    /// directly, on a date inside the window (the periods of the chain, intersected).
    atoms: Vec<(usize, NaiveDate, Option<NaiveDate>)>,
    /// The versions reached through `union` that have a `within` or `except` (evaluated).
    nested: Vec<(usize, NaiveDate, Option<NaiveDate>)>,
    within: Vec<Vec<usize>>,
    except: Vec<Vec<usize>>,
}

fn intersect(
    a: (NaiveDate, Option<NaiveDate>),
    b: (NaiveDate, Option<NaiveDate>),
) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let from = a.0.max(b.0);
    let to = match (a.1, b.1) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    to.is_none_or(|t| from <= t).then_some((from, to))
}

/// (letter, 区分番号, 枝番) of a 告示区分 pattern.
type SectionKey = (u8, u16, u8);
/// A set version and the 項番 range its pattern takes.
type ItemRange = (usize, Option<(u16, u16)>);

#[derive(Clone, Debug, Default)]
pub(super) struct Index {
    /// Set id → its versions (indices into `sets`), by `from`.
    versions: HashMap<String, Vec<usize>>,
    /// Set id → its number ([`super::SetName`]: the rules' names carry it from the load on).
    num_of: HashMap<String, usize>,
    /// The version of set number `n` in force in period `p` ([`Index::period_of`]; no version
    /// starts or ends inside one) at `n * periods + p`: a claim's question about a rule's set
    /// is an index, not a lookup of its id.
    version_by_num: Vec<Option<usize>>,
    periods: usize,
    by_code: HashMap<u32, Vec<usize>>,
    /// (letter, 区分番号, 枝番) → (version, 項番 range).
    by_section: HashMap<SectionKey, Vec<ItemRange>>,
    /// Letter-only patterns.
    by_alpha: ByteMap,
    by_bundled_test: ByteMap,
    /// 診療識別 written as two digits ("00".."99") by number; any other text in `by_shikibetsu`.
    by_shikibetsu_num: ByteMap,
    by_shikibetsu: HashMap<String, Vec<usize>>,
    by_outpatient_mgmt: ByteMap,
    by_time_addition: ByteMap,
    by_test_judgement: ByteMap,
    by_test_judgement_group: HashMap<u16, Vec<usize>>,
    by_tapering: ByteMap,
    /// By [`CodeKind`] (its place in the enum).
    by_code_kind: [Vec<usize>; 5],
    /// Versions that combine other sets (union, within or except).
    composite: Vec<bool>,
    /// For each version: the versions of each id its `union`, `within` and `except` name.
    refs: Vec<Refs>,
    /// Version → the composite versions whose membership it can make true (through `union`,
    /// directly or further down): only those are evaluated for a line.
    triggers: Vec<Vec<usize>>,
    /// Set version → the rules that name its id.
    rules_by_version: Vec<Vec<RuleRef>>,
    /// The first days of the periods after the first ([`Index::period_of`]): every set
    /// version's `from` and the day after its `to`, ascending, without repeats.
    period_starts: Vec<NaiveDate>,
    /// Every rule, sorted (by kind, then index): a rule's number is its place here.
    rule_order: Vec<RuleRef>,
    /// Set version → the numbers of the rules that name its id, with each rule's period.
    rule_nums_by_version: Vec<Vec<(u32, NaiveDate, Option<NaiveDate>)>>,
    /// Set version → the numbers of the rules that can act only when a claim line is a member
    /// of its id (its *subject*: `bundle.members`, `inclusion.by`/`includes`,
    /// `requires.code`, `conflicts.a`, `not_within.code`, `replaces.auto`, `time.codes`, and
    /// every set of a `taper`), with each rule's period: a claim's candidate rules
    /// ([`Index::mark_subject_rules`]). A rule none of whose subject sets has a claim line
    /// gives no finding (each step loops over the claim lines of its subject set).
    subject_nums_by_version: Vec<Vec<(u32, NaiveDate, Option<NaiveDate>)>>,
    /// As `subject_nums_by_version`, for the roles that are a subject only when the claim has
    /// history lines (`inclusion.includes`: without a `by` line in the claim, only a `by` line
    /// of the history includes a claim line).
    history_subject_nums_by_version: Vec<Vec<(u32, NaiveDate, Option<NaiveDate>)>>,
    /// The subject rules of each set version in force, as bits by rule number, precomputed for
    /// each *mark period* (between consecutive `mark_starts`: no subject rule starts or ends
    /// inside one), for mask `(period * versions) + version` (`history_subject_masks` alike):
    /// [`Index::mark_subject_rules`] ORs a line's masks. Only the words with a bit set are kept
    /// (a set version is the subject of a few of the hundreds of rules: ORing every word cost
    /// ≈1.5k instructions per claim on the benchmark claim, callgrind 2026-12-08).
    subject_masks: SparseMasks,
    history_subject_masks: SparseMasks,
    mark_starts: Vec<NaiveDate>,
    /// The first date on which a set version uses explicit codes no official master confirms
    /// (`ReceiptRules::unverified_on` of some version); `None`: no such date.
    first_unverified: Option<NaiveDate>,
}

/// A 診療識別 written as two ASCII digits, as its number.
fn two_digits(s: &str) -> Option<u8> {
    match s.as_bytes() {
        &[a @ b'0'..=b'9', b @ b'0'..=b'9'] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

fn push<K: std::hash::Hash + Eq, V>(m: &mut HashMap<K, Vec<V>>, k: K, v: V) {
    m.entry(k).or_default().push(v);
}

/// Set id → the rules whose subject it is (see `Index::subject_nums_by_version`).
type Subjects = std::collections::HashMap<String, Vec<RuleRef>>;

fn add_subject(m: &mut Subjects, id: &str, kind: RuleKind, index: usize) {
    let rr = RuleRef { kind, index };
    let v = m.entry(id.to_string()).or_default();
    if !v.contains(&rr) {
        v.push(rr);
    }
}

/// Every set a 逓減 rule names, in each of its roles.
pub(super) fn taper_sets(x: &Taper) -> impl Iterator<Item = &super::SetName> {
    let opt = [&x.with_fee, &x.without_fee, &x.second];
    std::iter::once(&x.members)
        .chain(&x.unless)
        .chain(&x.not_with)
        .chain(&x.also_counts)
        .chain(opt.into_iter().flatten())
}

/// The subjects of every rule: (always, only when the claim has history lines).
fn subjects_by_set(r: &ReceiptRules) -> (Subjects, Subjects) {
    let mut m = Subjects::new();
    let mut with_history = Subjects::new();
    for (i, x) in r.inclusions.iter().enumerate() {
        // Without a claim line of `by` (and, with history, of `includes`) nothing is priced
        // 0, refused or warned about.
        add_subject(&mut m, &x.by, RuleKind::Inclusion, i);
        for s in &x.includes {
            add_subject(&mut with_history, s, RuleKind::Inclusion, i);
        }
    }
    let mut add = |id: &str, kind: RuleKind, index: usize| add_subject(&mut m, id, kind, index);
    for (i, x) in r.bundles.iter().enumerate() {
        add(&x.members, RuleKind::Bundle, i);
    }
    for (i, x) in r.tapers.iter().enumerate() {
        // Every role: `drug_kinds` refuses a fee line of `with_fee` without members.
        for s in taper_sets(x) {
            add(s, RuleKind::Taper, i);
        }
    }
    for (i, x) in r.requires.iter().enumerate() {
        add(&x.code, RuleKind::Requires, i);
    }
    for (i, x) in r.conflicts.iter().enumerate() {
        add(&x.a, RuleKind::Conflicts, i);
    }
    for (i, x) in r.not_within.iter().enumerate() {
        add(&x.code, RuleKind::NotWithin, i);
    }
    for (i, x) in r.replaces.iter().enumerate() {
        add(&x.auto, RuleKind::Replaces, i);
    }
    for (i, x) in r.times.iter().enumerate() {
        add(&x.codes, RuleKind::Time, i);
    }
    (m, with_history)
}

impl Index {
    pub(super) fn build(r: &ReceiptRules) -> Index {
        let mut ix = Index {
            composite: vec![false; r.sets.len()],
            triggers: vec![Vec::new(); r.sets.len()],
            ..Index::default()
        };
        for (v, s) in r.sets.iter().enumerate() {
            ix.versions.entry(s.id.clone()).or_default().push(v);
            for c in &s.codes {
                if let Ok(n) = c.parse::<u32>() {
                    push(&mut ix.by_code, n, v);
                }
            }
            for k in &s.kubun {
                if let Ok(p) = KubunPattern::parse(k) {
                    let a = p.alpha.as_bytes()[0];
                    match p.section {
                        None => ix.by_alpha.push(a, v),
                        Some((sec, br)) => push(&mut ix.by_section, (a, sec, br), (v, p.items)),
                    }
                }
            }
            for &x in &s.bundled_test {
                ix.by_bundled_test.push(x, v);
            }
            for x in &s.sections {
                match two_digits(x) {
                    Some(d) => ix.by_shikibetsu_num.push(d, v),
                    None => push(&mut ix.by_shikibetsu, x.clone(), v),
                }
            }
            for &x in &s.outpatient_mgmt {
                ix.by_outpatient_mgmt.push(x, v);
            }
            for &x in &s.time_addition {
                ix.by_time_addition.push(x, v);
            }
            for &x in &s.test_judgement {
                ix.by_test_judgement.push(x, v);
            }
            for &x in &s.test_judgement_group {
                push(&mut ix.by_test_judgement_group, x, v);
            }
            for &x in &s.tapering {
                ix.by_tapering.push(x, v);
            }
            for &x in &s.code_kinds {
                ix.by_code_kind[x as usize].push(v);
            }
            ix.composite[v] = !s.union.is_empty() || !s.within.is_empty() || !s.except.is_empty();
        }
        for vs in ix.versions.values_mut() {
            support::sort::sort_by_key(vs, |&v| r.sets[v].from);
        }
        // Every window a membership depends on (a version's period, or the intersection of
        // the periods down a chain of unions) starts on a version's `from` and ends on a
        // version's `to`: between those days nothing changes.
        ix.period_starts = r
            .sets
            .iter()
            .flat_map(|s| {
                std::iter::once(Some(s.from))
                    .chain(std::iter::once(s.to.and_then(|t| t.succ_opt())))
            })
            .flatten()
            .collect();
        ix.period_starts.sort_unstable();
        ix.period_starts.dedup();
        let firsts: Vec<NaiveDate> = std::iter::once(NaiveDate::MIN)
            .chain(ix.period_starts.iter().copied())
            .collect();
        // Numbers in the order of the ids (the same on every load of the same files).
        let mut ids: Vec<&String> = ix.versions.keys().collect();
        ids.sort_unstable();
        ix.periods = firsts.len();
        for (n, id) in ids.iter().enumerate() {
            let vs = &ix.versions[*id];
            ix.version_by_num.extend(firsts.iter().map(|&d| {
                vs.iter()
                    .copied()
                    .find(|&v| in_force(r.sets[v].from, r.sets[v].to, d))
            }));
            ix.num_of.insert((*id).clone(), n);
        }
        let resolve = |ids: &[String]| -> Vec<Vec<usize>> {
            ids.iter()
                .map(|id| ix.versions.get(id).cloned().unwrap_or_default())
                .collect()
        };
        ix.refs = r
            .sets
            .iter()
            .map(|s| {
                let mut refs = Refs {
                    within: resolve(&s.within),
                    except: resolve(&s.except),
                    ..Refs::default()
                };
                // Walk the unions: (version, window) pairs, the window narrowing down the chain.
                let mut stack: Vec<(usize, (NaiveDate, Option<NaiveDate>))> = resolve(&s.union)
                    .into_iter()
                    .flatten()
                    .filter_map(|w| {
                        intersect((s.from, s.to), (r.sets[w].from, r.sets[w].to)).map(|p| (w, p))
                    })
                    .collect();
                let mut seen = std::collections::HashSet::new();
                while let Some((w, win)) = stack.pop() {
                    if !seen.insert((w, win)) {
                        continue;
                    }
                    let t = &r.sets[w];
                    if !t.within.is_empty() || !t.except.is_empty() {
                        refs.nested.push((w, win.0, win.1));
                        continue;
                    }
                    refs.atoms.push((w, win.0, win.1));
                    for u in resolve(&t.union).into_iter().flatten() {
                        if let Some(p) = intersect(win, (r.sets[u].from, r.sets[u].to)) {
                            stack.push((u, p));
                        }
                    }
                }
                refs
            })
            .collect();
        // For each composite version: every version reachable through `union` (any version of
        // a named id: the date picks one at evaluation), itself included.
        for v in (0..r.sets.len()).filter(|&v| ix.composite[v]) {
            let mut seen = vec![false; r.sets.len()];
            let mut stack = vec![v];
            while let Some(x) = stack.pop() {
                if std::mem::replace(&mut seen[x], true) {
                    continue;
                }
                ix.triggers[x].push(v);
                for u in &r.sets[x].union {
                    stack.extend(ix.versions.get(u).into_iter().flatten().copied());
                }
            }
        }
        let mut rules_by_set = Subjects::new();
        let mut add = |id: &str, rr: RuleRef| add_subject(&mut rules_by_set, id, rr.kind, rr.index);
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
            for s in taper_sets(x) {
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
        ix.rules_by_version = r
            .sets
            .iter()
            .map(|s| rules_by_set.get(&s.id).cloned().unwrap_or_default())
            .collect();
        let mut order: Vec<RuleRef> = rules_by_set.values().flatten().copied().collect();
        order.sort_unstable();
        order.dedup();
        let nums = |rs: &[RuleRef]| -> Vec<(u32, NaiveDate, Option<NaiveDate>)> {
            rs.iter()
                .map(|&rr| {
                    let (_, _, from, to) = r.rule_info(rr);
                    let n = order.binary_search(&rr).unwrap_or_default() as u32;
                    (n, from, to)
                })
                .collect()
        };
        ix.rule_nums_by_version = ix.rules_by_version.iter().map(|rs| nums(rs)).collect();
        let (subjects, with_history) = subjects_by_set(r);
        let by_version = |m: &Subjects| -> Vec<Vec<(u32, NaiveDate, Option<NaiveDate>)>> {
            r.sets
                .iter()
                .map(|s| nums(m.get(&s.id).map_or(&[][..], |v| &v[..])))
                .collect()
        };
        ix.subject_nums_by_version = by_version(&subjects);
        ix.history_subject_nums_by_version = by_version(&with_history);
        ix.rule_order = order;
        ix.build_subject_masks();
        ix.first_unverified = r
            .sets
            .iter()
            .filter(|s| !s.codes.is_empty())
            .filter_map(|s| {
                if s.unverified {
                    Some(NaiveDate::MIN)
                } else {
                    s.codes_confirmed_through.and_then(|t| t.succ_opt())
                }
            })
            .min();
        ix
    }

    /// Whether some set version may use unconfirmed explicit codes on `date` (false: none
    /// does, `ReceiptRules::unverified_on` is false for every version).
    pub(super) fn any_unverified_on(&self, date: NaiveDate) -> bool {
        self.first_unverified.is_some_and(|f| date >= f)
    }

    /// The period `date` falls in: the number of period starts on or before it.
    pub(super) fn period_of(&self, date: NaiveDate) -> usize {
        self.period_starts.partition_point(|&s| s <= date)
    }

    pub(super) fn period_count(&self) -> usize {
        self.period_starts.len() + 1
    }

    /// The version of set `id` in force in period `period` (of [`Index::period_of`]): what
    /// [`Index::set_version`] gives on every date of the period.
    pub(super) fn set_version_in(&self, id: &str, period: usize) -> Option<usize> {
        self.version_in(self.num_of.get(id).copied(), period)
    }

    /// [`Index::set_version_in`] of a rule's set: by its number when the rules resolved it
    /// ([`Index::resolve`]), by its text otherwise.
    #[inline]
    pub(super) fn set_version_of(&self, name: &super::SetName, period: usize) -> Option<usize> {
        match name.num() {
            Some(n) => {
                debug_assert_eq!(self.num_of.get(name.as_str()), Some(&n), "{name}");
                self.version_in(Some(n), period)
            }
            None => self.set_version_in(name, period),
        }
    }

    #[inline]
    fn version_in(&self, num: Option<usize>, period: usize) -> Option<usize> {
        if period >= self.periods {
            return None;
        }
        *self.version_by_num.get(num? * self.periods + period)?
    }

    /// Give a rule's set name its number in this index (none for an id no set has).
    pub(super) fn resolve(&self, name: &mut super::SetName) {
        name.resolve(self.num_of.get(name.as_str()).copied());
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
        let mut out = Vec::with_capacity(16);
        self.direct_into(f, &mut out);
        out
    }

    /// [`Index::direct`] into `out` (cleared first).
    fn direct_into(&self, f: &LineFacts, out: &mut Vec<usize>) {
        out.clear();
        let mut take = |v: Option<&Vec<usize>>| {
            if let Some(v) = v {
                out.extend_from_slice(v);
            }
        };
        take(self.by_code.get(&f.code));
        let alpha = f
            .alpha
            .as_bytes()
            .first()
            .copied()
            .filter(|_| f.alpha.len() == 1);
        if let Some(a) = alpha {
            take(self.by_alpha.get(a));
        }
        take(
            self.by_bundled_test
                .get(f.bundled_test)
                .filter(|_| f.bundled_test != 0),
        );
        if let Some(s) = f.shikibetsu {
            match two_digits(s) {
                Some(d) => take(self.by_shikibetsu_num.get(d)),
                None => take(self.by_shikibetsu.get(s)),
            }
        }
        take(
            self.by_outpatient_mgmt
                .get(f.outpatient_mgmt)
                .filter(|_| f.outpatient_mgmt != 0),
        );
        if f.notice_class2 == 7 && f.time_addition != 0 {
            take(self.by_time_addition.get(f.time_addition));
        }
        take(
            self.by_test_judgement
                .get(f.test_judgement)
                .filter(|_| f.test_judgement != 0),
        );
        take(
            self.by_test_judgement_group
                .get(&f.test_judgement_group)
                .filter(|_| f.test_judgement_group != 0),
        );
        take(self.by_tapering.get(f.tapering).filter(|_| f.tapering != 0));
        take(Some(&self.by_code_kind[CodeKind::of(f.code) as usize]));
        if let Some(a) = alpha {
            if let Some(v) = self.by_section.get(&(a, f.section, f.branch)) {
                out.extend(
                    v.iter()
                        .filter(|(_, items)| items.is_none_or(|(a, b)| a <= f.item && f.item <= b))
                        .map(|(v, _)| *v),
                );
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Membership of version `v` given the directly matched versions (memoised per call).
    fn eval(
        &self,
        r: &ReceiptRules,
        v: usize,
        direct: &[usize],
        date: NaiveDate,
        memo: &mut Vec<(usize, bool)>,
    ) -> bool {
        if let Some(&(_, m)) = memo.iter().find(|(x, _)| *x == v) {
            return m;
        }
        let refs = &self.refs[v];
        // The version of a referenced id in force on the date, and its membership.
        let by_id = |versions: &Vec<usize>, memo: &mut Vec<(usize, bool)>| -> bool {
            versions
                .iter()
                .copied()
                .find(|&w| in_force(r.sets[w].from, r.sets[w].to, date))
                .is_some_and(|w| self.eval(r, w, direct, date, memo))
        };
        let mut m = direct.binary_search(&v).is_ok()
            || refs
                .atoms
                .iter()
                .any(|&(a, f, t)| in_force(f, t, date) && direct.binary_search(&a).is_ok())
            || refs
                .nested
                .iter()
                .any(|&(c, f, t)| in_force(f, t, date) && self.eval(r, c, direct, date, memo));
        if m && !refs.within.is_empty() {
            m = refs.within.iter().any(|u| by_id(u, memo));
        }
        if m && refs.except.iter().any(|u| by_id(u, memo)) {
            m = false;
        }
        memo.push((v, m));
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
        self.eval(r, v, &direct, date, &mut Vec::new())
    }

    pub(super) fn sets_of(&self, r: &ReceiptRules, f: &LineFacts, date: NaiveDate) -> Vec<usize> {
        let mut out = Vec::new();
        self.sets_of_into(r, f, date, &mut SetsScratch::default(), &mut out);
        out
    }

    /// [`Index::sets_of`] appended to `out` (ascending, without repeats, after what `out`
    /// held), with the working buffers in `scratch` (reused from line to line).
    pub(super) fn sets_of_into(
        &self,
        r: &ReceiptRules,
        f: &LineFacts,
        date: NaiveDate,
        scratch: &mut SetsScratch,
        out: &mut Vec<usize>,
    ) {
        let SetsScratch { direct, memo } = scratch;
        self.direct_into(f, direct);
        memo.clear();
        let start = out.len();
        out.extend(
            direct
                .iter()
                .copied()
                .filter(|&v| !self.composite[v] && in_force(r.sets[v].from, r.sets[v].to, date)),
        );
        // Only the composites a direct match can reach (a composite with no criterion of its own
        // and no reachable direct match is false).
        for &d in direct.iter() {
            for &v in &self.triggers[d] {
                if in_force(r.sets[v].from, r.sets[v].to, date)
                    && self.eval(r, v, direct, date, memo)
                {
                    out.push(v);
                }
            }
        }
        out[start..].sort_unstable();
        let mut w = start;
        for k in start..out.len() {
            if w == start || out[w - 1] != out[k] {
                out[w] = out[k];
                w += 1;
            }
        }
        out.truncate(w);
    }

    pub(super) fn rules_of(
        &self,
        r: &ReceiptRules,
        f: &LineFacts,
        date: NaiveDate,
    ) -> Vec<RuleRef> {
        let mut out: Vec<RuleRef> = Vec::new();
        for v in self.sets_of(r, f, date) {
            for &rr in &self.rules_by_version[v] {
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

/// Working buffers of [`Index::sets_of_into`], kept across the lines of a claim.
#[derive(Default)]
pub(super) struct SetsScratch {
    direct: Vec<usize>,
    memo: Vec<(usize, bool)>,
}

/// A set of rules (by their number in the index): what a claim's lines name.
pub(super) struct RuleMarks(Vec<u64>);

/// Bit masks of rule numbers, each kept as its words with a bit set: `(word, bits)`.
#[derive(Debug, Default, Clone)]
pub(super) struct SparseMasks {
    /// Where mask `i`'s words start in `words` (`at[i]..at[i + 1]`).
    at: Vec<u32>,
    words: Vec<(u32, u64)>,
}

impl SparseMasks {
    /// The words of mask `i` with a bit set (none when there is no such mask).
    fn of(&self, i: usize) -> &[(u32, u64)] {
        match (self.at.get(i), self.at.get(i + 1)) {
            (Some(&a), Some(&b)) => self.words.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}

impl Index {
    /// No rule marked yet.
    #[cfg(test)]
    pub(super) fn no_rules(&self) -> RuleMarks {
        self.no_rules_in(Vec::new())
    }

    /// [`Index::no_rules`] in the buffer `buf` (cleared; its allocation reused).
    pub(super) fn no_rules_in(&self, mut buf: Vec<u64>) -> RuleMarks {
        buf.clear();
        buf.resize(self.rule_order.len().div_ceil(64), 0);
        RuleMarks(buf)
    }

    /// The per-period masks of `subject_nums_by_version` and
    /// `history_subject_nums_by_version` (see `subject_masks`).
    fn build_subject_masks(&mut self) {
        let lists = [
            &self.subject_nums_by_version,
            &self.history_subject_nums_by_version,
        ];
        let mut starts: Vec<NaiveDate> = lists
            .iter()
            .flat_map(|l| l.iter().flatten())
            .flat_map(|&(_, from, to)| [Some(from), to.and_then(|t| t.succ_opt())])
            .flatten()
            .collect();
        starts.sort_unstable();
        starts.dedup();
        let words = self.rule_order.len().div_ceil(64);
        let versions = self.subject_nums_by_version.len();
        let periods = starts.len() + 1;
        let masks = |list: &Vec<Vec<(u32, NaiveDate, Option<NaiveDate>)>>| -> SparseMasks {
            let mut m = SparseMasks {
                at: Vec::with_capacity(periods * versions + 1),
                words: Vec::new(),
            };
            let mut dense = vec![0u64; words];
            m.at.push(0);
            for p in 0..periods {
                // Every date of the period gives the same `in_force` as its first.
                let date = if p == 0 {
                    NaiveDate::MIN
                } else {
                    starts[p - 1]
                };
                for rules in list.iter() {
                    dense.fill(0);
                    for &(n, from, to) in rules {
                        if in_force(from, to, date) {
                            dense[n as usize / 64] |= 1 << (n % 64);
                        }
                    }
                    m.words.extend(
                        (0u32..)
                            .zip(dense.iter().copied())
                            .filter(|&(_, bits)| bits != 0),
                    );
                    m.at.push(u32::try_from(m.words.len()).unwrap_or(u32::MAX));
                }
            }
            m
        };
        self.subject_masks = masks(&self.subject_nums_by_version);
        self.history_subject_masks = masks(&self.history_subject_nums_by_version);
        self.mark_starts = starts;
    }

    /// Mark the rules in force on `date` whose subject is one of the set versions `versions`
    /// (a claim line's sets; `history`: the claim has history lines): the rules that can act
    /// on the claim.
    pub(super) fn mark_subject_rules(
        &self,
        versions: &[usize],
        date: NaiveDate,
        history: bool,
        marks: &mut RuleMarks,
    ) {
        let versions_n = self.subject_nums_by_version.len();
        let base = self.mark_starts.partition_point(|&s| s <= date) * versions_n;
        let mut or = |masks: &SparseMasks, v: usize| {
            for &(w, bits) in masks.of(base + v) {
                if let Some(a) = marks.0.get_mut(w as usize) {
                    *a |= bits;
                }
            }
        };
        for &v in versions {
            or(&self.subject_masks, v);
            if history {
                or(&self.history_subject_masks, v);
            }
        }
    }

    /// The marked rules into `out` (cleared first): sorted (by kind, then index), each once.
    pub(super) fn marked_into(&self, marks: &RuleMarks, out: &mut Vec<RuleRef>) {
        out.clear();
        for (w, &bits) in marks.0.iter().enumerate() {
            let mut b = bits;
            while b != 0 {
                let n = w * 64 + b.trailing_zeros() as usize;
                out.push(self.rule_order[n]);
                b &= b - 1;
            }
        }
    }
}

impl RuleMarks {
    /// The buffer, for reuse ([`Index::no_rules_in`]).
    pub(super) fn into_buffer(self) -> Vec<u64> {
        self.0
    }
}

#[cfg(test)]
mod mask_tests {
    use super::*;

    /// The per-period masks mark exactly the rules the dated lists put in force, for every
    /// set version, on each period's first day, the day before and the day after every
    /// boundary (the embedded rules).
    #[test]
    fn masks_mark_what_the_dated_lists_say() {
        let r = ReceiptRules::embedded().unwrap();
        let ix = &r.index;
        let mut days: Vec<NaiveDate> = vec![NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()];
        for &s in &ix.mark_starts {
            days.extend([s.pred_opt().unwrap(), s, s.succ_opt().unwrap()]);
        }
        for date in days {
            for history in [false, true] {
                for v in 0..r.sets.len() {
                    let mut got = ix.no_rules();
                    ix.mark_subject_rules(&[v], date, history, &mut got);
                    let mut want = ix.no_rules();
                    let lists = [
                        &ix.subject_nums_by_version[v],
                        &ix.history_subject_nums_by_version[v],
                    ];
                    for list in lists.iter().take(if history { 2 } else { 1 }) {
                        for &(n, from, to) in list.iter() {
                            if in_force(from, to, date) {
                                want.0[n as usize / 64] |= 1 << (n % 64);
                            }
                        }
                    }
                    assert_eq!(got.0, want.0, "version {v} on {date}, history {history}");
                }
            }
        }
    }
}
