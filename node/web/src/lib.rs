//! The unionfed node's doors over HTTP: the JSON API (`api`) and the
//! server-rendered pages (`ui`). A door turns a credential into a
//! `Principal` and calls the domain (`unionfed-core`), which decides what
//! that principal may do and records it; errors map to JSON once
//! (`api::ApiError`) and to HTML once (`ui::staff::Staff::error_page`).

pub mod api;
pub mod ui;

#[cfg(test)]
mod tests {
    /// A door reaches the domain through its gated functions only: reading
    /// the store directly would skip the policy and the audit.
    #[test]
    fn no_door_reads_the_store() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut pending = vec![std::path::PathBuf::from(root)];
        let mut offenders = Vec::new();
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
                let path = entry.map(|e| e.path()).unwrap_or_default();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    // Spelt in two halves so that this file does not name it.
                    let field = concat!(".sto", "re");
                    if text.contains(&format!("{field}.")) || text.contains(&format!("{field}\n")) {
                        offenders.push(path.display().to_string());
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "these doors read the store directly: {offenders:?}"
        );
    }
}
