//! The typed content model: one Rust type per content kind, no I/O.
//!
//! Every file under `content/` names its kind in a `kind:` field; the loader
//! reads that field first and then deserializes the file as exactly that kind.
//! No text of any particular handbook lives here: another office writes its
//! own content with the same kinds.

mod schema;
mod sections;
mod text;
mod words;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

pub use schema::content_schema;
pub use sections::{Section, SectionKind, Sections, sections};
pub use text::{Id, Pos, Text, is_cjk, normalize_text};
pub use words::{ExamWords, KindWords, Pattern};

/// The kinds a content file may declare, in the order the README documents them.
pub const KINDS: &[&str] =
    &["handbook", "quiz", "overview", "qualities", "images", "relationships", "transformations", "maxims"];

/// A whole handbook after loading: its settings and its chapters in reading order.
#[derive(Debug, Clone)]
pub struct Handbook {
    pub settings: Settings,
    /// Where the settings came from, relative to the handbook root.
    pub settings_file: PathBuf,
    /// Chapters in the order the loader found them (file name order);
    /// `Settings::chapters` gives the reading order, see [`Handbook::ordered`].
    pub chapters: Vec<Chapter>,
    /// Authored quizzes, each for one chapter.
    pub quizzes: Vec<QuizFile>,
}

impl Handbook {
    /// Chapters in the reading order of `settings.chapters`; unknown ids are skipped
    /// (validation reports them).
    pub fn ordered(&self) -> Vec<&Chapter> {
        let mut by_id: std::collections::HashMap<&str, &Chapter> = std::collections::HashMap::new();
        for c in &self.chapters {
            by_id.entry(c.id().as_str()).or_insert(c);
        }
        self.settings.chapters.iter().filter_map(|id| by_id.get(id.as_str()).copied()).collect()
    }

    pub fn part(&self, id: &Id) -> Option<&Part> {
        self.settings.parts.iter().find(|p| p.id.value == id.value)
    }
}

/// `kind: handbook` — the handbook's own settings (mdBook's live in `book.toml`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub kind: String,
    /// A name no other handbook uses (lowercase letters, digits and single
    /// hyphens): a reader's quiz answers, review schedule and reading progress
    /// are kept in the browser under it, and a progress file names it.
    /// `handbook init` writes a random one. Without it, the chapters' ids
    /// stand in (two handbooks with the same chapters would share progress).
    #[serde(default)]
    pub id: Option<Id>,
    /// Chapter ids in reading order; every chapter file must be listed once.
    pub chapters: Vec<Id>,
    /// Parts group chapters under a heading of the source (shown above each chapter's title).
    #[serde(default)]
    pub parts: Vec<Part>,
    #[serde(default)]
    pub search: SearchSettings,
    #[serde(default)]
    pub quiz: QuizSettings,
    #[serde(default)]
    pub print: PrintSettings,
}

/// Printed editions (PDF).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintSettings {
    /// `handbook build` also writes every edition's PDF into the site (when it can). Default: on.
    #[serde(default = "yes")]
    pub in_site: bool,
    #[serde(default)]
    pub editions: Vec<Edition>,
    /// Exam papers (`handbook exam`): questions drawn from the bank, in forms, with one answer key.
    #[serde(default)]
    pub exams: Vec<Exam>,
}

impl Default for PrintSettings {
    fn default() -> Self {
        PrintSettings { in_site: true, editions: vec![], exams: vec![] }
    }
}

/// An exam paper: how many questions of each type, worth how much, from
/// which chapters, and in how many forms (the same questions, in another
/// order, options shuffled).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exam {
    /// Used in file names (`<name>-A.pdf`, `<name>-key.pdf`) and by `handbook exam --name`.
    pub name: Id,
    pub title: Text,
    /// Minutes allowed, printed in the paper's header.
    #[serde(default)]
    pub minutes: Option<u32>,
    /// Chapter ids the questions come from; empty: every chapter.
    #[serde(default)]
    pub chapters: Vec<Id>,
    /// How many questions of each type.
    pub questions: PerKind,
    /// Points for one question of each type (every type asked must have some).
    pub points: PerKind,
    /// `authored`, `drills` or `both` (the default): which questions of the bank may be drawn.
    #[serde(default)]
    pub from: Option<Text>,
    /// The draw and the orders: the same seed gives the same papers.
    #[serde(default)]
    pub seed: u64,
    /// How many forms (A, B, …), 1 to 26. Default: 2.
    #[serde(default = "two_forms")]
    pub forms: u32,
}

fn two_forms() -> u32 {
    2
}

impl Exam {
    pub fn from(&self) -> &str {
        self.from.as_ref().map_or("both", |t| t.as_str())
    }
}

/// A number for each question type.
#[derive(Debug, Clone, Copy, Default, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct PerKind {
    #[serde(default)]
    pub single: u32,
    #[serde(default)]
    pub multiple: u32,
    #[serde(default)]
    pub truefalse: u32,
    #[serde(default)]
    pub fill: u32,
    #[serde(default)]
    pub matching: u32,
}

impl PerKind {
    /// (type, number) in the order a paper's sections come.
    pub fn each(&self) -> [(&'static str, u32); 5] {
        [
            ("single", self.single),
            ("multiple", self.multiple),
            ("truefalse", self.truefalse),
            ("fill", self.fill),
            ("matching", self.matching),
        ]
    }

    pub fn get(&self, kind: &str) -> u32 {
        self.each().into_iter().find(|(k, _)| *k == kind).map_or(0, |(_, n)| n)
    }
}

/// One printed edition: what its cover says and what it contains.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Edition {
    /// Used in file names (`<name>.pdf`) and by `handbook print --edition`.
    pub name: Id,
    pub title: Text,
    #[serde(default)]
    pub subtitle: Option<Text>,
    #[serde(default)]
    pub organisation: Option<Text>,
    /// As it should read on the cover, e.g. 2026年11月.
    #[serde(default)]
    pub date: Option<Text>,
    /// Chapter ids, in the order they print; empty: every chapter.
    #[serde(default)]
    pub chapters: Vec<Id>,
    /// `none`, `questions` (the default) or `answers` (questions, and an answer key at the end).
    #[serde(default)]
    pub quizzes: Option<Text>,
    /// `a4` (the default) or `a5`.
    #[serde(default)]
    pub paper: Option<Text>,
    /// `book` (the default: the chapters in full) or `card` (a summary card
    /// made from the structured lists alone: every framework, entry, point,
    /// measure and maxim, on one or two pages).
    #[serde(default)]
    pub layout: Option<Text>,
}

impl Edition {
    pub fn quizzes(&self) -> &str {
        self.quizzes.as_ref().map_or("questions", |t| t.as_str())
    }

    pub fn paper(&self) -> &str {
        self.paper.as_ref().map_or("a4", |t| t.as_str())
    }

    pub fn layout(&self) -> &str {
        self.layout.as_ref().map_or("book", |t| t.as_str())
    }
}

/// Quiz settings: the generated drills of the practice page.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuizSettings {
    /// Generate drills from the structured lists (a practice page). Default: on.
    #[serde(default = "yes")]
    pub drills: bool,
    /// Drills per chapter (at most). Default: 6.
    #[serde(default = "six")]
    pub drills_per_chapter: usize,
    /// Seed of the drills' choice and order; the same seed gives the same drills.
    #[serde(default)]
    pub seed: u64,
    /// Title of the practice page. Default: the page template's own.
    #[serde(default)]
    pub practice_title: Option<Text>,
}

fn yes() -> bool {
    true
}

fn six() -> usize {
    6
}

impl Default for QuizSettings {
    fn default() -> Self {
        QuizSettings { drills: true, drills_per_chapter: 6, seed: 0, practice_title: None }
    }
}

/// Search settings of a handbook.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchSettings {
    /// Groups of words that mean the same here: a query containing one member
    /// also searches for the others (at a lower weight).
    #[serde(default)]
    pub synonyms: Vec<Vec<Text>>,
    /// Question words removed from a query before it is searched (怎么办, 什么…):
    /// they say how the reader asks, not what about.
    #[serde(default)]
    pub ignore: Vec<Text>,
    /// Weight of each kind of section in percent (default 100): e.g. maxims,
    /// which quote the sections that state them, can rank below those.
    #[serde(default)]
    pub weights: SectionWeights,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionWeights {
    pub chapter: Option<u32>,
    pub framework: Option<u32>,
    pub entry: Option<u32>,
    pub point: Option<u32>,
    pub maxim: Option<u32>,
}

impl SectionWeights {
    pub fn of(&self, kind: SectionKind) -> u32 {
        match kind {
            SectionKind::Chapter => self.chapter,
            SectionKind::Framework => self.framework,
            SectionKind::Entry => self.entry,
            SectionKind::Point => self.point,
            SectionKind::Maxim => self.maxim,
        }
        .unwrap_or(100)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: Id,
    pub title: Text,
}

/// One chapter file: where it came from and its typed body.
#[derive(Debug, Clone)]
pub struct Chapter {
    /// Path relative to the handbook root, e.g. `content/images.yaml`.
    pub file: PathBuf,
    pub body: ChapterBody,
}

#[derive(Debug, Clone)]
pub enum ChapterBody {
    Overview(Overview),
    Qualities(Qualities),
    Images(Images),
    Relationships(Relationships),
    Transformations(Transformations),
    Maxims(Maxims),
}

impl Chapter {
    pub fn head(&self) -> &ChapterHead {
        match &self.body {
            ChapterBody::Overview(c) => &c.head,
            ChapterBody::Qualities(c) => &c.head,
            ChapterBody::Images(c) => &c.head,
            ChapterBody::Relationships(c) => &c.head,
            ChapterBody::Transformations(c) => &c.head,
            ChapterBody::Maxims(c) => &c.head,
        }
    }

    pub fn id(&self) -> &Id {
        &self.head().id
    }

    /// The kind's name as written in `kind:`; also the name of its page template.
    pub fn kind(&self) -> &'static str {
        match &self.body {
            ChapterBody::Overview(_) => "overview",
            ChapterBody::Qualities(_) => "qualities",
            ChapterBody::Images(_) => "images",
            ChapterBody::Relationships(_) => "relationships",
            ChapterBody::Transformations(_) => "transformations",
            ChapterBody::Maxims(_) => "maxims",
        }
    }
}

/// The fields every chapter kind starts with.
///
/// Each kind repeats them instead of using `#[serde(flatten)]`, which would
/// lose both spans and `deny_unknown_fields`; the loader assembles this view.
#[derive(Debug, Clone)]
pub struct ChapterHead {
    pub id: Id,
    /// Short title for navigation, breadcrumbs and search results.
    pub title: Text,
    /// The source's own heading line, shown as the page heading when present.
    pub heading: Option<Text>,
    /// The part this chapter belongs to (an id from the settings' `parts`).
    pub part: Option<Id>,
    /// Opening paragraphs, before the first entry.
    pub intro: Vec<Text>,
    /// Questions the chapter page as a whole answers (search data; see [`Entry::asks`]).
    pub asks: Vec<Text>,
}

macro_rules! chapter_kind {
    ($(#[$doc:meta])* $name:ident, $file:ident { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            pub head: ChapterHead,
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        /// The file format of this kind (what `handbook schema` describes).
        #[derive(Debug, Clone, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $file {
            /// The kind of this file.
            pub kind: String,
            /// Stable id: the page is `<id>.html`.
            pub id: Id,
            /// Short title for navigation, breadcrumbs and search results.
            pub title: Text,
            /// The source's own heading line, shown as the page heading.
            #[serde(default)]
            pub heading: Option<Text>,
            /// A part from the settings; its title shows above the heading.
            #[serde(default)]
            pub part: Option<Id>,
            /// Paragraphs before the first entry.
            #[serde(default)]
            pub intro: Vec<Text>,
            /// Questions the chapter as a whole answers, in readers' words: search data, never shown as text.
            #[serde(default)]
            pub asks: Vec<Text>,
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $file::deserialize(d).map(Into::into)
            }
        }

        impl From<$file> for $name {
            fn from(raw: $file) -> Self {
                $name {
                    head: ChapterHead { id: raw.id, title: raw.title, heading: raw.heading, part: raw.part, intro: raw.intro, asks: raw.asks },
                    $($field: raw.$field,)*
                }
            }
        }
    };
}

chapter_kind!(
    /// `kind: overview` — opening paragraphs and the named frameworks they introduce.
    Overview,
    OverviewFile { frameworks: Vec<Framework> }
);

chapter_kind!(
    /// `kind: qualities` — qualities staff must have, each a titled passage.
    Qualities,
    QualitiesFile { entries: Vec<Entry> }
);

chapter_kind!(
    /// `kind: images` — images staff should live up to, each with its points.
    Images,
    ImagesFile { entries: Vec<Entry> }
);

chapter_kind!(
    /// `kind: relationships` — pairs of concerns to balance, each with its two poles.
    Relationships,
    RelationshipsFile { entries: Vec<Relationship> }
);

chapter_kind!(
    /// `kind: transformations` — directions of change, each with its measures.
    Transformations,
    TransformationsFile { entries: Vec<Transformation> }
);

chapter_kind!(
    /// `kind: maxims` — short working maxims, each quoting the source that states it.
    Maxims,
    MaximsFile { entries: Vec<Maxim> }
);

/// A named, numbered list such as “四个作用”.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: Id,
    pub name: Text,
    #[serde(default)]
    pub items: Vec<FrameworkItem>,
    /// Questions in readers' own words that this section answers: search
    /// data, never shown as the handbook's text (a result found through one
    /// shows it as "匹配问题").
    #[serde(default)]
    pub asks: Vec<Text>,
    #[serde(default)]
    pub refs: Vec<Id>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkItem {
    pub id: Id,
    pub text: Text,
    /// Other wordings the source uses for the same item (e.g. 督查督办 / 督查落实).
    #[serde(default)]
    pub variants: Vec<Text>,
    #[serde(default)]
    pub subitems: Vec<Label>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Label {
    pub id: Id,
    pub text: Text,
}

/// A titled passage with optional points: a quality, an image, a measure.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub id: Id,
    pub title: Text,
    /// The source's opening sentence, shown in bold at the start of the text.
    #[serde(default)]
    pub lead: Option<Text>,
    #[serde(default)]
    pub text: Vec<Text>,
    #[serde(default)]
    pub points: Vec<Point>,
    /// Questions in readers' own words that this section answers: search
    /// data, never shown as the handbook's text (a result found through one
    /// shows it as "匹配问题").
    #[serde(default)]
    pub asks: Vec<Text>,
    #[serde(default)]
    pub refs: Vec<Id>,
}

/// The smallest addressable unit: one numbered point of an entry.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Point {
    pub id: Id,
    pub title: Text,
    #[serde(default)]
    pub lead: Option<Text>,
    #[serde(default)]
    pub text: Vec<Text>,
    /// Questions in readers' own words that this section answers: search
    /// data, never shown as the handbook's text (a result found through one
    /// shows it as "匹配问题").
    #[serde(default)]
    pub asks: Vec<Text>,
    #[serde(default)]
    pub refs: Vec<Id>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Relationship {
    pub id: Id,
    pub title: Text,
    /// The two poles to balance, e.g. 大事 and 小事.
    pub poles: Vec<Text>,
    #[serde(default)]
    pub lead: Option<Text>,
    #[serde(default)]
    pub text: Vec<Text>,
    #[serde(default)]
    pub points: Vec<Point>,
    /// Questions in readers' own words that this section answers: search
    /// data, never shown as the handbook's text (a result found through one
    /// shows it as "匹配问题").
    #[serde(default)]
    pub asks: Vec<Text>,
    #[serde(default)]
    pub refs: Vec<Id>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transformation {
    pub id: Id,
    pub title: Text,
    /// The source's heading line for this transformation, e.g. “（一）管理要科学化”.
    #[serde(default)]
    pub heading: Option<Text>,
    #[serde(default)]
    pub text: Vec<Text>,
    pub measures: Vec<Entry>,
    /// Questions in readers' own words that this section answers: search
    /// data, never shown as the handbook's text (a result found through one
    /// shows it as "匹配问题").
    #[serde(default)]
    pub asks: Vec<Text>,
    #[serde(default)]
    pub refs: Vec<Id>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Maxim {
    pub id: Id,
    /// The maxim as the source words it.
    pub text: Text,
    /// The source's own words that explain it; must occur in a referenced section.
    #[serde(default)]
    pub quote: Option<Text>,
    /// Questions in readers' own words that this section answers: search
    /// data, never shown as the handbook's text (a result found through one
    /// shows it as "匹配问题").
    #[serde(default)]
    pub asks: Vec<Text>,
    /// Where the source states it: at least one.
    pub refs: Vec<Id>,
}

/// `kind: quiz` — questions for the end of one chapter.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quiz {
    /// The kind of this file.
    pub kind: String,
    /// The chapter whose page ends with this quiz.
    pub chapter: Id,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone)]
pub struct QuizFile {
    pub file: PathBuf,
    pub quiz: Quiz,
}

/// The question types, as written in `type:`.
pub const QUESTION_TYPES: &[&str] = &["single", "multiple", "truefalse", "fill", "matching"];

/// One question. Which answer fields apply depends on `type`:
/// `single`: `options` + `answer` (1-based); `multiple`: `options` + `answers`;
/// `truefalse`: `correct`; `fill`: `accept` (the prompt holds one `____`);
/// `matching`: `pairs`. Validation checks that the right ones are there.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: Id,
    #[serde(rename = "type")]
    pub kind: Text,
    pub prompt: Text,
    #[serde(default)]
    pub options: Vec<Text>,
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub answer: Option<serde_saphyr::Spanned<i64>>,
    #[serde(default)]
    #[schemars(with = "Option<Vec<i64>>")]
    pub answers: Option<Vec<serde_saphyr::Spanned<i64>>>,
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub correct: Option<serde_saphyr::Spanned<bool>>,
    #[serde(default)]
    pub accept: Vec<Text>,
    #[serde(default)]
    pub pairs: Vec<Pair>,
    /// Shown after answering, with links to `refs`.
    #[serde(default)]
    pub explanation: Option<Text>,
    /// The sections that teach it: at least one.
    #[serde(default)]
    pub refs: Vec<Id>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub left: Text,
    pub right: Text,
}

/// The marker of the blank in a `fill` prompt.
pub const BLANK: &str = "____";
