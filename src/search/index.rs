//! The tantivy index: schema built once with its `Field` handles kept, one
//! document per section, built in memory as a pure function of the sections.

use super::fold::Fold;
use super::near::{Near, Table};
use super::pinyin;
use super::tokenize::{is_han, normalize_into, normalized, spans};
use crate::model::Section;
use serde::{Deserialize, Serialize};
use std::path::Path;
use tantivy::directory::RamDirectory;
use tantivy::schema::{FAST, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{DocAddress, Index, IndexSettings, TantivyDocument};

/// Name under which the bigram tokenizer is registered in every index.
pub const TOKENIZER: &str = "handbook_bigram";
/// The fast fields the ranking reads per document (by name, as tantivy's fast field readers ask).
pub const ORDER: &str = "order";
pub const WEIGHT: &str = "weight";

/// The ranked (text) fields of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldKind {
    Title,
    Body,
    /// The questions a section answers, in readers' words (`asks:`).
    Asks,
    /// The title's pinyin: full syllables and initials ([`super::pinyin`]).
    Pinyin,
    /// The asks' Han characters, one by one (see `rank::QueryTerm::chars`).
    AskChars,
    /// Words near the section's own in meaning ([`super::near`]).
    Near,
}

impl FieldKind {
    pub const ALL: [FieldKind; 6] =
        [FieldKind::Title, FieldKind::Body, FieldKind::Asks, FieldKind::Pinyin, FieldKind::AskChars, FieldKind::Near];
    /// The fields a word of the query (a bigram, a Latin word) is looked up in.
    pub const WORDS: [FieldKind; 5] =
        [FieldKind::Title, FieldKind::Body, FieldKind::Asks, FieldKind::Pinyin, FieldKind::Near];

    /// The key prefix of this field's terms in the exported data.
    pub fn prefix(self) -> &'static str {
        match self {
            FieldKind::Title => "t",
            FieldKind::Body => "b",
            FieldKind::Asks => "a",
            FieldKind::Pinyin => "p",
            FieldKind::AskChars => "c",
            FieldKind::Near => "n",
        }
    }
}

/// The schema's fields, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: tantivy::schema::Field,
    /// Position of the section in reading order; the tie-breaker and the doc
    /// number of the exported data.
    pub order: tantivy::schema::Field,
    /// Weight of the section in percent, applied to every contribution it gets.
    pub weight: tantivy::schema::Field,
    pub url: tantivy::schema::Field,
    pub breadcrumb: tantivy::schema::Field,
    pub title: tantivy::schema::Field,
    pub body: tantivy::schema::Field,
    /// The asks, one per line (stored: a result found through one shows it).
    pub asks: tantivy::schema::Field,
    pub pinyin: tantivy::schema::Field,
    pub ask_chars: tantivy::schema::Field,
    pub near: tantivy::schema::Field,
    /// The near words with the char offset of the sentence each came from
    /// (`word\toffset` lines): stored only, for the snippet of a result found for meaning.
    pub near_at: tantivy::schema::Field,
}

impl Fields {
    /// The tantivy field of a ranked field.
    pub fn of(&self, field: FieldKind) -> tantivy::schema::Field {
        match field {
            FieldKind::Title => self.title,
            FieldKind::Body => self.body,
            FieldKind::Asks => self.asks,
            FieldKind::Pinyin => self.pinyin,
            FieldKind::AskChars => self.ask_chars,
            FieldKind::Near => self.near,
        }
    }

    fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = TextOptions::default()
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(TOKENIZER)
                    // Ranking is per term (BM25 from frequencies): no phrase
                    // queries, so no positions to write.
                    .set_index_option(IndexRecordOption::WithFreqs),
            )
            .set_stored();
        let derived = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(TOKENIZER).set_index_option(IndexRecordOption::WithFreqs),
        );
        let fields = Fields {
            // Stored only: results show it, nothing looks it up (an indexed field costs a term dictionary).
            id: b.add_text_field("id", STORED),
            order: b.add_u64_field(ORDER, FAST | STORED),
            weight: b.add_u64_field(WEIGHT, FAST | STORED),
            url: b.add_text_field("url", STORED),
            breadcrumb: b.add_text_field("breadcrumb", STORED),
            title: b.add_text_field("title", text.clone()),
            body: b.add_text_field("body", text.clone()),
            asks: b.add_text_field("asks", text.clone()),
            // Derived from the title and the asks: indexed, not stored.
            pinyin: b.add_text_field("pinyin", derived.clone()),
            ask_chars: b.add_text_field("ask_chars", derived.clone()),
            near: b.add_text_field("near", derived),
            near_at: b.add_text_field("near_at", STORED),
        };
        (b.build(), fields)
    }

    fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            id: schema.get_field("id")?,
            order: schema.get_field(ORDER)?,
            weight: schema.get_field(WEIGHT)?,
            url: schema.get_field("url")?,
            breadcrumb: schema.get_field("breadcrumb")?,
            title: schema.get_field("title")?,
            body: schema.get_field("body")?,
            asks: schema.get_field("asks")?,
            pinyin: schema.get_field("pinyin")?,
            ask_chars: schema.get_field("ask_chars")?,
            near: schema.get_field("near")?,
            near_at: schema.get_field("near_at")?,
        })
    }
}

/// What the index is made of: the sections, each one's weight in percent,
/// and its near words. The index and the browser's lists
/// ([`super::export`]) are both made from it, by the same [`Indexed::values`],
/// so they agree term for term and can be made side by side.
pub struct Indexed<'a> {
    pub sections: &'a [Section],
    pub weights: Vec<u64>,
    pub nears: Vec<Vec<Near>>,
    /// Each section's made fields (its title's pinyin, its asks' characters,
    /// its near words), made once for the index and the export.
    derived: Vec<[String; 3]>,
}

impl<'a> Indexed<'a> {
    /// The sections with their weights, and their near words found.
    pub fn new(sections: &'a [Section], weights: Vec<u64>, near_words: usize) -> Indexed<'a> {
        Indexed::paced(sections, weights, near_words, &|| Pace::Wide).unwrap_or_else(|| unreachable!("never stopped"))
    }

    /// [`Indexed::new`], a slice of sections at a time at the pace `pace`
    /// says before each: a build starts this before the content has
    /// validated, on its own thread while the main one validates, and gives
    /// it up (`None`) if the content does not validate.
    pub fn paced(
        sections: &'a [Section],
        weights: Vec<u64>,
        near_words: usize,
        pace: &(dyn Fn() -> Pace + Sync),
    ) -> Option<Indexed<'a>> {
        use rayon::prelude::*;
        /// Sections between two looks at the pace.
        const SLICE: usize = 256;
        let mut nears: Vec<Vec<Near>> = Vec::with_capacity(sections.len());
        match Table::get() {
            Some(t) if near_words > 0 => {
                let expand = |s: &Section| {
                    let asks: Vec<&str> = s.asks.iter().map(|a| a.as_str()).collect();
                    t.expand(&s.title, &s.text, &asks, near_words)
                };
                for slice in sections.chunks(SLICE) {
                    match pace() {
                        Pace::Stop => return None,
                        Pace::Alone => nears.extend(slice.iter().map(expand)),
                        // On every core: at a thousand sections and more, this is most of the index's time.
                        Pace::Wide => nears.par_extend(slice.par_iter().map(expand)),
                    }
                }
            }
            _ => nears.resize(sections.len(), Vec::new()),
        }
        let derived = sections
            .par_iter()
            .zip(&nears)
            .with_min_len(256)
            .map(|(s, near)| {
                // Each character alone: the tokenizer makes a lone Han character a term.
                let chars: Vec<String> =
                    s.asks.iter().flat_map(|a| a.as_str().chars()).filter(|&c| is_han(c)).map(String::from).collect();
                [
                    pinyin::words(&Fold::full().apply(&s.title)).join(" "),
                    chars.join(" "),
                    near.iter().map(|n| n.word.as_str()).collect::<Vec<_>>().join(" "),
                ]
            })
            .collect();
        Some(Indexed { sections, weights, nears, derived })
    }

    /// The values section `i` gives a ranked field, as the index gets them.
    pub fn values(&self, i: usize, field: FieldKind) -> Vec<&str> {
        let s = &self.sections[i];
        match field {
            FieldKind::Title => vec![s.title.as_str()],
            FieldKind::Body => vec![s.text.as_str()],
            FieldKind::Asks => s.asks.iter().map(|a| a.as_str()).collect(),
            FieldKind::Pinyin => vec![self.derived[i][0].as_str()],
            FieldKind::AskChars => vec![self.derived[i][1].as_str()],
            FieldKind::Near => vec![self.derived[i][2].as_str()],
        }
    }

    /// Section `i` as the index stores it (what [`SearchIndex::doc_by_order`] reads back).
    pub fn stored(&self, i: usize) -> StoredDoc {
        let s = &self.sections[i];
        StoredDoc {
            order: i as u64,
            id: s.id.as_str().to_string(),
            url: s.url.clone(),
            breadcrumb: breadcrumb(s),
            title: s.title.clone(),
            text: s.text.clone(),
            asks: s.asks.iter().map(|a| a.as_str().to_string()).collect(),
            near: self.nears[i].iter().map(|n| (n.word.clone(), n.sentence)).collect(),
        }
    }
}

/// How [`Indexed::paced`] goes on with its next slice of sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// On this thread alone.
    Alone,
    /// On every core.
    Wide,
    /// Not at all: give up.
    Stop,
}

/// The terms the index makes of a field's value (folded, then [`tokenize`]d),
/// in order, leaving out any longer than tantivy keeps: each lent to `term`
/// as its characters, none allocated (the export counts every term of every
/// section).
///
/// [`tokenize`]: super::tokenize::tokenize
pub fn each_term(text: &str, mut term: impl FnMut(&[char])) {
    let chars = normalized(text, Some(Fold::full()));
    spans(&chars, |from, to| {
        let t = &chars[from..to];
        if t.iter().map(|c| c.len_utf8()).sum::<usize>() <= tantivy::tokenizer::MAX_TOKEN_LEN {
            term(t);
        }
    });
}

fn breadcrumb(s: &Section) -> String {
    s.breadcrumb.join(" › ")
}

/// An open index with its fields and a searcher.
pub struct SearchIndex {
    pub index: Index,
    pub fields: Fields,
    pub searcher: tantivy::Searcher,
    /// The in-memory directory, when built here (for [`SearchIndex::persist`]).
    ram: Option<RamDirectory>,
    /// Document address of each section, by reading order.
    by_order: Vec<DocAddress>,
}

/// A section as stored in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    pub order: u64,
    pub id: String,
    pub url: String,
    pub breadcrumb: String,
    pub title: String,
    pub text: String,
    pub asks: Vec<String>,
    /// Its near words, best first, with the offset of the sentence each came from.
    pub near: Vec<(String, Option<usize>)>,
}

impl SearchIndex {
    /// Builds the index in memory, one document per section, in reading order;
    /// `weight` gives each section's weight in percent.
    pub fn build(
        sections: &[Section],
        weight: impl Fn(&Section) -> u32,
        near_words: usize,
    ) -> tantivy::Result<SearchIndex> {
        let weights: Vec<u64> = sections.iter().map(|s| u64::from(weight(s))).collect();
        SearchIndex::build_from(&Indexed::new(sections, weights, near_words))
    }

    /// Builds the index of sections whose weights and near words are made.
    pub fn build_from(src: &Indexed<'_>) -> tantivy::Result<SearchIndex> {
        let sections = src.sections;
        let (schema, fields) = Fields::schema();
        let ram = RamDirectory::create();
        let tokenizers = tantivy::tokenizer::TokenizerManager::default();
        // Folds traditional characters as it goes: the stored text stays as written.
        tokenizers.register(TOKENIZER, TextAnalyzer::from(BigramTokenizer::folding(Fold::full())));
        // One segment, written on this thread: a handbook fits in memory, and
        // tantivy's threaded writer (indexing, merge and updater threads, a
        // large hash table) cost more than the indexing itself. The
        // budget only sizes the initial term table, which grows as needed.
        let text: usize = sections.iter().map(|s| s.title.len() + s.text.len()).sum();
        let mut writer =
            Index::builder()
                .schema(schema)
                .settings(IndexSettings::default())
                .tokenizers(tokenizers)
                .single_segment_index_writer::<TantivyDocument>(ram.clone(), (text * 2).clamp(1 << 20, 50_000_000))?;
        for (i, s) in sections.iter().enumerate() {
            let mut d = TantivyDocument::default();
            d.add_text(fields.id, s.id.as_str());
            d.add_u64(fields.order, i as u64);
            d.add_u64(fields.weight, src.weights[i]);
            d.add_text(fields.url, &s.url);
            d.add_text(fields.breadcrumb, breadcrumb(s));
            for field in FieldKind::ALL {
                for value in src.values(i, field) {
                    d.add_text(fields.of(field), value);
                }
            }
            let near = &src.nears[i];
            let at = |n: &Near| n.sentence.map(|s| s.to_string()).unwrap_or_default();
            d.add_text(
                fields.near_at,
                near.iter().map(|n| format!("{}\t{}", n.word, at(n))).collect::<Vec<_>>().join("\n"),
            );
            writer.add_document(d)?;
        }
        let index = writer.finalize()?;
        SearchIndex::new(index, fields, Some(ram))
    }

    /// Opens an index written from [`SearchIndex::files`].
    pub fn open(dir: &Path) -> tantivy::Result<SearchIndex> {
        let index = Index::open_in_dir(dir)?;
        // Custom tokenizers are not stored in the index: register them again.
        register(&index);
        let fields = Fields::from_schema(&index.schema())?;
        SearchIndex::new(index, fields, None)
    }

    fn new(index: Index, fields: Fields, ram: Option<RamDirectory>) -> tantivy::Result<SearchIndex> {
        // Manual reloads: the default policy watches the folder with a thread of its own.
        let searcher = index.reader_builder().reload_policy(tantivy::ReloadPolicy::Manual).try_into()?.searcher();
        let mut by_order = vec![DocAddress::new(0, 0); searcher.num_docs() as usize];
        for (seg, reader) in searcher.segment_readers().iter().enumerate() {
            let column = reader.fast_fields().u64(ORDER)?;
            for doc in 0..reader.max_doc() {
                if let Some(o) = column.first(doc).and_then(|o| by_order.get_mut(o as usize)) {
                    *o = DocAddress::new(seg as u32, doc);
                }
            }
        }
        Ok(SearchIndex { index, fields, searcher, ram, by_order })
    }

    /// The stored section with this reading order.
    pub fn doc_by_order(&self, order: u32) -> tantivy::Result<StoredDoc> {
        let addr = self
            .by_order
            .get(order as usize)
            .copied()
            .ok_or_else(|| tantivy::TantivyError::InvalidArgument(format!("no section with order {order}")))?;
        self.doc(addr)
    }

    /// The files of an in-memory index, by name: written into the site like
    /// any other file (tantivy's own persist syncs every file to disk, which
    /// cost more than building a small index).
    ///
    /// tantivy names a segment by a random id; here each segment is renamed
    /// after a hash of its files, so that the same content gives the same
    /// files: the output is reproducible, and an unchanged index is linked
    /// from the previous site rather than written again.
    pub fn files(&self) -> tantivy::Result<Vec<(String, Vec<u8>)>> {
        use tantivy::directory::Directory;
        let ram = self.ram.as_ref().ok_or_else(|| {
            tantivy::TantivyError::InvalidArgument("only an index built in memory has its files at hand".into())
        })?;
        let read = |name: &Path| ram.atomic_read(name).map_err(|e| tantivy::TantivyError::InternalError(e.to_string()));
        // The segments' files; `.managed.json` (tantivy's list for its garbage
        // collection, in hash-set order) is left out: nothing writes to this index again.
        let mut names: Vec<String> = self
            .index
            .directory()
            .list_managed_files()
            .into_iter()
            .filter(|p| p.file_name().is_some_and(|n| n != ".managed.json" && n != "meta.json"))
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .collect();
        names.sort();
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for name in names {
            let bytes = read(Path::new(&name))?;
            files.push((name, bytes));
        }
        let mut meta = String::from_utf8(read(Path::new("meta.json"))?)
            .map_err(|e| tantivy::TantivyError::InternalError(e.to_string()))?;
        for reader in self.searcher.segment_readers() {
            let old = reader.segment_id().uuid_string();
            let mut h = Fnv128::default();
            for (name, bytes) in files.iter().filter(|(n, _)| n.starts_with(&old)) {
                h.write(&name.as_bytes()[old.len()..]);
                h.write(bytes);
            }
            let new = format!("{:032x}", h.0);
            meta = meta.replace(&hyphenated(&old), &hyphenated(&new));
            for (name, _) in files.iter_mut().filter(|(n, _)| n.starts_with(&old)) {
                *name = format!("{new}{}", &name[old.len()..]);
            }
        }
        files.push(("meta.json".to_string(), meta.into_bytes()));
        Ok(files)
    }

    pub fn num_docs(&self) -> u64 {
        self.searcher.num_docs()
    }

    pub fn doc(&self, addr: tantivy::DocAddress) -> tantivy::Result<StoredDoc> {
        let d: TantivyDocument = self.searcher.doc(addr)?;
        let s = |f| d.get_first(f).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        Ok(StoredDoc {
            order: d.get_first(self.fields.order).and_then(|v| v.as_u64()).unwrap_or_default(),
            id: s(self.fields.id),
            url: s(self.fields.url),
            breadcrumb: s(self.fields.breadcrumb),
            title: s(self.fields.title),
            text: s(self.fields.body),
            asks: d.get_all(self.fields.asks).filter_map(|v| v.as_str()).map(str::to_string).collect(),
            near: s(self.fields.near_at)
                .lines()
                .filter_map(|l| l.split_once('\t'))
                .map(|(w, at)| (w.to_string(), at.parse().ok()))
                .collect(),
        })
    }
}

/// FNV-1a, 128 bits, over 8-byte words (then the bytes left): a stable
/// content hash (std's hasher may change between Rust versions), a word at
/// a time because an index is megabytes.
struct Fnv128(u128);

impl Default for Fnv128 {
    fn default() -> Self {
        Fnv128(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d)
    }
}

impl Fnv128 {
    fn write(&mut self, bytes: &[u8]) {
        const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
        let words = bytes.chunks_exact(8);
        let rest = words.remainder();
        for w in words {
            self.0 ^= u128::from(u64::from_le_bytes(w.try_into().unwrap_or_default()));
            self.0 = self.0.wrapping_mul(PRIME);
        }
        for &b in rest {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(PRIME);
        }
    }
}

/// A 32-digit id as meta.json writes it: 8-4-4-4-12.
fn hyphenated(id: &str) -> String {
    format!("{}-{}-{}-{}-{}", &id[..8], &id[8..12], &id[12..16], &id[16..20], &id[20..])
}

fn register(index: &Index) {
    // Queries are looked up term by term, never through this tokenizer: no fold needed.
    index.tokenizers().register(TOKENIZER, TextAnalyzer::from(BigramTokenizer::default()));
}

/// [`tokenize`] as a tantivy tokenizer, over text folded by `fold`. tantivy
/// keeps one per field for a whole index build, so its buffers (and the
/// tokens' strings) are reused from one value to the next.
///
/// [`tokenize`]: super::tokenize::tokenize
#[derive(Clone, Debug, Default)]
pub struct BigramTokenizer {
    fold: Option<&'static Fold>,
    chars: Vec<char>,
    byte_at: Vec<usize>,
    tokens: Vec<Token>,
}

impl BigramTokenizer {
    fn folding(fold: &'static Fold) -> BigramTokenizer {
        BigramTokenizer { fold: Some(fold), ..BigramTokenizer::default() }
    }
}

/// The tokens of one value: the first `len` of the tokenizer's buffer.
pub struct VecTokenStream<'a> {
    tokens: &'a mut [Token],
    next: usize,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = VecTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream<'a> {
        let BigramTokenizer { fold, chars, byte_at, tokens } = self;
        // Offsets are bytes in tantivy; ours are chars.
        byte_at.clear();
        byte_at.extend(text.char_indices().map(|(b, _)| b).chain([text.len()]));
        normalize_into(text, *fold, chars);
        let mut len = 0;
        spans(chars, |from, to| {
            if len == tokens.len() {
                tokens.push(Token::default());
            }
            let t = &mut tokens[len];
            t.text.clear();
            t.text.extend(&chars[from..to]);
            (t.offset_from, t.offset_to, t.position, t.position_length) = (byte_at[from], byte_at[to], len, 1);
            len += 1;
        });
        VecTokenStream { tokens: &mut tokens[..len], next: 0 }
    }
}

impl TokenStream for VecTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}
