//! The `unionfed` command as an IT volunteer uses it: init, the charter
//! ceremony, offline card checks, and what it says when something is wrong.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod datadir;

use std::path::Path;
use std::process::{Command, Output};

fn unionfed(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_unionfed"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = unionfed(args);
    assert!(
        out.status.success(),
        "unionfed {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str]) -> String {
    let out = unionfed(args);
    assert!(!out.status.success(), "unionfed {args:?} succeeded");
    String::from_utf8(out.stderr).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn founders_build_a_charter_and_a_card_is_checked_offline() {
    let root = tempfile::TempDir::new().unwrap();
    let (kspi, mtuc, ntuc) = (
        root.path().join("kspi"),
        root.path().join("mtuc"),
        root.path().join("ntuc"),
    );
    let out = ok(&[
        "init",
        "--data-dir",
        s(&kspi),
        "--affiliate",
        "KSPI",
        "--name",
        "Konfederasi Serikat Pekerja Indonesia",
        "--country",
        "ID",
    ]);
    assert!(out.contains("Admin API token"), "{out}");
    assert!(out.lines().any(|l| l.trim().starts_with("uf_")));
    datadir::assert_private(&kspi);
    ok(&[
        "init",
        "--data-dir",
        s(&mtuc),
        "--affiliate",
        "MTUC",
        "--name",
        "Malaysian Trades Union Congress",
        "--country",
        "MY",
    ]);
    ok(&[
        "init",
        "--data-dir",
        s(&ntuc),
        "--affiliate",
        "NTUC-PHL",
        "--name",
        "NTUC Philippines",
        "--country",
        "PH",
    ]);
    // The same folder twice, a bad code, a bad country: clear refusals.
    assert!(fails(&[
        "init",
        "--data-dir",
        s(&kspi),
        "--affiliate",
        "KSPI",
        "--name",
        "x",
        "--country",
        "ID"
    ])
    .contains("already holds a node"));
    assert!(fails(&[
        "init",
        "--data-dir",
        s(&root.path().join("x")),
        "--affiliate",
        "kspi",
        "--name",
        "x",
        "--country",
        "ID"
    ])
    .contains("upper-case"));
    assert!(fails(&[
        "init",
        "--data-dir",
        s(&root.path().join("y")),
        "--affiliate",
        "KSPI",
        "--name",
        "x",
        "--country",
        "IDN"
    ])
    .contains("ISO 3166"));
    // Two letters that name no country are refused too, and leave no folder.
    assert!(fails(&[
        "init",
        "--data-dir",
        s(&root.path().join("z")),
        "--affiliate",
        "KSPI",
        "--name",
        "x",
        "--country",
        "XX"
    ])
    .contains("XX is not a country of ISO 3166-1"));
    assert!(!root.path().join("z").exists());

    let charter = root.path().join("charter.ufc");
    let ids: Vec<String> = [&kspi, &mtuc, &ntuc]
        .iter()
        .map(|d| d.join("identity.json").display().to_string())
        .collect();
    ok(&[
        "charter",
        "draft",
        "--federation",
        "Test federation",
        "--threshold",
        "2",
        "--out",
        s(&charter),
        &ids[0],
        &ids[1],
        &ids[2],
    ]);
    let out = ok(&["charter", "sign", "--data-dir", s(&kspi), s(&charter)]);
    assert!(
        out.contains("Still needed") && out.contains("missing: MTUC, NTUC-PHL"),
        "{out}"
    );
    assert!(fails(&["charter", "verify", s(&charter)]).contains("has 1 of the 3 signatures"));
    ok(&["charter", "sign", "--data-dir", s(&mtuc), s(&charter)]);
    let out = ok(&["charter", "sign", "--data-dir", s(&ntuc), s(&charter)]);
    assert!(out.contains("complete"), "{out}");
    assert!(ok(&["charter", "verify", s(&charter)]).contains("v1 is valid"));
    let shown = ok(&["charter", "show", s(&charter)]);
    assert!(
        shown.contains("NTUC-PHL") && shown.contains("[signed]") && shown.contains("hash:"),
        "{shown}"
    );

    // Version 2 suspends NTUC-PHL; two of three signatures adopt it.
    let next = root.path().join("charter-v2.ufc");
    ok(&[
        "charter",
        "next",
        "--from",
        s(&charter),
        "--out",
        s(&next),
        "--suspend",
        "NTUC-PHL",
    ]);
    ok(&["charter", "sign", "--data-dir", s(&kspi), s(&next)]);
    assert!(
        fails(&["charter", "verify", s(&next), "--previous", s(&charter)])
            .contains("has 1 of the 2")
    );
    ok(&["charter", "sign", "--data-dir", s(&mtuc), s(&next)]);
    assert!(
        ok(&["charter", "verify", s(&next), "--previous", s(&charter)]).contains("v2 is valid")
    );
    assert!(fails(&[
        "charter",
        "next",
        "--from",
        s(&charter),
        "--out",
        s(&next),
        "--suspend",
        "NOBODY"
    ])
    .contains("not in the charter"));

    // Offline card checks: garbage is refused with the reason and exit code 2.
    let out = unionfed(&[
        "card",
        "verify",
        "HC1:something else",
        "--charter",
        s(&charter),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("card_prefix"));
    assert!(fails(&[
        "card",
        "verify",
        "UF1:",
        "--charter",
        s(&root.path().join("missing.ufc"))
    ])
    .contains("missing.ufc"));
}

#[test]
fn run_without_a_data_folder_says_what_to_do() {
    let root = tempfile::TempDir::new().unwrap();
    let err = fails(&["run", "--data-dir", s(&root.path().join("none"))]);
    assert!(err.contains("unionfed init"), "{err}");
}

#[test]
fn status_of_a_node_that_is_not_running_says_so() {
    let err = fails(&["status", "--url", "http://127.0.0.1:9", "--token", "x"]);
    assert!(err.contains("is `unionfed run` running"), "{err}");
}

/// Rewrites the identity file of `dir` as if `unionfed init` had run `days` ago.
fn backdate_identity(dir: &Path, days: u64) {
    use unionfed_node::identity::{identity_path, Identity, NodeKeys};
    let config = unionfed_node::Config::load(dir).unwrap();
    let keys = NodeKeys::load(dir).unwrap();
    let then = unionfed_protocol::Timestamp(unionfed_node::node::now().secs() - days * 86_400);
    Identity::new(&config, &keys, then)
        .unwrap()
        .write(&identity_path(dir))
        .unwrap();
}

#[test]
fn founders_whose_identity_files_are_days_old_found_a_federation() {
    let root = tempfile::TempDir::new().unwrap();
    let mut dirs = Vec::new();
    for (code, country) in [("KSPI", "ID"), ("MTUC", "MY"), ("CLC", "KH")] {
        let dir = root.path().join(code.to_lowercase());
        ok(&[
            "init",
            "--data-dir",
            s(&dir),
            "--affiliate",
            code,
            "--name",
            code,
            "--country",
            country,
        ]);
        dirs.push(dir);
    }
    // Identities made two days before the ceremony, e-mailed to the drafter.
    backdate_identity(&dirs[0], 2);
    backdate_identity(&dirs[1], 2);
    // One made 31 days ago is refused, with what to do.
    backdate_identity(&dirs[2], 31);
    let charter = root.path().join("charter.ufc");
    let ids: Vec<String> = dirs
        .iter()
        .map(|d| d.join("identity.json").display().to_string())
        .collect();
    let draft = |ids: &[String]| {
        let mut args = vec![
            "charter",
            "draft",
            "--federation",
            "F",
            "--threshold",
            "2",
            "--out",
            s(&charter),
        ];
        args.extend(ids.iter().map(String::as_str));
        unionfed(&args)
    };
    let out = draft(&ids);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("identity of CLC")
            && err.contains("more than 30 days ago")
            && err.contains("unionfed identity --data-dir"),
        "{err}"
    );
    assert!(!charter.exists());
    let out = ok(&["identity", "--data-dir", s(&dirs[2])]);
    assert!(out.contains("30 days"), "{out}");
    assert!(draft(&ids).status.success());
    for d in &dirs {
        ok(&["charter", "sign", "--data-dir", s(d), s(&charter)]);
    }
    assert!(ok(&["charter", "verify", s(&charter)]).contains("v1 is valid (3 affiliates)"));
}
