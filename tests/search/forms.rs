//! The pinyin and traditional query sets, generated from a handbook's titles
//! (shared by `examples/score_sets.rs` and the browser tests): for every
//! title, its full pinyin in each character's common reading (`biganzi`), its
//! initials (`bgz`), its syllables with tone marks as a dictionary writes
//! them (`bǐ gǎn zi`), its traditional form (`筆桿子`, by OpenCC's phrase
//! tables via hanconv), and, for a title that starts with a Chinese numeral
//! (四办, 一个中心), the digit typed for it (`4办`). A form's answers are
//! every section whose title gives the same form, and the sections those
//! refer to (a maxim's refs state it).

use pinyin::ToPinyin;
use std::collections::BTreeMap;

pub struct Form {
    pub q: String,
    pub answers: Vec<String>,
}

/// `(kind, forms)` for the kinds `pinyin`, `initials`, `traditional`, `tone
/// marks` and `digits`, from `(id, title, refs)` triples.
pub fn forms(titles: &[(String, String, Vec<String>)]) -> Vec<(&'static str, Vec<Form>)> {
    let mut kinds: Vec<(&'static str, BTreeMap<String, Vec<String>>)> = vec![
        ("pinyin", BTreeMap::new()),
        ("initials", BTreeMap::new()),
        ("traditional", BTreeMap::new()),
        ("tone marks", BTreeMap::new()),
        ("digits", BTreeMap::new()),
    ];
    for (id, title, refs) in titles {
        let answers = || std::iter::once(id.clone()).chain(refs.iter().cloned());
        let syllables: Vec<&str> = title.as_str().to_pinyin().flatten().map(|p| p.plain()).collect();
        if syllables.len() >= 2 {
            kinds[0].1.entry(syllables.concat().replace('ü', "v")).or_default().extend(answers());
            kinds[1].1.entry(syllables.iter().map(|s| &s[..1]).collect()).or_default().extend(answers());
        }
        let traditional = hanconv::s2t(title);
        if &traditional != title {
            kinds[2].1.entry(traditional).or_default().extend(answers());
        }
        let toned: Vec<&str> = title.as_str().to_pinyin().flatten().map(|p| p.with_tone()).collect();
        if toned.len() >= 2 && toned.iter().any(|s| !s.is_ascii()) {
            kinds[3].1.entry(toned.join(" ")).or_default().extend(answers());
        }
        // A title that counts something (四办, 一个中心, 一、…), not a word that starts with a numeral (一丝不苟).
        let mut chars = title.chars();
        let digit = chars.next().and_then(|c| "零一二三四五六七八九".chars().position(|n| n == c));
        let rest = chars.as_str();
        if let Some(d) = digit.filter(|_| rest.chars().next().is_some_and(|c| !"丝些般切直样起定致".contains(c)))
        {
            kinds[4].1.entry(format!("{d}{rest}")).or_default().extend(answers());
        }
    }
    kinds
        .into_iter()
        .map(|(kind, map)| (kind, map.into_iter().map(|(q, answers)| Form { q, answers }).collect()))
        .collect()
}
