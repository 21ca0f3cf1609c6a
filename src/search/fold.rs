//! Traditional characters folded to simplified ones, so that `筆桿子` finds
//! 笔杆子 and a handbook written in traditional characters is searched alike.
//!
//! The index folds with the whole of OpenCC's character table (via `hanconv`).
//! A query is folded with only the pairs whose simplified character occurs in
//! the handbook, [`Fold::for_vocabulary`]: any other pair could only turn one
//! absent character into another. Those pairs travel in the ranking
//! configuration, so that the CLI and the browser fold a query with the very
//! same table and the browser downloads a few kilobytes, not the whole table.

use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A character-for-character map (one char out per char in: offsets into a
/// folded text are offsets into the original).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fold {
    map: FxHashMap<char, char>,
}

impl Fold {
    /// OpenCC's traditional-to-simplified character table, first candidate of each.
    pub fn full() -> &'static Fold {
        static FULL: OnceLock<Fold> = OnceLock::new();
        FULL.get_or_init(|| {
            let mut map = FxHashMap::default();
            for (from, to) in hanconv::RawDictionary::TSCharacters.iter() {
                let (mut f, mut t) = (from.chars(), to.chars());
                if let (Some(f), None, Some(t), None) = (f.next(), f.next(), t.next(), t.next())
                    && f != t
                {
                    map.insert(f, t);
                }
            }
            Fold { map }
        })
    }

    /// The pairs of [`Fold::full`] whose simplified side is among `chars`
    /// (the folded text of a handbook), as one string of pairs: `筆笔桿杆…`,
    /// in code point order (the same handbook gives the same string).
    pub fn for_vocabulary(chars: impl IntoIterator<Item = char>) -> String {
        let present: std::collections::HashSet<char> = chars.into_iter().collect();
        let pairs: BTreeMap<char, char> =
            Fold::full().map.iter().filter(|(_, to)| present.contains(to)).map(|(&f, &t)| (f, t)).collect();
        pairs.into_iter().flat_map(|(f, t)| [f, t]).collect()
    }

    /// The map of a pair string made by [`Fold::for_vocabulary`].
    pub fn from_pairs(pairs: &str) -> Fold {
        let chars: Vec<char> = pairs.chars().collect();
        Fold { map: chars.chunks_exact(2).map(|p| (p[0], p[1])).collect() }
    }

    pub fn char(&self, c: char) -> char {
        self.map.get(&c).copied().unwrap_or(c)
    }

    pub fn apply(&self, text: &str) -> String {
        text.chars().map(|c| self.char(c)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_traditional_characters_one_for_one() {
        let full = Fold::full();
        assert_eq!(full.apply("筆桿子，辦公室"), "笔杆子，办公室");
        assert_eq!(full.apply("笔杆子 abc"), "笔杆子 abc", "simplified text and Latin stay");
    }

    #[test]
    fn the_query_table_keeps_only_the_handbook_s_characters() {
        let pairs = Fold::for_vocabulary("笔杆".chars());
        let fold = Fold::from_pairs(&pairs);
        assert_eq!(fold.apply("筆桿辦"), "笔杆辦", "辦 folds to 办, which the vocabulary lacks");
        assert_eq!(pairs, Fold::for_vocabulary("杆笔".chars()), "the same vocabulary gives the same table");
    }
}
