//! The browser's copy of the ranking data, as classic `<script>` files.
//!
//! From `file://` Chromium blocks fetch, XHR, module imports and fetched WASM,
//! so every data file is a script that calls `HandbookSearch.<kind>(…)`:
//!
//! - `search/search.js` — the code (`theme/search/search.js`), followed by a
//!   `HandbookSearch.meta(…)` call with the ranking configuration, the shard
//!   count, the doc count and a Bloom filter of the indexed terms ([`TermFilter`]);
//! - `search/{s,u,l}/<n>.js` — shard `n` of its [`Family`]:
//!   for each term whose FNV-1a hash (over UTF-16 code units) is `n` modulo the
//!   family's shard count, its lists in every field
//!   under the keys `t:<term>`, `b:<term>`, `a:<term>` (asks), `p:<term>`
//!   (the title's pinyin), `n:<term>` (the near words, [`super::near`]) and
//!   `c:<character>` (the asks' characters): the pairs `(order,
//!   contribution)` exactly as [`rank::postings`] returns them, as a string
//!   of varints ([`encode_list`]);
//! - `search/g/<n>.js` — the lists of every term of synonym group `n`, cut to
//!   [`RankConfig::synonym_list_len`], loaded as one file when a query
//!   triggers the group;
//! - `search/d/<n>.js` — sections `n·CHUNK …`: url, breadcrumb, title, text
//!   and, when it has any, its asks; fetched only for the results shown;
//! - `search/n/<n>.js` — sections `n·NEAR_CHUNK …`: the near words that came
//!   from a sentence, with that sentence's offset (`[word, offset, …]`);
//!   fetched only for a shown result found for meaning.
//!
//! A query downloads the code, the meta, one shard per distinct term that the
//! filter says may be indexed, and the docs of the shown results: the size of
//! the handbook changes the number of files, not what one query downloads
//! (each term's list is capped at `top_k`).

use super::index::{FieldKind, Indexed};
use super::rank::{self, RankConfig};
use crate::layout::{OutFile, SEARCH_DIR};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Sections per doc file: a query's ten results rarely share a file in a big
/// handbook, so a small file wastes little.
pub const CHUNK: usize = 2;
/// Sections per near-words file (`search/n/`): loaded only for a result
/// found for meaning, which is rare, so a file can hold several.
pub const NEAR_CHUNK: usize = 8;
/// Target size of one shard file, in bytes: small, so that a query with many
/// terms (synonyms expand it) downloads little beyond its own lists.
const SHARD_BYTES: usize = 800;

/// FNV-1a over UTF-16 code units: trivial to write identically in JavaScript.
pub fn shard_hash(key: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for unit in key.encode_utf16() {
        h ^= u32::from(unit);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The key of a term in the exported data, e.g. `b:挡小`.
pub fn key(field: FieldKind, term: &str) -> String {
    format!("{}:{term}", field.prefix())
}

/// Terms live in three families of shards, so that what a question needs is
/// not diluted by lists it never reads: `s/` for Han words of two characters
/// or more (bigrams: most of a question's terms), `u/` for single Han
/// characters (the asks' characters, a lone character), `l/` for Latin words
/// (pinyin, numbers, English).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Words,
    Chars,
    Latin,
}

impl Family {
    pub const ALL: [Family; 3] = [Family::Words, Family::Chars, Family::Latin];

    pub fn of(term: &str) -> Family {
        let mut chars = term.chars();
        match (chars.next(), chars.next()) {
            (Some(c), Some(_)) if super::tokenize::is_han(c) => Family::Words,
            (Some(c), None) if super::tokenize::is_han(c) => Family::Chars,
            _ => Family::Latin,
        }
    }

    /// Target size of one of its shard files. A single character's list is
    /// short (the asks' characters keep 25 sections) and a question looks up
    /// each of its characters, so their shards are a quarter the size: a
    /// question then downloads little beyond its own characters' lists.
    pub fn shard_bytes(self) -> usize {
        match self {
            Family::Chars => SHARD_BYTES / 4,
            Family::Words | Family::Latin => SHARD_BYTES,
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Family::Words => "s",
            Family::Chars => "u",
            Family::Latin => "l",
        }
    }
}

/// The term of a key made by [`key`].
fn term_of(key: &str) -> &str {
    key.split_once(':').map_or(key, |(_, t)| t)
}

#[derive(Serialize)]
struct Meta<'a> {
    #[serde(flatten)]
    config: &'a RankConfig,
    /// Shards of [`Family::Words`], [`Family::Chars`] and [`Family::Latin`].
    shards: u32,
    char_shards: u32,
    latin_shards: u32,
    chunk: usize,
    near_chunk: usize,
    docs: u64,
    /// `None` when the handbook has too many terms for a small filter.
    terms: Option<TermFilter>,
}

/// Which terms have lists, as a Bloom filter, so the browser skips the shard
/// of a term that is in no section. Half the bigrams of a natural question
/// ("一件事安排俩人…": 排俩, 人结, 果谁…) are in none, and from `file://` the
/// browser loads files one after another, each at a cost (see the README).
///
/// `k` bits per term at `(h1 + i·h2) mod m` (u32 arithmetic), `h1` the FNV-1a
/// shard hash, `h2` its murmur3 finalizer made odd; `bits` is base64, bit `b`
/// at byte `b / 8`, mask `1 << b % 8`. About 2% false positives, which only
/// load a file for nothing.
#[derive(Serialize, Debug)]
pub struct TermFilter {
    m: u32,
    k: u32,
    bits: String,
    #[serde(skip)]
    bytes: Vec<u8>,
}

/// Eight bits a term: about 2% false positives with six probes (a false positive only loads a file for nothing).
const FILTER_BITS_PER_TERM: usize = 8;
/// Beyond this (16 KB, about 16,000 terms) the filter would cost every first
/// query more than it saves.
const FILTER_MAX_BITS: usize = 1 << 17;

impl TermFilter {
    pub fn new<'a>(terms: impl ExactSizeIterator<Item = &'a str>) -> Option<TermFilter> {
        let m = (terms.len() * FILTER_BITS_PER_TERM).max(64).next_multiple_of(8);
        if m > FILTER_MAX_BITS {
            return None;
        }
        let mut bytes = vec![0u8; m / 8];
        let k = 6;
        for t in terms {
            for b in probes(t, m as u32, k) {
                bytes[b as usize / 8] |= 1 << (b % 8);
            }
        }
        Some(TermFilter { m: m as u32, k, bits: base64_encode(&bytes), bytes })
    }

    /// Whether `term` may have lists (false: it has none).
    pub fn may_contain(&self, term: &str) -> bool {
        probes(term, self.m, self.k).all(|b| self.bytes[b as usize / 8] & (1 << (b % 8)) != 0)
    }
}

fn probes(term: &str, m: u32, k: u32) -> impl Iterator<Item = u32> {
    let h1 = shard_hash(term);
    let h2 = fmix32(h1) | 1;
    (0..k).map(move |i| h1.wrapping_add(i.wrapping_mul(h2)) % m)
}

/// Standard base64 with padding: what the browser's `atob` reads.
fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// murmur3's 32-bit finalizer.
fn fmix32(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Everything the browser needs, plus `config.json` for the CLI: made from
/// what the index is made of, not read back from it, so that both are made
/// side by side.
pub fn export(src: &Indexed<'_>, cfg: &RankConfig, search_js: &str) -> Vec<OutFile> {
    let lists = all_postings(src, cfg);
    let mut files = Vec::new();
    let mut counts = [0u32; 3];
    for (i, family) in Family::ALL.into_iter().enumerate() {
        let mine: Vec<&(String, Vec<u64>)> = lists.iter().filter(|(k, _)| Family::of(term_of(k)) == family).collect();
        let encoded: Vec<(&str, String)> = mine.par_iter().map(|(k, v)| (k.as_str(), encode_list(v))).collect();
        let total: usize = encoded.iter().map(|(k, v)| k.len() + v.len() + 6).sum();
        // A power of two at most total / target: shards average at least the target.
        let target = family.shard_bytes();
        let shards = (1usize << (total / target).max(1).ilog2()).clamp(8, 1 << 16) as u32;
        let mut by_shard: BTreeMap<u32, BTreeMap<&str, &str>> = BTreeMap::new();
        for (k, v) in &encoded {
            // Every field's lists of a term share a shard: one file per term at most.
            by_shard.entry(shard_hash(term_of(k)) % shards).or_default().insert(k, v.as_str());
        }
        // Every shard is written, empty ones too: a query's term may hash to any.
        let empty = BTreeMap::new();
        files.par_extend((0..shards).into_par_iter().map(|n| {
            let entries = by_shard.get(&n).unwrap_or(&empty);
            script(format!("{SEARCH_DIR}/{}/{n}.js", family.dir()), &format!("shard({n},"), entries)
        }));
        counts[i] = shards;
    }
    let [shards, char_shards, latin_shards] = counts;
    // One file per synonym group with the lists of all its members' terms: a
    // query that triggers a group loads one file instead of one per term.
    let wanted: std::collections::HashSet<String> = cfg
        .synonyms
        .iter()
        .flatten()
        .flat_map(|m| super::tokenize::tokenize(m))
        .flat_map(|t| FieldKind::WORDS.map(|f| key(f, &t.text)))
        .collect();
    let by_key: std::collections::HashMap<&str, &[u64]> =
        lists.iter().filter(|(k, _)| wanted.contains(k)).map(|(k, v)| (k.as_str(), v.as_slice())).collect();
    for (g, group) in cfg.synonyms.iter().enumerate() {
        let mut entries: BTreeMap<String, String> = BTreeMap::new();
        for member in group {
            for t in super::tokenize::tokenize(member) {
                for field in FieldKind::WORDS {
                    let k = key(field, &t.text);
                    if let Some(v) = by_key.get(k.as_str()) {
                        entries.insert(k, encode_list(&top(v, cfg.synonym_list_len(field))));
                    }
                }
            }
        }
        files.push(script(format!("{}/g/{g}.js", SEARCH_DIR), &format!("group({g},"), &entries));
    }
    let docs = src.sections.len() as u64;
    // A group of sections at a time, on every core: each group makes whole
    // doc and near files, and only the groups being worked on are in memory.
    const GROUP: usize = NEAR_CHUNK;
    const _: () = assert!(GROUP.is_multiple_of(CHUNK), "a group holds whole doc files");
    let groups: Vec<Vec<OutFile>> = (0..(docs as usize).div_ceil(GROUP))
        .into_par_iter()
        .map(|g| {
            let end = ((g + 1) * GROUP).min(docs as usize);
            // What the index stores, which the CLI shows too.
            let stored: Vec<_> = (g * GROUP..end).map(|o| src.stored(o)).collect();
            let mut out: Vec<OutFile> = stored
                .chunks(CHUNK)
                .enumerate()
                .map(|(i, chunk)| {
                    let n = g * GROUP / CHUNK + i;
                    let rows: Vec<DocRow> = chunk.iter().map(DocRow).collect();
                    script(format!("{SEARCH_DIR}/d/{n}.js"), &format!("docs({n},"), &rows)
                })
                .collect();
            let rows: Vec<NearRow> = stored.iter().map(NearRow).collect();
            out.push(script(format!("{SEARCH_DIR}/n/{g}.js"), &format!("near({g},"), &rows));
            out
        })
        .collect();
    files.extend(groups.into_iter().flatten());
    // The meta rides along with the code: one file, one round trip less per first query.
    let terms: std::collections::BTreeSet<&str> = lists.iter().map(|(k, _)| term_of(k)).collect();
    let meta = Meta {
        config: cfg,
        shards,
        char_shards,
        latin_shards,
        chunk: CHUNK,
        near_chunk: NEAR_CHUNK,
        docs,
        terms: TermFilter::new(terms.into_iter()),
    };
    let mut code = compact(search_js).into_bytes();
    code.extend(script(String::new(), "meta(", &meta).bytes);
    files.push(OutFile { path: format!("{}/search.js", SEARCH_DIR), bytes: code });
    files.push(OutFile {
        path: crate::layout::SEARCH_CONFIG.to_string(),
        bytes: serde_json::to_vec_pretty(cfg).unwrap_or_default(),
    });
    files
}

/// Every term of every field with its list, in key order: what
/// [`rank::postings`] returns for it from the index, made from the same
/// values and terms the index gets ([`Indexed::values`], [`super::index::each_term`])
/// with the statistics tantivy keeps (each section's token count as its
/// field norm id, the field's average, each term's frequency and document
/// frequency) and tantivy's BM25. A test compares every list with the index's.
fn all_postings(src: &Indexed<'_>, cfg: &RankConfig) -> Vec<(String, Vec<u64>)> {
    use rustc_hash::FxHashMap;
    use tantivy::fieldnorm::FieldNormReader;
    use tantivy::query::Bm25Weight;
    let docs = src.sections.len() as u64;
    // One field per task: the fields are independent, and this runs on the
    // critical path of a build.
    let per_field = FieldKind::ALL.par_iter().map(|&field| -> Vec<(String, Vec<u64>)> {
        let k = cfg.list_len(field);
        // Each term once, by number: [(order, term freq)], in section order;
        // each section's field norm id apart. Terms of one or two characters
        // (nearly all: bigrams) are looked up by their characters packed in
        // an integer, the rest by their text.
        type Raw = Vec<(u32, u32)>;
        let mut short: FxHashMap<u64, u32> = FxHashMap::default();
        let mut long: FxHashMap<String, u32> = FxHashMap::default();
        let mut texts: Vec<String> = Vec::new();
        let mut raw: Vec<Raw> = Vec::new();
        let mut norms: Vec<u8> = Vec::with_capacity(src.sections.len());
        let mut total_tokens: u64 = 0;
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        let mut buf = String::new();
        for i in 0..src.sections.len() {
            let mut tokens: u32 = 0;
            for v in src.values(i, field) {
                super::index::each_term(v, |t| {
                    tokens += 1;
                    let mut new = || {
                        texts.push(t.iter().collect());
                        raw.push(Vec::new());
                        raw.len() as u32 - 1
                    };
                    let id = match *t {
                        [a] => *short.entry(u64::from(a)).or_insert_with(new),
                        [a, b] => *short.entry((1 << 42) | (u64::from(a) << 21) | u64::from(b)).or_insert_with(new),
                        _ => {
                            buf.clear();
                            buf.extend(t);
                            match long.get(buf.as_str()) {
                                Some(&id) => id,
                                None => {
                                    let id = new();
                                    long.insert(buf.clone(), id);
                                    id
                                }
                            }
                        }
                    };
                    *counts.entry(id).or_default() += 1;
                });
            }
            total_tokens += u64::from(tokens);
            norms.push(FieldNormReader::fieldnorm_to_id(tokens));
            for (id, tf) in counts.drain() {
                raw[id as usize].push((i as u32, tf));
            }
        }
        let average_fieldnorm = total_tokens as f32 / docs as f32;
        let mut terms: Vec<(String, Raw)> = texts.into_iter().zip(raw).collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // A weight depends on the doc frequency only, and few frequencies occur.
        let mut weights: std::collections::HashMap<u64, Bm25Weight> = std::collections::HashMap::new();
        terms
            .into_iter()
            .map(|(term, raw)| {
                let bm25 = weights.entry(raw.len() as u64).or_insert_with(|| {
                    Bm25Weight::for_one_term_without_explain(raw.len() as u64, docs, average_fieldnorm)
                });
                // The top K by weighted contribution, ties to the earlier section (as `rank::postings`).
                let mut list: Vec<(u64, u32)> = raw
                    .into_iter()
                    .map(|(o, tf)| {
                        let score = bm25.score(norms[o as usize], tf);
                        (rank::contribution(score, src.weights[o as usize]), o)
                    })
                    .collect();
                list.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
                list.truncate(k);
                list.sort_unstable_by_key(|&(_, o)| o);
                (key(field, &term), list.into_iter().flat_map(|(c, o)| [u64::from(o), c]).collect())
            })
            .collect()
    });
    per_field.collect::<Vec<_>>().into_iter().flatten().collect()
}

/// The first `k` of a list `[order, contribution, …]` by contribution (ties to
/// the earlier section), back in section order: what [`rank::postings`] gives
/// for `k`, from the longer list.
fn top(list: &[u64], k: usize) -> Vec<u64> {
    let mut pairs: Vec<(u64, u64)> = list.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    pairs.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    pairs.truncate(k);
    pairs.sort_unstable();
    pairs.into_iter().flat_map(|(o, c)| [o, c]).collect()
}

/// What the browser's code declares when it reads the data written here; a
/// theme whose `search.js` lacks it is refused (see [`super::site_files`]).
pub const DATA_FORMAT: &str = "var DATA_FORMAT = 2;";

/// The digits of [`encode_list`]: 64 characters that need no escaping in
/// JSON or JavaScript. A digit holds 5 bits of a number, low bits first, and
/// 32 when more digits follow.
const DIGITS: &[u8; 64] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

/// A list `[order, contribution, …]` as the browser downloads it: each order
/// as its difference from the previous one (zigzag, so any order survives),
/// each contribution as it is, both as varints of [`DIGITS`]. About 2.5
/// characters a number where decimal JSON takes 6 (`12345,`): a question's
/// shards are what it downloads most. `search.js` decodes it (`decodeList`).
pub fn encode_list(list: &[u64]) -> String {
    let mut out = String::with_capacity(list.len() * 3);
    let mut push = |mut v: u64| loop {
        let low = (v & 31) as usize;
        v >>= 5;
        out.push(char::from(DIGITS[if v == 0 { low } else { low | 32 }]));
        if v == 0 {
            break;
        }
    };
    let mut prev: u64 = 0;
    for pair in list.chunks(2) {
        let order = pair[0];
        let zigzag = if order >= prev { (order - prev) * 2 } else { (prev - order) * 2 - 1 };
        push(zigzag);
        prev = order;
        if let Some(&c) = pair.get(1) {
            push(c);
        }
    }
    out
}

/// [`encode_list`] undone; `None` for a string it cannot have written.
pub fn decode_list(s: &str) -> Option<Vec<u64>> {
    let (mut out, mut prev, mut v, mut shift) = (Vec::new(), 0u64, 0u64, 0u32);
    for b in s.bytes() {
        let d = DIGITS.iter().position(|&x| x == b)? as u64;
        v |= (d & 31).checked_shl(shift)?;
        shift += 5;
        if d & 32 != 0 {
            continue;
        }
        if out.len() % 2 == 0 {
            prev = if v % 2 == 0 { prev.checked_add(v / 2)? } else { prev.checked_sub(v.div_ceil(2))? };
            out.push(prev);
        } else {
            out.push(v);
        }
        (v, shift) = (0, 0);
    }
    (shift == 0).then_some(out)
}

/// The browser's code without its whole-line comments and indentation (a
/// fifth of its bytes, downloaded by every first query). Only where that
/// cannot change what the code means: not in a file with template literals
/// (which may span lines), and not on a line after one ending in `\`.
fn compact(js: &str) -> String {
    // A template literal can only open on a line of code, not in a comment.
    if js.lines().any(|l| !l.trim_start().starts_with("//") && l.contains('`')) {
        return js.to_string();
    }
    let mut out = String::with_capacity(js.len());
    let mut continued = false;
    for line in js.lines() {
        let text = if continued { line } else { line.trim_start() };
        if continued || !text.starts_with("//") {
            out.push_str(text);
            out.push('\n');
        }
        continued = line.ends_with('\\');
    }
    out
}

/// `HandbookSearch.<call><json>);` — JSON is valid JavaScript; U+2028/2029 are
/// escaped for older engines.
fn script(path: String, call: &str, value: &impl Serialize) -> OutFile {
    let mut bytes = format!("HandbookSearch.{call}").into_bytes();
    // Serializing plain data into memory cannot fail.
    let _ = serde_json::to_writer(&mut bytes, value);
    // Only inside a string can they occur (serde_json writes them as they are).
    if bytes.windows(3).any(|w| w == "\u{2028}".as_bytes() || w == "\u{2029}".as_bytes()) {
        let text = String::from_utf8_lossy(&bytes).replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
        bytes = text.into_bytes();
    }
    bytes.extend_from_slice(b");\n");
    OutFile { path, bytes }
}

/// A section as its doc file lists it: `[url, breadcrumb, title, text]`, and
/// its asks when it has any. Serialized from the stored section, not copied
/// into JSON values first.
struct DocRow<'a>(&'a super::index::StoredDoc);

impl Serialize for DocRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let d = self.0;
        let mut row = s.serialize_seq(Some(if d.asks.is_empty() { 4 } else { 5 }))?;
        for field in [&d.url, &d.breadcrumb, &d.title, &d.text] {
            row.serialize_element(field)?;
        }
        if !d.asks.is_empty() {
            row.serialize_element(&d.asks)?;
        }
        row.end()
    }
}

/// A section's near words that came from a sentence, with its offset:
/// `[word, offset, …]`.
struct NearRow<'a>(&'a super::index::StoredDoc);

impl Serialize for NearRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut row = s.serialize_seq(None)?;
        for (word, at) in &self.0.near {
            if let Some(at) = at {
                row.serialize_element(word)?;
                row.serialize_element(at)?;
            }
        }
        row.end()
    }
}

#[cfg(test)]
mod tests {
    use super::{TermFilter, decode_list, encode_list, shard_hash};

    #[test]
    fn lists_round_trip_through_their_encoding() {
        let lists: [&[u64]; 5] = [
            &[],
            &[0, 0],
            &[3, 12_345, 4, 7, 110_000, 98_765],
            // Out of order (no list is, but the encoding does not rely on it), and large numbers.
            &[500, 1, 20, 2, 20, 3, u64::from(u32::MAX), 1 << 40],
            &[31, 32, 1023, 1024],
        ];
        for list in lists {
            let s = encode_list(list);
            assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{s}");
            assert_eq!(decode_list(&s).as_deref(), Some(list), "{s}");
        }
        // One digit per number below 32; the second of two orders is a difference.
        assert_eq!(encode_list(&[0, 5, 2, 31]), "054V");
        assert!(encode_list(&[3, 12_345, 9, 7]).len() < "[3,12345,9,7]".len() / 2 + 2);
        assert_eq!(decode_list("g"), None, "a number cut short");
        assert_eq!(decode_list("0!"), None, "a character that is no digit");
    }

    #[test]
    fn the_term_filter_has_every_term_and_few_others() {
        let terms: Vec<String> = (0..3000).map(|i| format!("词{i}")).collect();
        let f = TermFilter::new(terms.iter().map(String::as_str)).expect("3,000 terms fit");
        assert!(terms.iter().all(|t| f.may_contain(t)));
        // The browser's own decoding is checked in tests/it/browser.rs.
        let false_positives = (0..10_000).filter(|i| f.may_contain(&format!("无{i}"))).count();
        assert!(false_positives < 300, "{false_positives} of 10,000 absent terms pass");
        let many: Vec<String> = (0..20_000).map(|i| format!("词{i}")).collect();
        assert!(TermFilter::new(many.iter().map(String::as_str)).is_none(), "too many terms: no filter");
    }

    #[test]
    fn compacting_drops_comments_and_indentation_only() {
        let js = "// head\n  var a = 1; // kept\n    // gone\n  var s = 'x\\\n  y';\n";
        assert_eq!(super::compact(js), "var a = 1; // kept\nvar s = 'x\\\n  y';\n");
        let template = "  var t = `a\n  // b`;\n";
        assert_eq!(super::compact(template), template, "template literals: left alone");
        assert_eq!(
            super::compact("  // a `quoted` word\n  f();\n"),
            "f();\n",
            "backticks in a comment are no template"
        );
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // FNV-1a 32 of "" and "a" (one UTF-16 unit equal to the byte) are the published values.
        assert_eq!(shard_hash(""), 0x811c9dc5);
        assert_eq!(shard_hash("a"), 0xe40c292c);
        // Over UTF-16 code units, as the browser's `charCodeAt`: Chinese, and a
        // character outside the BMP (a surrogate pair). Reference values
        // computed from FNV-1a's definition in Python, outside this code.
        assert_eq!(shard_hash("笔杆子"), 0xb638a6dd);
        assert_eq!(shard_hash("挡小事"), 0x1bdbdf96);
        assert_eq!(shard_hash("𠀀a"), 0x37138e84);
    }
}
