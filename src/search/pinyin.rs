//! Pinyin for titles: a reader who types `biganzi` or `bgz` (no input method
//! at hand, or faster) finds 笔杆子.
//!
//! Only the index needs it: each title's Han characters give Latin words (the
//! whole title's syllables run together, and their initials) in a field of
//! their own, and a Latin query is looked up there like any other term. The
//! browser downloads no pinyin table at all.

use pinyin::ToPinyinMulti;

/// Most readings combined per title: a title of polyphonic characters could
/// otherwise give thousands of spellings.
const MAX_SPELLINGS: usize = 16;

/// The Latin words that spell `title` (already folded to simplified): for the
/// whole run of its Han characters, every combination of their readings (up
/// to [`MAX_SPELLINGS`]) run together, and the initials of each. Characters
/// without a reading are skipped. Sorted, without repeats.
pub fn words(title: &str) -> Vec<String> {
    let readings: Vec<Vec<String>> = title
        .chars()
        .filter_map(|c| c.to_pinyin_multi())
        .map(|m| {
            let mut r: Vec<String> = m.into_iter().map(|p| p.plain().replace('ü', "v")).collect();
            r.dedup();
            r
        })
        .collect();
    if readings.is_empty() {
        return Vec::new();
    }
    let mut spellings: Vec<(String, String)> = vec![(String::new(), String::new())];
    for options in &readings {
        let mut next = Vec::new();
        for (full, initials) in &spellings {
            for r in options {
                if next.len() < MAX_SPELLINGS {
                    next.push((format!("{full}{r}"), format!("{initials}{}", &r[..1])));
                }
            }
        }
        spellings = next;
    }
    let mut out: Vec<String> = spellings.into_iter().flat_map(|(f, i)| [f, i]).filter(|w| w.len() > 1).collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn spells_a_title_in_full_and_by_initials() {
        let w = words("笔杆子");
        assert!(w.contains(&"biganzi".to_string()) && w.contains(&"bgz".to_string()), "{w:?}");
        assert!(words("ABC").is_empty(), "no Han characters, no pinyin");
        // 行 reads xing and hang: both spellings are indexed.
        let w = words("银行");
        assert!(w.contains(&"yinhang".to_string()) && w.contains(&"yinxing".to_string()), "{w:?}");
    }
}
