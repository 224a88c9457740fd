//! Step 2, 剤: the lines of a 剤 (`{section, count, lines}`). Its 診療識別 is checked against the
//! code table of the pricing data; each procedure line is an input line that must fit the
//! 診療識別; its drugs together are one 薬剤料 line (Σ 薬価 × quantity → points by the
//! 告示's rule); each material is one 特定保険医療材料料 line (材料価格 × quantity → points).
//! Prices are the 医薬品/特定器材マスター's on the date of service: a drug with no price on
//! the date is an error naming the code, the date and the latest master loaded.

use super::error::CalcError;
use super::facts::Facts;
use super::lines::{input_line, Src};
use super::notes::{trace, Notes};
use super::work::Work;
use crate::claim::Item;
use crate::group::{GroupLine, Section};
use crate::output::{subtotal, Line, Price, PriceKind, PricePart};
use crate::text::Text;
use crate::{lit, tx};
use chrono::NaiveDate;
use masters::Code;
use rules::pricing::SectionDef;
use rules::receipt::CodeKind;
use rust_decimal::Decimal;

/// The lines of every 剤 of the claim, in claim order, appended to `work`.
pub(crate) fn all_groups<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    work: &mut Vec<Work<'a>>,
) -> Result<(), CalcError> {
    for (i, it) in f.claim.items.iter().enumerate() {
        if let Some(lines) = &it.lines {
            group_lines(f, n, i, it, lines, work)?;
        }
    }
    Ok(())
}

/// The lines of the 剤 `items[i]`, appended to `work` (procedures and materials in claim
/// order, then the 薬剤料 line).
fn group_lines<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    i: usize,
    it: &'a Item,
    lines: &'a [GroupLine],
    work: &mut Vec<Work<'a>>,
) -> Result<(), CalcError> {
    let section = it.section.unwrap_or(Section(0));
    let pricing = f.engine.pricing;
    let Some(def) = pricing.section(section.0) else {
        let known: Vec<&str> = pricing.sections.iter().map(|s| s.code.as_str()).collect();
        return Err(CalcError::ItemField {
            index: i,
            field: "section",
            message: format!(
                "\"{section}\" is not a 診療識別 santei prices (the UKE code table, ../shared/specs/uke/shinryo-shikibetsu.tsv, as listed in {}): one of {}",
                pricing.file,
                known.join(", ")
            ),
        });
    };
    let mut drugs: Vec<usize> = Vec::new();
    for (j, l) in lines.iter().enumerate() {
        let kind = CodeKind::of(l.code.0);
        let misfit = |what: &str| CalcError::Line {
            index: i,
            line: j,
            message: format!(
                "{} is {what}, which does not fit 診療識別 {} {} ({})",
                l.code, def.code, def.name, def.source
            ),
        };
        match kind {
            CodeKind::Drug | CodeKind::Device if !def.drugs => {
                return Err(misfit(if kind == CodeKind::Drug {
                    "a drug (医薬品)"
                } else {
                    "a material (特定器材)"
                }))
            }
            CodeKind::Drug => drugs.push(j),
            CodeKind::Device => work.push(material_line(f, n, i, j, it, l, section)?),
            CodeKind::Procedure => {
                let src = Src {
                    item: i,
                    line: Some(j),
                    code: l.code,
                    count: it.count,
                    points: None,
                    section: Some(section),
                };
                let w = input_line(f, n, &src)?;
                if let Some(r) = w.record {
                    if !def.letters.iter().any(|x| *x == r.code_alpha) {
                        return Err(misfit(&format!(
                            "{} of 区分 {}{:03} (fits {})",
                            r.name,
                            r.code_alpha,
                            r.section,
                            def.letters.join(", ")
                        )));
                    }
                }
                work.push(w);
            }
            CodeKind::Comment | CodeKind::Other => {
                return Err(misfit("not a procedure, drug or material code"))
            }
        }
    }
    if !drugs.is_empty() {
        work.push(drug_line(f, n, i, it, def, section, &drugs)?);
    }
    Ok(())
}

/// The quantity of a drug or material line (required).
fn quantity(i: usize, j: usize, l: &GroupLine, what: &str) -> Result<Decimal, CalcError> {
    l.quantity.ok_or_else(|| {
        CalcError::Input(format!(
            "items[{i}].lines[{j}].quantity: missing: {} is {what} and needs its quantity",
            l.code
        ))
    })
}

/// The publication date in the name of a loaded master file (`y_ALL20240531.csv` → 2024-05-31).
fn published(file: &str, prefix: &str) -> Option<NaiveDate> {
    let digits = file.rsplit('/').next()?.strip_prefix(prefix)?;
    masters::dataset::published_date(digits)
}

/// The name of the loaded master file of a kind.
fn master_file<'a>(f: &Facts<'a>, drug: bool) -> Option<&'a str> {
    f.data()
        .files
        .iter()
        .filter(|x| {
            if drug {
                x.kind == masters::FileKind::DrugFull
            } else {
                x.kind == masters::FileKind::DeviceFull
            }
        })
        .map(|x| x.file.as_str())
        .next_back()
}

/// A price of the master on the date, or why there is none: the row must be in force
/// (変更年月日 ≤ date ≤ 廃止年月日) and no 薬価改定 may fall between the master's publication and
/// the date.
#[allow(clippy::too_many_arguments)]
fn priced_on(
    f: &Facts<'_>,
    code: Code,
    drug: bool,
    changed_on: Option<NaiveDate>,
    abolished_on: Option<NaiveDate>,
    file: &str,
) -> Result<(), String> {
    let date = f.date;
    if let Some(c) = changed_on.filter(|&c| date < c) {
        return Err(format!(
            "{code} has no price on {date}: the row of {file}, the latest {} loaded, is priced from {c}",
            if drug { "医薬品マスター" } else { "特定器材マスター" }
        ));
    }
    if let Some(a) = abolished_on.filter(|&a| date > a) {
        return Err(format!(
            "{code} was abolished on {a} ({file}); it has no price on {date}"
        ));
    }
    let prefix = if drug { "y_ALL" } else { "t_ALL" };
    if let Some(p) = published(file, prefix) {
        if let Some(r) = f.engine.pricing.revision_between(p, date) {
            return Err(format!(
                "{code} has no price on {date}: the latest {} loaded is {file} (published {p}), before the {} of {} ({}); load a master published after it",
                if drug { "医薬品マスター" } else { "特定器材マスター" },
                r.name,
                r.date,
                r.source
            ));
        }
    }
    Ok(())
}

/// The 薬剤料 line of a 剤: its drugs' yen for one 所定単位, the points by the rule of its
/// 診療識別, × the 剤's count.
fn drug_line<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    i: usize,
    it: &'a Item,
    def: &SectionDef,
    section: Section,
    drugs: &[usize],
) -> Result<Work<'a>, CalcError> {
    let lines = it.lines.as_deref().unwrap_or_default();
    let no_master = |j: usize| {
        CalcError::Line {
        index: i,
        line: j,
        message: format!(
            "{} is a drug code (医薬品); no 医薬品マスター (y_ALL….csv) is loaded ({}): load it with --master",
            lines[j].code,
            f.data().label
        ),
    }
    };
    let Some(master) = f.data().drugs.as_ref() else {
        return Err(no_master(drugs[0]));
    };
    let file = master_file(f, true).unwrap_or("医薬品マスター");
    let mut parts = Vec::with_capacity(drugs.len());
    let mut yen = Decimal::ZERO;
    for &j in drugs {
        let l = &lines[j];
        let q = quantity(i, j, l, "a drug (医薬品)")?;
        let d = master.get(&l.code).ok_or_else(|| CalcError::Line {
            index: i,
            line: j,
            message: format!("unknown drug code {} (not in {file})", l.code),
        })?;
        priced_on(f, l.code, true, d.changed_on, d.abolished_on, file).map_err(|message| {
            CalcError::Line {
                index: i,
                line: j,
                message,
            }
        })?;
        let y = d.price * q;
        yen += y;
        let source = match d.changed_on {
            Some(c) => tx!(n.t, "{} {} (変更年月日 {})", file, l.code, c),
            None => tx!(n.t, "{} {}", file, l.code),
        };
        parts.push(PricePart {
            code: l.code,
            name: n.t.str(&d.name),
            quantity: q,
            unit: n.t.str(&d.unit),
            price: d.price,
            yen: y,
            source,
        });
    }
    let rule = &f.engine.pricing.drug;
    let Some((group, small)) = f.engine.pricing.small_amount(section.0) else {
        return Err(CalcError::ItemField {
            index: i,
            field: "section",
            message: format!(
                "cannot decide: no 薬剤料 rule for 診療識別 {} {} in {}",
                def.code, def.name, f.engine.pricing.file
            ),
        });
    };
    let points = crate::rounding::drug_points(yen, rule, small);
    let how = if yen <= rule.one_point_max_yen {
        let what = match small {
            rules::pricing::SmallAmount::OnePoint => "1点",
            rules::pricing::SmallAmount::NotCharged => "not charged",
        };
        tx!(
            n.t,
            "{} 円 ≤ {} 円: {} (診療識別 {}; {})",
            yen,
            rule.one_point_max_yen,
            what,
            &def.code,
            &group.source
        )
    } else {
        tx!(
            n.t,
            "{} 円 > {} 円: {} 円 / {} = {} → {} 点 ({}; {})",
            yen,
            rule.one_point_max_yen,
            yen,
            rule.yen_per_point,
            (yen / rule.yen_per_point).normalize(),
            points,
            rule.rounding.as_str(),
            &rule.source
        )
    };
    let first = &parts[0];
    let name = if parts.len() == 1 {
        first.name
    } else {
        let d = master.get(&first.code).map_or("", |d| d.name.as_str());
        tx!(n.t, "{} 他{}種 (薬剤料)", d, parts.len() as i64 - 1)
    };
    let code = first.code;
    trace!(
        n,
        lit!("drug_price"),
        tx!(
            n.t,
            "items[{}] 診療識別 {}: {} drugs on {}",
            i,
            &def.code,
            parts.len() as i64,
            f.date
        ),
        n.t.str(file),
        how,
    );
    n.prices.push(Price {
        kind: PriceKind::Drug,
        yen,
        points,
        how,
        parts,
    });
    Ok(priced_work(
        f,
        n,
        i,
        drugs,
        it.count,
        section,
        code,
        name,
        points,
        file,
        lit!("drug_price"),
    ))
}

/// One material line of a 剤: 材料価格 × quantity → points, × the 剤's count.
fn material_line<'a>(
    f: &Facts<'a>,
    n: &mut Notes,
    i: usize,
    j: usize,
    it: &'a Item,
    l: &GroupLine,
    section: Section,
) -> Result<Work<'a>, CalcError> {
    let Some(master) = f.data().devices.as_ref() else {
        return Err(CalcError::Line {
            index: i,
            line: j,
            message: format!(
                "{} is a material code (特定器材); no 特定器材マスター (t_ALL….csv) is loaded ({}): load it with --master",
                l.code,
                f.data().label
            ),
        });
    };
    let file = master_file(f, false).unwrap_or("特定器材マスター");
    let q = quantity(i, j, l, "a material (特定器材)")?;
    let d = master.get(&l.code).ok_or_else(|| CalcError::Line {
        index: i,
        line: j,
        message: format!("unknown material code {} (not in {file})", l.code),
    })?;
    priced_on(f, l.code, false, d.changed_on, d.abolished_on, file).map_err(|message| {
        CalcError::Line {
            index: i,
            line: j,
            message,
        }
    })?;
    let rule = &f.engine.pricing.material;
    let yen = d.price * q;
    let points = crate::rounding::material_points(yen, rule);
    let how = tx!(
        n.t,
        "{} 円 / {} = {} → {} 点 ({}; {})",
        yen,
        rule.yen_per_point,
        (yen / rule.yen_per_point).normalize(),
        points,
        rule.rounding.as_str(),
        &rule.source
    );
    let name = n.t.str(&d.name);
    let source = match d.changed_on {
        Some(c) => tx!(n.t, "{} {} (変更年月日 {})", file, l.code, c),
        None => tx!(n.t, "{} {}", file, l.code),
    };
    trace!(
        n,
        lit!("material_price"),
        tx!(
            n.t,
            "items[{}].lines[{}] {} on {}",
            i,
            j as i64,
            l.code,
            f.date
        ),
        n.t.str(file),
        how,
    );
    n.prices.push(Price {
        kind: PriceKind::Material,
        yen,
        points,
        how,
        parts: vec![PricePart {
            code: l.code,
            name,
            quantity: q,
            unit: n.t.str(&d.unit),
            price: d.price,
            yen,
            source,
        }],
    });
    Ok(priced_work(
        f,
        n,
        i,
        &[j],
        it.count,
        section,
        l.code,
        name,
        points,
        file,
        lit!("material_price"),
    ))
}

/// The work line of a priced drug or material line (its price is the last in `n.prices`).
#[allow(clippy::too_many_arguments)]
fn priced_work<'a>(
    _f: &Facts<'a>,
    n: &mut Notes,
    i: usize,
    parts: &[usize],
    count: i64,
    section: Section,
    code: Code,
    name: Text,
    points: Decimal,
    file: &str,
    rule: Text,
) -> Work<'a> {
    let source = n.t.str(file);
    Work {
        line: Line {
            code: Some(code),
            name,
            points,
            count,
            subtotal: subtotal(points, count),
            origin: "input",
            rule,
            verified: true,
            source,
            section: Some(section),
            group: Some(i as u32),
            price: Some((n.prices.len() - 1) as u32),
        },
        name: "",
        family: None,
        input: Some(i),
        sub: parts.first().copied(),
        parts: parts.to_vec(),
        removed: false,
        record: None,
    }
}
