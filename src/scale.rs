//! A synthetic big handbook for tests and benchmarks: N copies of a real one.
//!
//! Every content file is copied N times with every id (and every reference to
//! one) suffixed `-c<k>`, so the copies have the real content's shapes and
//! text, and differ: copy `k`'s first chapter gets one extra intro paragraph
//! with a planted phrase unique to it ([`planted_phrase`]), which search must
//! find at rank 1. Each copy's asks end in its number (asks are meant to be
//! one section's own). Copies are written as YAML with JSON-style values.
//! Deterministic: the same input and factor give the same files.

use crate::diagnostic::Diagnostic;
use serde_json::Value;
use std::path::Path;

/// Keys whose string values (or lists of strings) are ids or references to ids.
const ID_KEYS: &[&str] = &["id", "part", "refs", "chapters", "chapter"];

/// Characters the planted phrases are made of: common ones, so tokenization
/// and ranking stay realistic; four of them in base 16 make 65,536 phrases.
const PHRASE_CHARS: [char; 16] =
    ['春', '夏', '秋', '冬', '梅', '兰', '竹', '菊', '山', '水', '风', '云', '星', '辰', '江', '河'];

/// The phrase planted in copy `k`, e.g. `春夏秋冬` shapes.
pub fn planted_phrase(k: usize) -> String {
    (0..4).rev().map(|i| PHRASE_CHARS[(k >> (4 * i)) & 15]).collect::<String>() + "暗记"
}

pub fn suffix(id: &str, k: usize) -> String {
    format!("{id}-c{k}")
}

/// Beyond this the copies would fill a disk before any build could use them.
pub const MAX_FACTOR: usize = 10_000;

/// Writes a handbook `factor` times the size of the one at `root` into `out`
/// (content/ as generated YAML, book.toml and theme/ copied). `out` must be
/// new or empty, so that nothing of another handbook mixes in.
pub fn generate(root: &Path, factor: usize, out: &Path) -> Result<usize, Diagnostic> {
    if factor == 0 {
        return Err(Diagnostic::error("the factor must be 1 or more").with_hint("e.g. `--factor 10` for ten copies"));
    }
    if factor > MAX_FACTOR {
        return Err(Diagnostic::error(format!("the factor must be at most {MAX_FACTOR}"))
            .with_hint("each copy is a dozen content files; the 1000× handbook already takes about 2 GiB to build"));
    }
    for need in ["book.toml", "content"] {
        let p = root.join(need);
        if !p.exists() {
            return Err(Diagnostic::in_file(&p, "not found: there is no handbook here to scale")
                .with_hint("run it in a handbook's folder, or pass --dir ROOT"));
        }
    }
    if std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some()) {
        return Err(Diagnostic::in_file(out, "the folder is not empty")
            .with_hint("pass a new or empty folder: the scaled handbook is written there whole"));
    }
    let content = root.join("content");
    std::fs::create_dir_all(out.join("content")).map_err(cannot(&out.join("content"), "create the folder"))?;
    std::fs::copy(root.join("book.toml"), out.join("book.toml")).map_err(cannot(&out.join("book.toml"), "copy"))?;
    copy_dir(&root.join("theme"), &out.join("theme"))?;
    let mut files: Vec<(String, Value)> = Vec::new();
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.map_err(|e| Diagnostic::in_file(&content, format!("cannot read the folder: {e}")))?;
        let p = entry.path();
        if !matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            continue;
        }
        let text = std::fs::read_to_string(p).map_err(cannot(p, "read"))?;
        let value: Value = serde_saphyr::from_str(&text).map_err(|e| {
            Diagnostic::in_file(p, format!("cannot read as YAML: {e}"))
                .with_hint("run `handbook check` to see the problem with its place")
        })?;
        // The path below content/ without the extension keeps files of one name apart (quiz/01-overview).
        let rel = p.strip_prefix(&content).unwrap_or(p).with_extension("");
        let name = rel.to_string_lossy().replace('\\', "/");
        files.push((name, value));
    }
    let first_chapter = files
        .iter()
        .find(|(_, v)| v["kind"] == "handbook")
        .and_then(|(_, v)| v["chapters"][0].as_str())
        .map(str::to_string);
    let mut written = 0;
    for (name, value) in &files {
        if value["kind"] == "handbook" {
            let mut settings = value.clone();
            for key in ["chapters", "parts"] {
                if let Some(list) = value[key].as_array() {
                    let copies: Vec<Value> = (1..=factor)
                        .flat_map(|k| {
                            list.iter()
                                .map(move |v| v.as_str().map_or_else(|| rename(v, k), |s| Value::String(suffix(s, k))))
                        })
                        .collect();
                    settings[key] = Value::Array(copies);
                }
            }
            write(out, name, &settings)?;
            written += 1;
            continue;
        }
        for k in 1..=factor {
            let mut copy = rename(value, k);
            if first_chapter.as_deref() == value["id"].as_str() {
                let intro = copy["intro"].as_array().cloned().unwrap_or_default();
                let mut with = vec![Value::String(format!("（副本{k}）{}", planted_phrase(k)))];
                with.extend(intro);
                copy["intro"] = Value::Array(with);
            }
            write(out, &format!("{name}-c{k}"), &copy)?;
            written += 1;
        }
    }
    Ok(written)
}

/// Suffixes every id and reference inside `v` with `-c<k>`, and every ask
/// with ` <k>`: asks lead one question to one section, so a copy's asks are
/// its own (the same ask in two sections is a warning, which a thousand
/// identical copies would print by the hundred thousand).
fn rename(v: &Value, k: usize) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, val)| {
                    let val = if key == "asks" {
                        let asks = val.as_array().into_iter().flatten();
                        Value::Array(
                            asks.map(|a| Value::String(format!("{} {k}", a.as_str().unwrap_or_default()))).collect(),
                        )
                    } else if ID_KEYS.contains(&key.as_str()) {
                        match val {
                            Value::String(s) => Value::String(suffix(s, k)),
                            Value::Array(a) => Value::Array(
                                a.iter()
                                    .map(|x| x.as_str().map_or_else(|| rename(x, k), |s| Value::String(suffix(s, k))))
                                    .collect(),
                            ),
                            other => rename(other, k),
                        }
                    } else {
                        rename(val, k)
                    };
                    (key.clone(), val)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| rename(x, k)).collect()),
        other => other.clone(),
    }
}

/// An I/O failure on `path` as a diagnostic: what could not be done, and why.
fn cannot<'a>(path: &'a Path, what: &'static str) -> impl Fn(std::io::Error) -> Diagnostic + 'a {
    move |e| Diagnostic::in_file(path, format!("cannot {what}: {e}"))
}

fn write(out: &Path, name: &str, v: &Value) -> Result<(), Diagnostic> {
    let path = out.join("content").join(format!("{name}.yaml"));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(cannot(dir, "create the folder"))?;
    }
    // A block mapping at the top, as people write content, each value in JSON's
    // flow style (which YAML reads as it is): `kind: images`, `entries: [{…}]`.
    let mut text = String::new();
    for (key, value) in v.as_object().into_iter().flatten() {
        // A JSON value always serializes.
        text += &format!("{key}: {}\n", serde_json::to_string(value).unwrap_or_default());
    }
    std::fs::write(&path, text).map_err(cannot(&path, "write"))
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), Diagnostic> {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.map_err(|e| Diagnostic::in_file(from, format!("cannot read the folder: {e}")))?;
        let target = to.join(entry.path().strip_prefix(from).unwrap_or(entry.path()));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).map_err(cannot(&target, "create the folder"))?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(cannot(&target, "copy"))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_unique_per_copy() {
        let set: std::collections::HashSet<String> = (1..=1000).map(planted_phrase).collect();
        assert_eq!(set.len(), 1000);
        assert_eq!(planted_phrase(1), "春春春夏暗记");
    }

    #[test]
    fn ids_and_refs_are_suffixed() {
        let v: Value =
            serde_json::json!({"id": "a", "title": "x", "refs": ["b"], "points": [{"id": "p", "text": ["t"]}]});
        let r = rename(&v, 3);
        assert_eq!(r["id"], "a-c3");
        assert_eq!(r["refs"][0], "b-c3");
        assert_eq!(r["points"][0]["id"], "p-c3");
        assert_eq!(r["title"], "x");
    }
}
