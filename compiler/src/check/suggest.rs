//! "Did you mean ...?": the closest known name to a misspelt one.
//!
//! Distance is the optimal string alignment distance (Levenshtein plus adjacent
//! transpositions, so `pirce` is one edit from `price`). A candidate is suggested only
//! when it is within about a third of the name's length (rounded up, so `pear` may be
//! `pair`; at least one edit), or differs from it only in case; ties go to the alphabetically first candidate so the
//! output never depends on hash order.

/// The optimal string alignment distance between `a` and `b`, by characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.is_empty() || b.is_empty() {
        return a.len().max(b.len());
    }
    // Three rolling rows: the transposition rule looks two rows back.
    let mut prev2 = vec![0usize; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0usize; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `name`, if one is close enough to be what was meant.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = name.chars().count().div_ceil(3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = if candidate.eq_ignore_ascii_case(name) {
            0
        } else {
            edit_distance(name, candidate)
        };
        if distance > limit {
            continue;
        }
        let better = match best {
            None => true,
            Some((d, c)) => distance < d || (distance == d && candidate < c),
        };
        if better {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `a`, `a` and `b`, `a`, `b` and `c`: names in backticks, for messages.
pub fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("price", "prise"), 1);
        assert_eq!(edit_distance("price", "pirce"), 1);
        assert_eq!(edit_distance("binanse.price", "binance.price"), 1);
        assert_eq!(edit_distance("é", "e"), 1);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn suggestions() {
        let ports = ["price", "volume", "pair"];
        assert_eq!(did_you_mean("prise", ports), Some("price"));
        assert_eq!(did_you_mean("pear", ports), Some("pair"));
        assert_eq!(did_you_mean("xyz", ports), None);
        assert_eq!(did_you_mean("PRICE", ports), Some("price"));
        // Two candidates at distance one: the alphabetically first wins.
        assert_eq!(did_you_mean("ab", ["ac", "aa"]), Some("aa"));
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
