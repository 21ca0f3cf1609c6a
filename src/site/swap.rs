//! Putting a freshly built folder in place of the old one.

use std::fs;
use std::io;
use std::path::Path;

/// Replaces `target` by `new` (both on one file system).
///
/// Where the system can, the two folders are exchanged in one step,
/// so readers (and `serve`) never see a missing or half-written site; elsewhere,
/// or when the file system refuses, it falls back to two renames.
pub fn replace_dir(new: &Path, target: &Path) -> io::Result<()> {
    if target.exists() {
        if exchange(new, target).is_ok() {
            // `new` now holds the old site.
            return remove_tree(new);
        }
        let old = target.with_file_name(format!(
            ".{}.old-{}",
            target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&old);
        fs::rename(target, &old)?;
        if let Err(e) = fs::rename(new, target) {
            let _ = fs::rename(&old, target);
            return Err(e);
        }
        remove_tree(&old)
    } else {
        fs::rename(new, target)
    }
}

/// Removes a folder and everything in it, each folder's files on whichever
/// core is free: a site is a few thousand small files in a handful of
/// folders (the search shards), and unlinking them is most of a swap.
/// Symbolic links are removed, never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let mut folders = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.map_err(io::Error::other)?;
        if entry.file_type().is_dir() {
            folders.push((entry.depth(), entry.into_path()));
        }
    }
    folders.par_iter().try_for_each(|(_, folder)| {
        for entry in fs::read_dir(folder)? {
            let entry = entry?;
            if !entry.file_type()?.is_dir() {
                fs::remove_file(entry.path())?;
            }
        }
        Ok::<(), io::Error>(())
    })?;
    // The deepest first, each empty by then.
    folders.sort_by_key(|f| std::cmp::Reverse(f.0));
    folders.iter().try_for_each(|(_, folder)| fs::remove_dir(folder))
}

/// Exchanges two paths in one step (`renameat2(RENAME_EXCHANGE)` on Linux,
/// `renameatx_np(RENAME_SWAP)` on macOS, both through rustix).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(io::ErrorKind::Unsupported, "no atomic exchange"))
}

#[cfg(test)]
mod tests {
    use super::replace_dir;

    #[test]
    fn removes_a_tree_without_following_links() {
        let t = tempfile::tempdir().unwrap();
        let (tree, keep) = (t.path().join("tree"), t.path().join("keep"));
        std::fs::create_dir_all(tree.join("a/b/c")).unwrap();
        std::fs::create_dir(&keep).unwrap();
        std::fs::write(keep.join("k"), "kept").unwrap();
        for (i, d) in ["", "a", "a/b", "a/b/c"].iter().enumerate() {
            for j in 0..20 {
                std::fs::write(tree.join(d).join(format!("{i}-{j}")), "x").unwrap();
            }
        }
        #[cfg(unix)]
        std::os::unix::fs::symlink(&keep, tree.join("a/link")).unwrap();
        super::remove_tree(&tree).unwrap();
        assert!(!tree.exists());
        assert_eq!(std::fs::read_to_string(keep.join("k")).unwrap(), "kept");
    }

    #[test]
    fn replaces_existing_and_creates_missing() {
        let t = tempfile::tempdir().unwrap();
        let (a, b) = (t.path().join("a"), t.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::write(a.join("f"), "new").unwrap();
        replace_dir(&a, &b).unwrap();
        assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "new");
        std::fs::create_dir(&a).unwrap();
        std::fs::write(a.join("f"), "newer").unwrap();
        replace_dir(&a, &b).unwrap();
        assert_eq!(std::fs::read_to_string(b.join("f")).unwrap(), "newer");
        assert!(!a.exists());
    }
}
