//! Looking at a node's data folder from outside, as an operator or an
//! attacker with the disk would: file modes, and what the files hold.

#![allow(dead_code)]

use std::path::Path;

/// Every folder under `dir` is 0700 and every file 0600 (or tighter): a
/// data folder holds keys and personal data.
pub(crate) fn assert_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{} is {mode:o}", dir.display());
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            assert_private(&path);
        } else {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert!(mode & 0o177 == 0, "{} is {mode:o}", path.display());
        }
    }
}

/// Every file under `dir` that holds `needle`.
pub(crate) fn files_holding(dir: &Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            hits.extend(files_holding(&path, needle));
        } else if std::fs::read(&path)
            .unwrap()
            .windows(needle.len())
            .any(|w| w == needle)
        {
            hits.push(path.display().to_string());
        }
    }
    hits
}
