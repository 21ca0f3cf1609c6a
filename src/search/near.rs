//! The semantic layer: words near a section's own in meaning, added to the
//! index as a field of their own, so that a question worded differently from
//! the text can still meet it (稿子 / 稿件 / 文稿).
//!
//! The table (`data/near.bin`) is derived from a pretrained sentence encoder
//! and a general dictionary by `tools/semantic/`, never from any handbook: for
//! every word its segmentation cost and SIF weight, and its nearest words.
//! Here a section is segmented over the table's words; every word's
//! neighbours are scored (SIF weight × similarity, summed over the section),
//! and the best [`RankConfig::near_words`](super::rank::RankConfig) not
//! already in the section become its near field. Each keeps the sentence of
//! the text that gave it most, which a result found for meaning shows.
//!
//! The expansion happens at build time only: a query is matched against the
//! near field like any other, with no table in the browser. All arithmetic is
//! integer, so two builds give the same field.

use super::fold::Fold;
use super::tokenize::normalized;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

/// The committed table, as `tools/semantic/make_near.py` wrote it.
pub const TABLE_BYTES: &[u8] = include_bytes!("data/near.bin");

/// The cost of skipping a character no word of the table covers, in the
/// table's unit (100 × -ln p): above any word's.
const SKIP_COST: u32 = 2000;
/// The longest word of the table, in characters.
const MAX_WORD: usize = 4;

/// The decoded table.
pub struct Table {
    raw: &'static [u8],
    /// Each word's bytes in `raw`: (offset, length).
    words: Vec<(u32, u8)>,
    /// Word by key (see [`key_push`]), for every word and every proper
    /// prefix of one: the word's number ([`NOT_A_WORD`] for a prefix alone),
    /// with [`LONGER`] set when a longer word starts with it, so that
    /// segmentation stops extending a key as soon as no word can follow.
    index: FxHashMap<u64, u32>,
    /// Each word's key: its characters without decoding its bytes.
    keys: Vec<u64>,
    cost: Vec<u16>,
    sif: Vec<u8>,
    /// Neighbours of word `i`: `pairs[starts[i]..starts[i + 1]]`, as (word, cosine × 100).
    starts: Vec<u32>,
    pairs: Vec<(u16, u8)>,
}

/// In [`Table::index`]: a longer word starts with this key.
const LONGER: u32 = 1 << 31;
/// In [`Table::index`]: this key is only the prefix of a longer word.
const NOT_A_WORD: u32 = LONGER - 1;

/// The characters of a key made by [`key_push`], last first.
fn key_chars(mut key: u64) -> impl Iterator<Item = char> {
    std::iter::from_fn(move || {
        let c = (key != 0).then(|| char::from_u32((key & 0x7FFF) as u32 + 0x4E00 - 1))??;
        key >>= 15;
        Some(c)
    })
}

/// The table's words are CJK Unified Ideographs (U+4E00–U+9FFF) of at most
/// four characters: 15 bits each make a `u64` key, so no word is allocated.
fn key_push(key: u64, c: char) -> Option<u64> {
    let c = c as u32;
    (0x4E00..=0x9FFF).contains(&c).then(|| (key << 15) | u64::from(c - 0x4E00 + 1))
}

/// A word near a section's own, and where in its text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Near {
    pub word: String,
    /// Char offset of the text's sentence that gave the word most, if any did
    /// (it may come from the title or the asks alone).
    pub sentence: Option<usize>,
}

impl Table {
    /// The embedded table; `None` only if the committed file is damaged (a
    /// test guards against that), in which case sections get no near words.
    pub fn get() -> Option<&'static Table> {
        static TABLE: OnceLock<Option<Table>> = OnceLock::new();
        TABLE.get_or_init(|| Table::decode(TABLE_BYTES)).as_ref()
    }

    /// Decodes the table (see `make_near.py` for the format).
    pub fn decode(raw: &'static [u8]) -> Option<Table> {
        let mut r = Reader { data: raw, at: 0 };
        if r.take(8)? != b"HBNEAR1\n" {
            return None;
        }
        let n = u32::from_le_bytes(r.take(4)?.try_into().ok()?) as usize;
        let mut words = Vec::with_capacity(n);
        let mut keys = Vec::with_capacity(n);
        let mut index: FxHashMap<u64, u32> = FxHashMap::with_capacity_and_hasher(n * 2, Default::default());
        for i in 0..n {
            let len = r.u8()?;
            let at = r.at;
            let word = std::str::from_utf8(r.take(usize::from(len))?).ok()?;
            let key = word.chars().try_fold(0, key_push)?;
            let slot = index.entry(key).or_insert(NOT_A_WORD);
            if *slot & NOT_A_WORD != NOT_A_WORD {
                return None; // the same word twice
            }
            *slot = (*slot & LONGER) | i as u32;
            // Every proper prefix leads on to this word.
            let mut prefix = key >> 15;
            while prefix != 0 {
                *index.entry(prefix).or_insert(NOT_A_WORD) |= LONGER;
                prefix >>= 15;
            }
            words.push((at as u32, len));
            keys.push(key);
        }
        let (mut cost, mut sif) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            cost.push(u16::from_le_bytes(r.take(2)?.try_into().ok()?));
            sif.push(r.u8()?);
        }
        let (mut starts, mut pairs) = (Vec::with_capacity(n + 1), Vec::new());
        for _ in 0..n {
            starts.push(pairs.len() as u32);
            for _ in 0..r.u8()? {
                let w = u16::from_le_bytes(r.take(2)?.try_into().ok()?);
                if usize::from(w) >= n {
                    return None;
                }
                pairs.push((w, r.u8()?));
            }
        }
        starts.push(pairs.len() as u32);
        if r.at != raw.len() || n >= NOT_A_WORD as usize {
            return None;
        }
        Some(Table { raw, words, index, keys, cost, sif, starts, pairs })
    }

    /// Word `i` of the table.
    fn word(&self, i: usize) -> &str {
        let (at, len) = self.words[i];
        // Checked to be UTF-8 when decoded.
        std::str::from_utf8(&self.raw[at as usize..at as usize + usize::from(len)]).unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How many (word, neighbour) pairs the table holds.
    pub fn pairs(&self) -> usize {
        self.pairs.len()
    }

    /// The words of `text` (normalized and folded) on the cheapest path over
    /// the table's words, with their char offsets; characters no word covers
    /// are skipped.
    pub fn segment(&self, text: &[char]) -> Vec<(u32, usize)> {
        let n = text.len();
        let mut best = vec![u32::MAX; n + 1];
        let mut back: Vec<(usize, Option<u32>)> = vec![(0, None); n + 1];
        best[0] = 0;
        for i in 0..n {
            if best[i] == u32::MAX {
                continue;
            }
            if best[i] + SKIP_COST < best[i + 1] {
                best[i + 1] = best[i] + SKIP_COST;
                back[i + 1] = (i, None);
            }
            let mut key = 0;
            for len in 1..=MAX_WORD.min(n - i) {
                let Some(k) = key_push(key, text[i + len - 1]) else { break };
                key = k;
                let Some(&found) = self.index.get(&key) else { break };
                let w = found & NOT_A_WORD;
                if w != NOT_A_WORD {
                    let c = best[i] + u32::from(self.cost[w as usize]);
                    if c < best[i + len] {
                        best[i + len] = c;
                        back[i + len] = (i, Some(w));
                    }
                }
                if found & LONGER == 0 {
                    break;
                }
            }
        }
        let mut out = Vec::new();
        let mut j = n;
        while j > 0 {
            let (i, w) = back[j];
            if let Some(w) = w {
                out.push((w, i));
            }
            j = i;
        }
        out.reverse();
        out
    }

    fn neighbours(&self, w: u32) -> &[(u16, u8)] {
        &self.pairs[self.starts[w as usize] as usize..self.starts[w as usize + 1] as usize]
    }

    /// The `limit` words nearest a section made of `title`, `text` and
    /// `asks`, best first, none of them sharing two adjacent characters with
    /// it; at most [`MAX_NEAR`].
    pub fn expand(&self, title: &str, text: &str, asks: &[&str], limit: usize) -> Vec<Near> {
        let limit = limit.min(MAX_NEAR);
        if limit == 0 {
            return Vec::new();
        }
        let fold = Fold::full();
        let prep = |s: &str| -> Vec<char> { normalized(s, Some(fold)) };
        let body = prep(text);
        let sentences = sentence_starts(&body);
        // Each source word with how much it counts: the title twice, every
        // other occurrence once; `None` for words outside the text.
        let (head, asks): (Vec<char>, Vec<Vec<char>>) = (prep(title), asks.iter().map(|a| prep(a)).collect());
        let mut sources: Vec<(u32, u32, Option<usize>)> = Vec::new();
        for (w, _) in self.segment(&head) {
            sources.push((w, 2, None));
        }
        for (w, at) in self.segment(&body) {
            let s = sentences.partition_point(|&s| s <= at).saturating_sub(1);
            sources.push((w, 1, sentences.get(s).copied()));
        }
        for ask in &asks {
            for (w, _) in self.segment(ask) {
                sources.push((w, 1, None));
            }
        }
        // The section's own bigrams: a near word that shares one would only
        // repeat what its text already matches (办公楼 for 办公室).
        let pair = |a: char, b: char| (u64::from(a) << 32) | u64::from(b);
        let mut own: FxHashSet<u64> = FxHashSet::with_capacity_and_hasher(
            head.len() + body.len() + asks.iter().map(Vec::len).sum::<usize>(),
            Default::default(),
        );
        own.extend(
            std::iter::once(&head)
                .chain(std::iter::once(&body))
                .chain(&asks)
                .flat_map(|t| t.windows(2).map(|b| pair(b[0], b[1]))),
        );
        // Each candidate's score, in a table-sized array reused by this
        // thread; a candidate is left out once it shares a bigram.
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch { state, score, touched } = scratch;
            if state.len() != self.len() {
                (*state, *score) = (vec![UNSEEN; self.len()], vec![0; self.len()]);
            }
            for &(w, times, _) in &sources {
                let sif = u64::from(self.sif[w as usize]);
                for &(e, cos) in self.neighbours(w) {
                    let e = usize::from(e);
                    if state[e] == UNSEEN {
                        touched.push(e as u16);
                        // The word's characters, last first: a shared bigram (p, c) is (c, p) here.
                        let mut chars = key_chars(self.keys[e]);
                        let mut next = chars.next();
                        let shares = chars.any(|c| {
                            let n = next.replace(c);
                            n.is_some_and(|n| own.contains(&pair(c, n)))
                        });
                        state[e] = if shares { SHARES } else { CANDIDATE };
                    }
                    if state[e] == CANDIDATE {
                        score[e] += sif * u64::from(cos) * u64::from(times);
                    }
                }
            }
            let mut ranked: Vec<(u16, u64)> = touched
                .iter()
                .filter(|&&e| state[usize::from(e)] == CANDIDATE)
                .map(|&e| (e, score[usize::from(e)]))
                .collect();
            for e in touched.drain(..) {
                (state[usize::from(e)], score[usize::from(e)]) = (UNSEEN, 0);
            }
            let order = |a: &(u16, u64), b: &(u16, u64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
            if ranked.len() > limit {
                ranked.select_nth_unstable_by(limit, order);
                ranked.truncate(limit);
            }
            ranked.sort_unstable_by(order);
            // What each sentence of the text gave the words kept; the most wins,
            // then the earlier. The text's words come in order, so each kept word's
            // sum for a sentence is complete when a later sentence starts.
            for (i, &(e, _)) in ranked.iter().enumerate() {
                state[usize::from(e)] = i as u8;
            }
            let mut current: Vec<Option<(usize, u64)>> = vec![None; ranked.len()];
            let mut best: Vec<Option<(u64, usize)>> = vec![None; ranked.len()];
            let settle = |best: &mut Option<(u64, usize)>, (s, g): (usize, u64)| {
                if best.is_none_or(|(bg, _)| g > bg) {
                    *best = Some((g, s));
                }
            };
            for &(w, _, sentence) in &sources {
                let Some(s) = sentence else { continue };
                let sif = u64::from(self.sif[w as usize]);
                for &(e, cos) in self.neighbours(w) {
                    let i = usize::from(state[usize::from(e)]);
                    if i >= ranked.len() {
                        continue;
                    }
                    let g = sif * u64::from(cos);
                    match &mut current[i] {
                        Some((cs, cg)) if *cs == s => *cg += g,
                        slot => {
                            if let Some(done) = slot.replace((s, g)) {
                                settle(&mut best[i], done);
                            }
                        }
                    }
                }
            }
            for (i, c) in current.into_iter().enumerate() {
                if let Some(done) = c {
                    settle(&mut best[i], done);
                }
            }
            for &(e, _) in &ranked {
                state[usize::from(e)] = UNSEEN;
            }
            ranked
                .iter()
                .zip(best)
                .map(|(&(e, _), b)| Near { word: self.word(usize::from(e)).to_string(), sentence: b.map(|(_, s)| s) })
                .collect()
        })
    }
}

/// [`Table::expand`]'s working arrays, one per thread: a word's state
/// ([`UNSEEN`], [`SHARES`], [`CANDIDATE`], or, for the words kept, their
/// rank), its score, and the words touched, to reset.
#[derive(Default)]
struct Scratch {
    state: Vec<u8>,
    score: Vec<u64>,
    touched: Vec<u16>,
}

/// The most near words a section gets: a kept word's rank is a [`Scratch`] state.
pub const MAX_NEAR: usize = CANDIDATE as usize;
const UNSEEN: u8 = 255;
const SHARES: u8 = 254;
const CANDIDATE: u8 = 253;

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// Char offsets where the sentences of `text` start: after 。！？；, a line
/// break, or their full-width and ASCII kin.
pub fn sentence_starts(text: &[char]) -> Vec<usize> {
    let mut out = vec![0];
    for (i, c) in text.iter().enumerate() {
        if matches!(c, '。' | '！' | '？' | '；' | '\n' | '!' | '?' | ';') && i + 1 < text.len() {
            out.push(i + 1);
        }
    }
    out.dedup();
    out
}

struct Reader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.data.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn segments_and_expands_with_the_embedded_table() {
        let t = Table::get().expect("the committed table decodes");
        let text: Vec<char> = "办公室的稿件".chars().collect();
        let words: Vec<&str> = t.segment(&text).iter().map(|&(w, _)| t.word(w as usize)).collect();
        assert_eq!(words, ["办公室", "的", "稿件"]);
        let near = t.expand("保密", "做好保密工作。认真校对。", &[], 10);
        assert!(near.iter().any(|n| n.word == "秘密"), "{near:?}");
        // None shares two adjacent characters with the section.
        let own = "保密做好保密工作。认真校对。";
        for n in &near {
            let c: Vec<char> = n.word.chars().collect();
            assert!(c.windows(2).all(|b| !own.contains(&b.iter().collect::<String>())), "{near:?}");
        }
        // 秘密 comes from 保密, in the first sentence.
        assert_eq!(near.iter().find(|n| n.word == "秘密").unwrap().sentence, Some(0));
        assert_eq!(t.expand("保密", "保密。", &[], 0), []);
        assert_eq!(near.len(), near.iter().map(|n| &n.word).collect::<HashSet<_>>().len());
    }

    /// The segmentation stops extending a key once no word starts with it:
    /// the same words as trying every length up to [`MAX_WORD`].
    #[test]
    fn segmentation_that_stops_early_finds_the_same_words() {
        let t = Table::get().expect("the committed table decodes");
        let exhaustive = |text: &[char]| -> Vec<(u32, usize)> {
            let n = text.len();
            let mut best = vec![(u32::MAX, 0, None); n + 1];
            best[0].0 = 0;
            for i in 0..n {
                let here = best[i].0;
                if here == u32::MAX {
                    continue;
                }
                if here + SKIP_COST < best[i + 1].0 {
                    best[i + 1] = (here + SKIP_COST, i, None);
                }
                for len in 1..=MAX_WORD.min(n - i) {
                    let word: String = text[i..i + len].iter().collect();
                    if let Some(w) = (0..t.len()).find(|&w| t.word(w) == word) {
                        let c = here + u32::from(t.cost[w]);
                        if c < best[i + len].0 {
                            best[i + len] = (c, i, Some(w as u32));
                        }
                    }
                }
            }
            let (mut out, mut j) = (Vec::new(), n);
            while j > 0 {
                let (_, i, w) = best[j];
                out.extend(w.map(|w| (w, i)));
                j = i;
            }
            out.reverse();
            out
        };
        for text in [
            "办公室是一个部门的窗口、形象和面孔，处于承上启下、联系左右的位置",
            "笔杆子要写好综合材料，活电脑要熟悉统计数据",
            "abc办公 室123中华人民共和国国务院",
            "𠀀鿿㐀一",
        ] {
            let chars: Vec<char> = text.chars().collect();
            assert_eq!(t.segment(&chars), exhaustive(&chars), "{text}");
        }
    }

    #[test]
    fn a_damaged_table_is_refused() {
        assert!(Table::decode(&TABLE_BYTES[..TABLE_BYTES.len() / 2]).is_none());
        assert!(Table::decode(b"HBNEAR1\n").is_none());
        assert!(Table::decode(b"not a table").is_none());
    }
}
