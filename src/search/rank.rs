//! The ranking function, one definition for the CLI and the browser.
//!
//! A query is tokenized by [`tokenize`](super::tokenize::tokenize) and expanded
//! by the handbook's synonym groups. Each (field, term) contributes tantivy's
//! BM25 score for the documents in that term's top [`TOP_K`], rounded to an
//! integer (`round(score × 1000)`). The CLI asks tantivy for those lists at query
//! time; the build exports the very same lists for the browser. A document's
//! score is then integer arithmetic both sides do identically:
//!
//! ```text
//! base  = Σ field_weight × term_weight × contribution
//! score = base × (n + c·m + 2·n·[every term of the query itself is in the title or its pinyin]
//!                        + n·[every term of the query itself is in the title, its pinyin or the text])
//!       + chars × n
//! ```
//!
//! where `n` counts the query's groups (each distinct term of the query, and
//! each synonym group it triggered) and `m` how many of them the document
//! matches outside its near words, `c` is [`RankConfig::coverage`], and
//! `chars` the query's single characters found in the section's asks
//! ([`QueryTerm::chars`]), weighed alike. Ties go to the earlier section in
//! reading order. A section whose title or text holds every term of the query
//! itself is explained by its own words (the snippet shows them); otherwise,
//! one whose asks field gave more of its base than its title and text did was
//! found through an ask ([`Hit::via_ask`]): the result shows that ask; and one
//! whose near words ([`super::near`]) gave most of it was found for meaning
//! ([`Hit::via_near`]): the result shows the sentence that word came from.
//!
//! Before any of this the query is normalized and folded (traditional to
//! simplified, with the table in [`RankConfig::fold`]).

use super::fold::Fold;
use super::index::{FieldKind, ORDER, SearchIndex, WEIGHT};
use super::tokenize::{is_han, normalized, tokenize};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentReader, Term};

/// How many documents each term contributes to (by its BM25 score); bounds the
/// data a browser downloads per term, whatever the size of the handbook.
pub const TOP_K: usize = 100;

/// How many characters of a query are searched (the rest is left out, the
/// same in the CLI, the API and the browser): a question is far shorter,
/// and a pasted page would have the browser fetch most of the index.
pub const MAX_QUERY_CHARS: usize = 64;

/// The part of `query` that is searched: its first [`MAX_QUERY_CHARS`] characters.
pub fn clip(query: &str, max: usize) -> &str {
    query.char_indices().nth(max).map_or(query, |(i, _)| &query[..i])
}

fn max_query_chars() -> usize {
    MAX_QUERY_CHARS
}

/// The parameters of one ranking, exported with the data so the browser and
/// the CLI (which reads them back from the built index) rank alike.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RankConfig {
    pub top_k: usize,
    pub title_weight: u64,
    pub body_weight: u64,
    /// Weight of the asks field (the questions authors say a section answers).
    pub asks_weight: u64,
    /// Weight of the title's pinyin.
    pub pinyin_weight: u64,
    /// Weight of the asks' single characters (see [`QueryTerm::chars`]).
    pub ask_chars_weight: u64,
    /// Weight of the words near a section's own in meaning ([`super::near`]).
    pub near_weight: u64,
    /// How many near words each section gets at build time (0: none).
    pub near_words: usize,
    /// How much each query group a section matches multiplies its score by
    /// (see the formula above, where it is 2).
    pub coverage: u64,
    /// Weight of a term that comes from a synonym, in percent of a direct term.
    pub synonym_percent: u64,
    /// Synonym groups: a query containing one member also searches the others.
    pub synonyms: Vec<Vec<String>>,
    /// Words removed from a query before it is tokenized.
    pub ignore: Vec<String>,
    /// Traditional-to-simplified pairs for the query, as one string (`筆笔桿杆…`):
    /// see [`super::fold`].
    pub fold: String,
    /// [`MAX_QUERY_CHARS`], for the browser.
    #[serde(default = "max_query_chars")]
    pub max_query_chars: usize,
}

impl RankConfig {
    pub fn new(synonyms: Vec<Vec<String>>, ignore: Vec<String>) -> Self {
        RankConfig {
            top_k: TOP_K,
            title_weight: 3,
            body_weight: 1,
            asks_weight: 2,
            pinyin_weight: 3,
            ask_chars_weight: 2,
            near_weight: 2,
            near_words: 20,
            coverage: 4,
            synonym_percent: 50,
            synonyms,
            ignore,
            fold: String::new(),
            max_query_chars: MAX_QUERY_CHARS,
        }
    }

    /// The weight of a field.
    pub fn weight(&self, field: FieldKind) -> u64 {
        match field {
            FieldKind::Title => self.title_weight,
            FieldKind::Body => self.body_weight,
            FieldKind::Asks => self.asks_weight,
            FieldKind::Pinyin => self.pinyin_weight,
            FieldKind::AskChars => self.ask_chars_weight,
            FieldKind::Near => self.near_weight,
        }
    }

    /// How many sections a term's list in `field` holds: the asks' single
    /// characters and the near words, weak signals, keep a quarter (which
    /// bounds what a question's terms download).
    pub fn list_len(&self, field: FieldKind) -> usize {
        if matches!(field, FieldKind::AskChars | FieldKind::Near) { self.top_k / 4 } else { self.top_k }
    }

    /// How many sections a synonym's term counts in: a quarter as well (it
    /// weighs half a query's own term, and a group's file holds the lists of
    /// all its members).
    pub fn synonym_list_len(&self, field: FieldKind) -> usize {
        self.list_len(field) / 4
    }

    /// The query's fold table.
    pub fn folder(&self) -> Fold {
        Fold::from_pairs(&self.fold)
    }
}

/// A text normalized and folded as queries, and the texts they are matched against, are.
pub fn prepare(fold: &Fold, text: &str) -> String {
    normalized(text, Some(fold)).into_iter().collect()
}

/// One term of an expanded query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    pub text: String,
    /// 100 for a term of the query itself, `synonym_percent` for a synonym's.
    pub weight: u64,
    /// What the coverage counts this term towards: one group per distinct term
    /// of the query itself, then one per synonym group the query triggered.
    pub group: usize,
    /// `true` for a term of the query itself (not from a synonym).
    pub direct: bool,
    /// A single character of the query, looked up in the asks' characters
    /// only and counted towards no group: a reader's question and an author's
    /// ask for the same thing share characters more often than words
    /// (稿件 / 文稿), so this is a weak signal that needs no vocabulary.
    pub chars: bool,
}

impl QueryTerm {
    /// The fields this term is looked up in.
    pub fn fields(&self) -> &'static [FieldKind] {
        if self.chars { &[FieldKind::AskChars] } else { &FieldKind::WORDS }
    }
}

/// The query without its ignored words, normalized (each ignored word becomes a space).
pub fn strip_ignored(query: &str, cfg: &RankConfig, fold: &Fold) -> String {
    let mut norm = prepare(fold, query);
    for w in &cfg.ignore {
        let w = prepare(fold, w);
        if !w.is_empty() {
            norm = norm.replace(&w, " ");
        }
    }
    norm
}

/// The query's own distinct terms, then the terms of every synonym of a
/// phrase it contains, then the query's distinct Han characters (for the asks' characters).
pub fn expand(query: &str, cfg: &RankConfig) -> Vec<QueryTerm> {
    let fold = cfg.folder();
    let norm = strip_ignored(clip(query, cfg.max_query_chars), cfg, &fold);
    let mut out: Vec<QueryTerm> = Vec::new();
    for t in tokenize(&norm) {
        if !out.iter().any(|o| o.text == t.text) {
            let group = out.len();
            out.push(QueryTerm { text: t.text, weight: 100, group, direct: true, chars: false });
        }
    }
    // Pinyin typed with spaces (`bi gan zi`): its words run together are a
    // term too, as the title's pinyin is indexed.
    let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() > 1 && words.iter().all(|w| w.chars().all(|c| c.is_ascii_lowercase())) {
        let joined = words.concat();
        if !out.iter().any(|o| o.text == joined) {
            let group = out.len();
            out.push(QueryTerm { text: joined, weight: 100, group, direct: true, chars: false });
        }
    }
    let mut next_group = out.len();
    for group in &cfg.synonyms {
        let present = |m: &String| {
            let m = prepare(&fold, m);
            !m.is_empty() && norm.contains(&m)
        };
        if !group.iter().any(present) {
            continue;
        }
        for member in group.iter().filter(|m| !present(m)) {
            for t in tokenize(&prepare(&fold, member)) {
                if !out.iter().any(|o| o.text == t.text) {
                    out.push(QueryTerm {
                        text: t.text,
                        weight: cfg.synonym_percent,
                        group: next_group,
                        direct: false,
                        chars: false,
                    });
                }
            }
        }
        next_group += 1;
    }
    let mut seen = std::collections::HashSet::new();
    for c in norm.chars().filter(|&c| is_han(c)) {
        if seen.insert(c) {
            out.push(QueryTerm { text: c.to_string(), weight: 100, group: 0, direct: true, chars: true });
        }
    }
    out
}

/// A (section order, contribution) pair of one term's list.
pub type Posting = (u32, u64);

/// The top-K documents of one term in one field with their integer contributions,
/// from tantivy's BM25. The export writes exactly these lists.
pub fn postings(idx: &SearchIndex, field: FieldKind, term: &str, k: usize) -> tantivy::Result<Vec<Posting>> {
    let f = idx.fields.of(field);
    let q = TermQuery::new(Term::from_field_text(f, term), IndexRecordOption::WithFreqs);
    // The top K by weighted contribution (so a low-weight section cannot crowd
    // out the others), ties to the earlier section: a total, deterministic order.
    let collector = TopDocs::with_limit(k).tweak_score(|seg: &SegmentReader| {
        let fast = seg.fast_fields();
        let order = fast.u64(ORDER).expect("the schema has an `order` fast field");
        let weight = fast.u64(WEIGHT).expect("the schema has a `weight` fast field");
        move |doc: DocId, score: Score| {
            let o = order.first(doc).unwrap_or_default() as u32;
            (contribution(score, weight.first(doc).unwrap_or(100)), u32::MAX - o)
        }
    });
    let top = idx.searcher.search(&q, &collector)?;
    let mut out: Vec<Posting> = top.into_iter().map(|((c, rev), _)| (u32::MAX - rev, c)).collect();
    out.sort_unstable();
    Ok(out)
}

/// A BM25 score, times the section's weight in percent, as the integer both sides add up.
pub fn contribution(score: f32, weight: u64) -> u64 {
    (f64::from(score) * 10.0 * weight as f64).round().max(0.0) as u64
}

/// A ranked section: its order and its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub order: u32,
    pub score: u64,
    /// Its title and text do not hold the whole query, and its asks gave
    /// more of its score than they did.
    pub via_ask: bool,
    /// Neither its own words nor an ask explain it, and its near words gave
    /// more of its score than the rest did: found for meaning.
    pub via_near: bool,
}

/// Combines per-term lists into the ranking. `lists` yields, for each expanded
/// term and field, that term's postings; shared by the CLI and the tests that
/// replay the exported data.
pub fn combine<'a>(
    terms: &[QueryTerm],
    cfg: &RankConfig,
    lists: impl Fn(FieldKind, &str) -> &'a [Posting],
) -> Vec<Hit> {
    let n = terms.iter().filter(|t| !t.chars).map(|t| t.group + 1).max().unwrap_or(0).min(64) as u64;
    if n == 0 {
        return Vec::new();
    }
    #[derive(Default)]
    struct Acc {
        base: u64,
        /// From the asks' characters: outside the coverage factor.
        chars: u64,
        asks: u64,
        near: u64,
        groups: u64,
        title_groups: u64,
        /// Groups matched in the title, its pinyin or the text: the section's own words.
        text_groups: u64,
    }
    let mut acc: HashMap<u32, Acc> = HashMap::new();
    for t in terms {
        for &field in t.fields() {
            let fw = cfg.weight(field);
            if fw == 0 {
                continue;
            }
            for &(order, c) in lists(field, &t.text) {
                let a = acc.entry(order).or_default();
                if t.chars {
                    a.chars += fw * t.weight * c;
                } else {
                    a.base += fw * t.weight * c;
                }
                if matches!(field, FieldKind::Asks | FieldKind::AskChars) {
                    a.asks += fw * t.weight * c;
                }
                if field == FieldKind::Near {
                    a.near += fw * t.weight * c;
                }
                // The near words, a weak signal, count towards no group (as the asks' characters).
                if t.group < 64 && !t.chars && field != FieldKind::Near {
                    a.groups |= 1 << t.group;
                    if matches!(field, FieldKind::Title | FieldKind::Pinyin) {
                        a.title_groups |= 1 << t.group;
                    }
                    if matches!(field, FieldKind::Title | FieldKind::Pinyin | FieldKind::Body) {
                        a.text_groups |= 1 << t.group;
                    }
                }
            }
        }
    }
    // The query's own terms, not the synonyms they triggered: a title that
    // holds the whole query (参谋长) is the best match whatever the synonyms
    // of a word inside it (参谋) would add; a text that holds it comes next
    // (a section saying 不作参谋长 above one whose asks mention 参谋).
    let own = terms.iter().filter(|t| t.direct && !t.chars && t.group < 64).fold(0u64, |m, t| m | 1 << t.group);
    let mut hits: Vec<Hit> = acc
        .into_iter()
        .map(|(order, a)| {
            let m = u64::from(a.groups.count_ones());
            let in_title = u64::from(a.title_groups & own == own);
            let in_text = u64::from(a.text_groups & own == own);
            let score = a.base * (n + cfg.coverage * m + 2 * n * in_title + n * in_text) + a.chars * n;
            // A section whose own words hold the whole query is explained by them.
            let own_words = in_text == 1;
            let via_ask = !own_words && 2 * a.asks > a.base + a.chars;
            Hit { order, score, via_ask, via_near: !via_ask && !own_words && 2 * a.near > a.base + a.chars }
        })
        .collect();
    hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.order.cmp(&b.order)));
    hits
}

/// Ranks every section for `query`, asking tantivy for each term's list.
pub fn search(idx: &SearchIndex, cfg: &RankConfig, query: &str) -> tantivy::Result<(Vec<QueryTerm>, Vec<Hit>)> {
    let terms = expand(query, cfg);
    let mut lists: HashMap<(FieldKind, String), Vec<Posting>> = HashMap::new();
    for t in &terms {
        for &field in t.fields().iter().filter(|&&f| cfg.weight(f) > 0) {
            let k = if t.direct { cfg.list_len(field) } else { cfg.synonym_list_len(field) };
            lists.insert((field, t.text.clone()), postings(idx, field, &t.text, k)?);
        }
    }
    let hits = combine(&terms, cfg, |f, t| lists.get(&(f, t.to_string())).map(Vec::as_slice).unwrap_or(&[]));
    Ok((terms, hits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_expand_only_when_a_member_is_present() {
        let cfg = RankConfig::new(vec![vec!["报告".into(), "材料".into()]], vec!["怎么办".into()]);
        let words = |q: &str| -> Vec<(String, u64)> {
            expand(q, &cfg).into_iter().filter(|t| !t.chars).map(|t| (t.text, t.weight)).collect()
        };
        assert_eq!(words("写报告"), [("写报".into(), 100), ("报告".into(), 100), ("材料".into(), 50)]);
        assert_eq!(words("写作").len(), 1);
        assert_eq!(words("写报告怎么办").len(), 3, "ignored words are not searched");
    }

    #[test]
    fn only_the_first_characters_of_a_long_query_are_searched() {
        let cfg = RankConfig::new(vec![], vec![]);
        assert_eq!(clip("笔杆子", 2), "笔杆");
        assert_eq!(clip("笔杆子", 3), "笔杆子");
        assert_eq!(clip("𠀀a", 1), "𠀀", "characters, not bytes or UTF-16 units");
        let long: String = (0x4E00..0x4E00 + 100).filter_map(char::from_u32).collect();
        let first = |n: usize| long.chars().take(n).collect::<String>();
        assert_eq!(expand(&long, &cfg), expand(&first(MAX_QUERY_CHARS), &cfg));
        assert_ne!(expand(&long, &cfg), expand(&first(MAX_QUERY_CHARS - 1), &cfg));
    }

    #[test]
    fn spaced_pinyin_is_also_searched_run_together() {
        let cfg = RankConfig::new(vec![], vec![]);
        let texts: Vec<String> = expand("Bi Gan　 zi", &cfg).into_iter().map(|t| t.text).collect();
        assert_eq!(texts, ["bi", "gan", "zi", "biganzi"]);
        assert_eq!(expand("bi 杆", &cfg).len(), 3, "only letters are joined: bi, 杆, and 杆 as a character");
    }

    #[test]
    fn a_query_s_own_characters_are_searched_once_in_the_asks_only() {
        let cfg = RankConfig::new(vec![vec!["报告".into(), "材料".into()]], vec!["怎么办".into()]);
        let chars: Vec<String> =
            expand("报告报告怎么办", &cfg).into_iter().filter(|t| t.chars).map(|t| t.text).collect();
        assert_eq!(chars, ["报", "告"], "distinct, in order, not from synonyms or ignored words");
        let t = expand("报", &cfg).into_iter().find(|t| t.chars).unwrap();
        assert_eq!(t.fields(), [FieldKind::AskChars]);
    }

    #[test]
    fn a_title_holding_the_query_itself_wins_whatever_synonyms_it_triggered() {
        // 参谋长 holds 参谋, a member of a group: the title holding 参谋长 has
        // every term of the query itself, not the group's other members.
        let cfg = RankConfig::new(vec![vec!["参谋".into(), "出主意".into()]], vec![]);
        let terms = expand("参谋长", &cfg);
        assert!(terms.iter().any(|t| !t.direct), "the group was triggered");
        let title: Vec<Posting> = vec![(1, 100)];
        let body: Vec<Posting> = vec![(2, 100)];
        let hits = combine(&terms, &cfg, |f, t| match (f, t) {
            (FieldKind::Title, "参谋" | "谋长") => &title,
            (FieldKind::Body, "参谋" | "谋长" | "出主" | "主意") => &body,
            _ => &[],
        });
        // In units of a direct term's weight (100): section 2 matches all
        // three groups in its body, the query's own among them, base 200 + 2 × 50,
        // × (3 + 4·3 + 3) = 5400; section 1 the query's two terms in its
        // title, which is text too, base 2 × 3 × 100, × (3 + 4·2 + 2·3 + 3) = 12000.
        assert_eq!(hits.iter().map(|h| (h.order, h.score)).collect::<Vec<_>>(), [(1, 1_200_000), (2, 540_000)]);
    }

    #[test]
    fn a_text_holding_the_whole_query_beats_asks_that_hold_part_of_it_and_its_synonyms() {
        // 参谋长 in one section's text; 参谋 and the group's 出主意 in another's asks.
        let cfg = RankConfig::new(vec![vec!["参谋".into(), "出主意".into()]], vec![]);
        let terms = expand("参谋长", &cfg);
        let body: Vec<Posting> = vec![(1, 100)];
        let asks: Vec<Posting> = vec![(2, 60)];
        let hits = combine(&terms, &cfg, |f, t| match (f, t) {
            (FieldKind::Body, "参谋" | "谋长") => &body,
            (FieldKind::Asks, "参谋" | "出主" | "主意") => &asks,
            _ => &[],
        });
        // In units of 100: section 1, base 200, × (3 + 4·2 + 3) = 2800;
        // section 2 (asks weigh 2, synonyms half), base 2 × (60 + 30 + 30) =
        // 240, × (3 + 4·2) = 2640: without the text's bonus (200 × 11 = 2200)
        // it would come first.
        assert_eq!(hits.iter().map(|h| (h.order, h.score)).collect::<Vec<_>>(), [(1, 280_000), (2, 264_000)]);
    }

    #[test]
    fn a_section_whose_text_holds_the_query_is_not_said_to_be_found_through_an_ask() {
        // 笔杆子 in both sections' asks many times over (through a synonym,
        // say), and in section 1's text once: section 1 is explained by its
        // text, section 2 (whose text lacks 杆子) by an ask.
        let cfg = RankConfig::new(vec![], vec![]);
        let terms = expand("笔杆子", &cfg);
        let (both, one, asks): (Vec<Posting>, Vec<Posting>, Vec<Posting>) =
            (vec![(1, 10), (2, 10)], vec![(1, 10)], vec![(1, 100), (2, 100)]);
        let hits = combine(&terms, &cfg, |f, t| match (f, t) {
            (FieldKind::Body, "笔杆") => &both,
            (FieldKind::Body, "杆子") => &one,
            (FieldKind::Asks, "笔杆" | "杆子") => &asks,
            _ => &[],
        });
        let why: Vec<(u32, bool)> = hits.iter().map(|h| (h.order, h.via_ask)).collect();
        assert_eq!(why, [(1, false), (2, true)]);
    }

    #[test]
    fn combine_rewards_coverage_and_breaks_ties_by_order() {
        let cfg = RankConfig::new(vec![], vec![]);
        let terms = expand("挡小事", &cfg);
        let a: Vec<Posting> = vec![(1, 100), (2, 100)];
        let b: Vec<Posting> = vec![(2, 100), (3, 300)];
        let hits = combine(&terms, &cfg, |f, t| match (f, t) {
            (FieldKind::Body, "挡小") => &a,
            (FieldKind::Body, "小事") => &b,
            _ => &[],
        });
        let order: Vec<u32> = hits.iter().map(|h| h.order).collect();
        // 2 has both terms (base 200 × (2+2·4)); 3 has one (300 × (2+4)); 1 has one (100 × 6).
        assert_eq!(order, [2, 3, 1]);
    }
}
