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
            return fs::remove_dir_all(new);
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
        fs::remove_dir_all(&old)
    } else {
        fs::rename(new, target)
    }
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
