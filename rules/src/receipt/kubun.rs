//! 告示区分 patterns of a `[[set]]`: which procedure-master rows a set takes by their
//! コード表用番号 (項番85 アルファベット部, 項番92 区分番号, 項番93 枝番, 項番94 項番).
//!
//! Grammar: `<letter>` (every code of that letter), `<letter><3 digits>` (that 区分, 枝番 0),
//! `<letter><3 digits>-<branch>` (e.g. `D006-2` = 区分 006 枝番 2), each optionally followed
//! by `:<item>` or `:<first>-<last>` (項番, inclusive). `D007` is only D007 (not D007-2).

use super::LineFacts;

/// A parsed 告示区分 pattern.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KubunPattern {
    /// The letter (アルファベット部), e.g. "D".
    pub alpha: String,
    /// 区分番号 and 枝番; None = every code of the letter.
    pub section: Option<(u16, u8)>,
    /// 項番 range, inclusive; None = every item.
    pub items: Option<(u16, u16)>,
}

impl KubunPattern {
    /// Parse a pattern; the error says what is wrong with it.
    pub fn parse(s: &str) -> Result<KubunPattern, String> {
        let bad = |why: &str| {
            format!(
                "{s:?} is not a 告示区分 pattern ({why}; expected e.g. D, D007, D006-2, D007:1-8)"
            )
        };
        let mut chars = s.chars();
        let alpha = chars.next().ok_or_else(|| bad("empty"))?;
        if !alpha.is_ascii_uppercase() {
            return Err(bad("it must start with a capital letter"));
        }
        let rest = chars.as_str();
        if rest.is_empty() {
            return Ok(KubunPattern {
                alpha: alpha.to_string(),
                section: None,
                items: None,
            });
        }
        let (sec, items) = match rest.split_once(':') {
            Some((a, b)) => (a, Some(b)),
            None => (rest, None),
        };
        let (num, branch) = match sec.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (sec, None),
        };
        if num.len() != 3 || !num.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("区分番号 must be 3 digits"));
        }
        let section: u16 = num.parse().map_err(|_| bad("区分番号"))?;
        let branch: u8 = match branch {
            None => 0,
            Some(b) if !b.is_empty() && b.len() <= 2 && b.bytes().all(|c| c.is_ascii_digit()) => {
                b.parse().map_err(|_| bad("枝番"))?
            }
            Some(_) => return Err(bad("枝番 must be 1 or 2 digits")),
        };
        let items = match items {
            None => None,
            Some(i) => {
                let num = |t: &str| -> Result<u16, String> {
                    if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
                        return Err(bad("項番 must be 1 to 3 digits"));
                    }
                    t.parse().map_err(|_| bad("項番"))
                };
                let (a, b) = match i.split_once('-') {
                    Some((a, b)) => (num(a)?, num(b)?),
                    None => {
                        let n = num(i)?;
                        (n, n)
                    }
                };
                if a > b {
                    return Err(bad("項番 range must be ascending"));
                }
                Some((a, b))
            }
        };
        Ok(KubunPattern {
            alpha: alpha.to_string(),
            section: Some((section, branch)),
            items,
        })
    }

    /// Whether a line's master fields match.
    pub fn matches(&self, f: &LineFacts) -> bool {
        if f.alpha != self.alpha {
            return false;
        }
        if let Some((s, b)) = self.section {
            if f.section != s || f.branch != b {
                return false;
            }
        }
        self.items.is_none_or(|(a, b)| a <= f.item && f.item <= b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(alpha: &'static str, section: u16, branch: u8, item: u16) -> LineFacts<'static> {
        LineFacts {
            code: 160000000,
            alpha,
            section,
            branch,
            item,
            ..LineFacts::default()
        }
    }

    #[test]
    fn patterns_parse_and_match() {
        let p = KubunPattern::parse("D007:1-8").unwrap();
        assert!(p.matches(&facts("D", 7, 0, 1)));
        assert!(p.matches(&facts("D", 7, 0, 8)));
        assert!(!p.matches(&facts("D", 7, 0, 9)));
        assert!(!p.matches(&facts("D", 7, 2, 1)), "D007-2 is not D007");
        let p = KubunPattern::parse("D006-27").unwrap();
        assert_eq!(p.section, Some((6, 27)));
        assert!(p.matches(&facts("D", 6, 27, 3)));
        assert!(!p.matches(&facts("D", 6, 0, 3)));
        let p = KubunPattern::parse("J").unwrap();
        assert!(p.matches(&facts("J", 119, 4, 0)));
        assert!(!p.matches(&facts("K", 0, 0, 0)));
        let p = KubunPattern::parse("J089:2").unwrap();
        assert_eq!(p.items, Some((2, 2)));
    }

    #[test]
    fn bad_patterns_say_why() {
        for bad in [
            "", "d007", "D07", "D0071", "D007-", "D007-123", "D007:", "D007:8-1", "D007:a",
        ] {
            let e = KubunPattern::parse(bad).unwrap_err();
            assert!(e.contains("告示区分 pattern"), "{bad}: {e}");
        }
    }
}
