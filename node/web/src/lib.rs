//! The unionfed node's doors over HTTP: the JSON API (`api`) and the
//! server-rendered pages (`ui`). A door turns a credential into a
//! `Principal` and calls the domain (`unionfed-core`), which decides what
//! that principal may do and records it; errors map to JSON once
//! (`api::ApiError`) and to HTML once (`ui::staff::Staff::error_page`).

pub mod api;
pub mod ui;

#[cfg(test)]
mod tests {
    /// A door reaches the domain through its gated functions only: the
    /// store (read directly it skips the policy and the audit), the node's
    /// keys and its network client are the domain's own.
    #[test]
    fn no_door_touches_the_store_the_keys_or_the_network() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut pending = vec![std::path::PathBuf::from(root)];
        let mut offenders = Vec::new();
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
                let path = entry.map(|e| e.path()).unwrap_or_default();
                if path.is_dir() {
                    pending.push(path);
                } else if path.extension().is_some_and(|x| x == "rs")
                    // This file names the fields in its own test.
                    && !path.ends_with("src/lib.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    for field in ["store", "keys", "network"] {
                        if touches(&text, field) {
                            offenders.push(format!("{} ({field})", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "these doors reach past the domain: {offenders:?}"
        );
    }

    /// Whether `text` reads a field `field` (`x.field` not followed by a
    /// letter, a digit, `_` or `(`: a method `.keys()` is not the field).
    fn touches(text: &str, field: &str) -> bool {
        let dotted = format!(".{field}");
        text.match_indices(&dotted).any(|(at, _)| {
            let next = text[at + dotted.len()..].chars().next();
            !next.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '(')
        })
    }

    #[test]
    fn a_field_is_told_from_a_method() {
        assert!(touches("let s = &state.store;", "store"));
        assert!(touches("state\n    .store\n    .members()", "store"));
        assert!(!touches("map.keys().count()", "keys"));
        assert!(!touches("state.stored.subscribe()", "store"));
    }
}
