//! One stable sort for every element type in WebAssembly.
//!
//! Why: the standard library's stable sort is compiled once per element type and comparison
//! (about 4.8 KB each in the browser page's module, which had 21 of them). [`sort_by`] and
//! [`sort_by_key`] sort like `slice::sort_by`/`sort_by_key` (stable: equal elements keep their
//! order); in WebAssembly they sort the positions `0..n` with one compiled routine (its
//! comparison a `dyn Fn`), then move the elements into that order. Native builds call the
//! standard sort directly (the same order, no indirection), so their speed is unchanged.

use std::cmp::Ordering;

/// Sort `v` stably by `compare` (as `v.sort_by(compare)`).
pub fn sort_by<T>(v: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_by(compare);
    #[cfg(target_arch = "wasm32")]
    by_positions(v, &compare);
}

/// Sort `v` stably by the key `key` gives (as `v.sort_by_key(key)`).
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)))
}

/// Sort `v` stably in its natural order (as `v.sort()`).
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp)
}

/// The order of `v` by `compare` as positions, then `v` rearranged into it.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn by_positions<T>(v: &mut Vec<T>, compare: &dyn Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        positions(v.len(), &|a, b| compare(&items[a], &items[b]))
    };
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.into_iter().filter_map(|i| slots[i].take()));
}

/// The positions `0..n` sorted stably by `compare` (one compiled sort for every caller).
#[inline(never)]
fn positions(n: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_like_the_standard_sort() {
        // (key, original position): equal keys must keep their order.
        let data: Vec<(u8, usize)> = [3u8, 1, 2, 1, 3, 0, 2, 1]
            .iter()
            .enumerate()
            .map(|(i, k)| (*k, i))
            .collect();
        let mut a = data.clone();
        sort_by_key(&mut a, |x| x.0);
        let mut b = data.clone();
        b.sort_by_key(|x| x.0);
        assert_eq!(a, b);
        assert_eq!(a[..4], [(0, 5), (1, 1), (1, 3), (1, 7)]);
        // The position-sorting path itself (the one WebAssembly takes).
        let mut c = data.clone();
        by_positions(&mut c, &|x, y| x.0.cmp(&y.0));
        assert_eq!(c, b);
        let mut d = data;
        by_positions(&mut d, &|x, y| y.cmp(x));
        assert_eq!(d[0], (3, 4));
        assert_eq!(d.len(), 8);
    }

    #[test]
    fn empty_one_and_natural_order() {
        let mut e: Vec<String> = vec![];
        sort(&mut e);
        assert!(e.is_empty());
        let mut one = vec!["x".to_string()];
        by_positions(&mut one, &|a, b| a.cmp(b));
        assert_eq!(one, ["x"]);
        let mut s = vec!["b".to_string(), "a".into(), "c".into()];
        sort(&mut s);
        assert_eq!(s, ["a", "b", "c"]);
    }
}
