//! The parts of the domain and the one way they depend: each part uses
//! only the parts below it (and the modules of its own part). The crates
//! around this one make the outer layers impossible to cross (`unionfed-
//! network` and `unionfed-store` below, `unionfed-web` and the binary
//! above); inside this crate the test below reads every module's source
//! and fails the build's tests on a reference that goes up.
//!
//! | part | modules | owns |
//! |---|---|---|
//! | foundation | `error`, `storage` (`unionfed-store`), `network` (`unionfed-network`), `text`, `countries`, `metrics`, `private_fs`, `config`, `identity` | sled, libp2p, the error type, checked text and country codes, files only the owner reads, the configuration and keys |
//! | core | `node`, `replication`, `handoffs`, `card_check`, `access`, `audit` | `NodeState`, the clock, the charter held, the own log's append, replication, handoff sealing and delivery (each kind's handler is registered by its area), the card verdict, the one policy and the audit trail |
//! | accounts and the breach register | `accounts`, `breaches` | staff accounts, sessions, second factors, personal API tokens; the register of personal-data breaches with each country's deadline |
//! | members, cards and transfers | `members`, `transfers` | member records, attestations and cards, consents, transfer files, representation |
//! | case desk | `cases` | intake, the queue, complaints and receipt codes, partners, referrals, files, reports, retention |
//! | roof | `credentials`, `rights`, `retention`, `timers`, `joining`, `launch` | who a token stands for (accounts and partners), a member's export across the areas, the expiry and retention tasks, the charter a node starts from, opening the store and starting the node |

/// Bottom to top. A module may use the modules of its own part and of
/// every part listed before it.
pub const PARTS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "error",
            "storage",
            "network",
            "text",
            "countries",
            "metrics",
            "private_fs",
            "config",
            "identity",
        ],
    ),
    (
        "core",
        &[
            "node",
            "replication",
            "handoffs",
            "card_check",
            "access",
            "audit",
        ],
    ),
    (
        "accounts and the breach register",
        &["accounts", "breaches"],
    ),
    ("members, cards and transfers", &["members", "transfers"]),
    ("case desk", &["cases"]),
    (
        "roof",
        &[
            "credentials",
            "rights",
            "retention",
            "timers",
            "joining",
            "launch",
        ],
    ),
];

/// How an area is reached besides a `crate::` path: its handle.
pub const HANDLES: &[(&str, &str)] = &[
    (".members()", "members"),
    (".transfers()", "transfers"),
    (".cases()", "cases"),
    (".accounts()", "accounts"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    fn part_of(module: &str) -> Option<usize> {
        PARTS.iter().position(|(_, ms)| ms.contains(&module))
    }

    /// The source of `path` without its test modules, which may use
    /// anything.
    fn code(path: &Path) -> String {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        match text.find("\n#[cfg(test)]\nmod ") {
            Some(i) => text[..i].to_owned(),
            None => text,
        }
    }

    /// What `code` refers to: `crate::x` paths and area handles.
    fn uses(code: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (i, _) in code.match_indices("crate::") {
            let name: String = code[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.insert(name);
        }
        for (call, module) in HANDLES {
            if code.contains(call) {
                out.insert((*module).to_owned());
            }
        }
        out
    }

    fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn every_part_uses_only_the_parts_below_it() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        assert!(files.len() > 20, "found {} source files", files.len());
        let mut wrong = Vec::new();
        for file in &files {
            let relative = file.strip_prefix(&src).unwrap_or(file);
            let first = relative
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .unwrap_or_default();
            let module = first.trim_end_matches(".rs");
            if module == "lib" || module == "layers" {
                continue;
            }
            let Some(part) = part_of(module) else {
                wrong.push(format!(
                    "{}: module `{module}` is in no part of layers::PARTS; place it",
                    relative.display()
                ));
                continue;
            };
            for used in uses(&code(file)) {
                if used == module {
                    continue;
                }
                match part_of(&used) {
                    Some(p) if p <= part => {}
                    Some(p) => wrong.push(format!(
                        "{}: `{module}` ({}) uses `{used}` ({}), a part above it",
                        relative.display(),
                        PARTS[part].0,
                        PARTS[p].0
                    )),
                    None => wrong.push(format!(
                        "{}: `{module}` uses `{used}`, which is in no part",
                        relative.display()
                    )),
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn the_check_sees_an_upward_reference() {
        let up = uses("fn f(s: &NodeState) { s.cases().list(); crate::members::x(); }");
        assert!(up.contains("cases") && up.contains("members"), "{up:?}");
        assert!(part_of("cases") > part_of("node"));
    }
}
