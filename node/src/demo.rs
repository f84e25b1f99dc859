//! `unionfed demo`: three affiliates on this machine, as three real
//! `unionfed run` processes, with a genesis charter and sample members.

use crate::setup::{self, LocalAffiliate};
use anyhow::{bail, Context};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::process::{Child, Command};

struct DemoNode {
    code: &'static str,
    name: &'static str,
    country: &'static str,
    /// What the public pages say under the union's name (demo numbers).
    contact: &'static str,
    members: &'static [&'static str],
}

const NODES: [DemoNode; 3] = [
    DemoNode {
        code: "KSPI",
        name: "Konfederasi Serikat Pekerja Indonesia",
        country: "ID",
        contact: "+62 21 0000 0000 · Jakarta · Mon–Fri 09:00–17:00 (demo)",
        members: &["Siti Rahayu", "Dewi Lestari", "Agus Santoso"],
    },
    DemoNode {
        code: "MTUC",
        name: "Malaysian Trades Union Congress",
        country: "MY",
        contact: "+60 3 0000 0000 · Petaling Jaya · Mon–Fri 09:00–17:00 (demo)",
        members: &["Nurul Aini binti Hassan"],
    },
    DemoNode {
        code: "NTUC-PHL",
        name: "National Trade Union Center Philippines",
        country: "PH",
        contact: "+63 2 0000 0000 · Quezon City · Mon–Fri 09:00–17:00 (demo)",
        members: &["Maria Santos", "Jose Reyes"],
    },
];

struct Running {
    code: &'static str,
    url: String,
    token: String,
    data_dir: PathBuf,
    child: Child,
    /// The password of the `admin` account the demo creates on the node.
    password: String,
}

/// Runs the demo until Ctrl-C or SIGTERM; stops the nodes cleanly.
pub async fn run(dir: &Path, base_port: u16, leave_setup_to: Option<&str>) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir)?;
    let exe = std::env::current_exe().context("cannot find the unionfed executable")?;

    let affiliates: Vec<LocalAffiliate> = NODES
        .iter()
        .zip(1u16..)
        .map(|(node, offset)| LocalAffiliate {
            code: node.code.into(),
            name: node.name.into(),
            country: node.country.into(),
            p2p_listen: format!("/ip4/127.0.0.1/tcp/{}", base_port + 100 + offset),
            http_listen: std::net::SocketAddr::from(([127, 0, 0, 1], base_port + offset)),
        })
        .collect();
    let made = setup::create_federation(
        dir,
        "ASEAN migrant workers' union federation (demo)",
        2,
        &affiliates,
    )?;
    // The demo serves plain HTTP on loopback, so its login cookie cannot be
    // HTTPS-only; a real node keeps secure_cookies on behind its TLS proxy.
    for ((data_dir, init), node) in made.iter().zip(&NODES) {
        let mut config = init.config.clone();
        config.secure_cookies = false;
        config.public_contact = Some(node.contact.into());
        config.privacy_contact = Some(format!("Data protection officer, {}", node.contact));
        config.write(data_dir)?;
    }
    let prepared = NODES.iter().zip(made).map(|(node, (data_dir, init))| {
        let url = format!("http://{}", init.config.http_listen);
        (node, data_dir, url, init.admin_token.to_string())
    });

    let mut running = Vec::new();
    for (node, data_dir, url, token) in prepared {
        let log = std::fs::File::create(data_dir.join("node.log"))?;
        let child = Command::new(&exe)
            .arg("run")
            .arg("--data-dir")
            .arg(&data_dir)
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .context("cannot start a node")?;
        running.push(Running {
            code: node.code,
            url,
            token,
            data_dir,
            child,
            password: if leave_setup_to == Some(node.code) {
                String::new()
            } else {
                demo_password()
            },
        });
    }
    let outcome = tokio::select! {
        r = populate(&running) => r,
        () = shutdown_signal() => Ok(None),
    };
    match outcome {
        Ok(Some((card, cases))) => {
            print_summary(&running, &card, &cases);
            tokio::select! {
                () = shutdown_signal() => {}
                code = wait_any_exit(&mut running) => eprintln!("a node stopped unexpectedly ({code}); see its node.log"),
            }
        }
        Ok(None) => {}
        Err(e) => {
            stop(&mut running).await;
            return Err(e);
        }
    }
    println!("Stopping the demo nodes...");
    stop(&mut running).await;
    println!("Stopped.");
    Ok(())
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

async fn wait_any_exit(running: &mut [Running]) -> String {
    loop {
        for r in running.iter_mut() {
            if let Ok(Some(status)) = r.child.try_wait() {
                return format!("{} {status}", r.code);
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Asks each node to stop (SIGTERM), waits, and kills what is left.
async fn stop(running: &mut [Running]) {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    for r in running.iter() {
        if let Some(pid) = r.child.id().and_then(|p| i32::try_from(p).ok()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
    }
    for r in running.iter_mut() {
        if tokio::time::timeout(Duration::from_secs(15), r.child.wait())
            .await
            .is_err()
        {
            let _ = r.child.kill().await;
        }
    }
}

/// Waits for the nodes, enrols the sample members, and returns a card issued
/// at KSPI once MTUC has verified it.
async fn populate(running: &[Running]) -> anyhow::Result<Option<(String, SampleCases)>> {
    let http = reqwest::Client::new();
    for r in running {
        wait_until(
            60,
            &format!("{} to connect to both peers", r.code),
            || async {
                let health: Value = http
                    .get(format!("{}/healthz", r.url))
                    .send()
                    .await
                    .ok()?
                    .json()
                    .await
                    .ok()?;
                (health["peers_connected"].as_u64()? >= 2).then_some(())
            },
        )
        .await
        .with_context(|| format!("see {}", r.data_dir.join("node.log").display()))?;
    }
    for r in running.iter().filter(|r| !r.password.is_empty()) {
        first_admin(&http, r).await?;
    }
    let mut first_member = None;
    for (r, node) in running.iter().zip(NODES.iter()) {
        for name in node.members {
            let response = http
                .post(format!("{}/api/v1/members", r.url))
                .bearer_auth(&r.token)
                .json(&json!({
                    "holder_name": name,
                    "sector": "manufacturing",
                    "origin_country": node.country,
                    "destination_country": if node.country == "MY" { "SG" } else { "MY" },
                }))
                .send()
                .await?;
            if response.status() != 201 {
                bail!(
                    "enrolling {name} at {} failed: {}",
                    r.code,
                    response.text().await?
                );
            }
            let body: Value = response.json().await?;
            if first_member.is_none() {
                first_member = body["id"].as_str().map(str::to_owned);
            }
        }
    }
    let member = first_member.context("no member was enrolled")?;
    let body: Value = http
        .get(format!("{}/api/v1/members/{member}/card", running[0].url))
        .bearer_auth(&running[0].token)
        .send()
        .await?
        .json()
        .await?;
    let card = body["card"]
        .as_str()
        .context("no card in the answer")?
        .to_owned();
    wait_until(30, "MTUC to verify KSPI's card", || async {
        let verdict = card_verdict(&http, &running[1].url, &card).await?;
        (verdict["valid"] == true).then_some(())
    })
    .await?;
    transfer(&http, running, &member, &card).await?;
    let cases = seed_cases(&http, running).await?;
    Ok(Some((card, cases)))
}

/// Posts `body` with the node's admin token; the answer's JSON, or an error
/// that says which call failed and why.
async fn post_json(
    http: &reqwest::Client,
    r: &Running,
    path: &str,
    body: Value,
) -> anyhow::Result<Value> {
    let response = http
        .post(format!("{}{path}", r.url))
        .bearer_auth(&r.token)
        .json(&body)
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        bail!("{path} at {}: {status} {text}", r.code);
    }
    Ok(serde_json::from_str(&text)?)
}

/// A password for a demo account: four groups of random letters.
fn demo_password() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..4)
        .map(|_| {
            (0..4)
                .map(|_| char::from(b'a' + rng.gen_range(0..26u8)))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Creates the node's first admin account through its setup page, as an
/// operator would on first run.
async fn first_admin(http: &reqwest::Client, r: &Running) -> anyhow::Result<()> {
    let response = http
        .post(format!("{}/setup", r.url))
        .form(&[
            ("token", r.token.as_str()),
            ("username", "admin"),
            ("display_name", &format!("{} administrator", r.code)),
            ("password", r.password.as_str()),
            ("password2", r.password.as_str()),
        ])
        .send()
        .await?;
    if !(response.status().is_success() || response.status().is_redirection()) {
        bail!(
            "creating the first account at {} failed: {}",
            r.code,
            response.text().await?
        );
    }
    Ok(())
}

/// What the sample cases left to show.
#[derive(Debug)]
struct SampleCases {
    receipt_code: String,
    partner_token: String,
}

/// Sample cases: an anonymous complaint at KSPI, a KSPI case referred to
/// MTUC across the border (and taken), and a referral to MTUC from a
/// partner NGO, with a small service directory.
async fn seed_cases(http: &reqwest::Client, running: &[Running]) -> anyhow::Result<SampleCases> {
    let (kspi, mtuc) = (&running[0], &running[1]);
    // 1. Anonymous, from the public form.
    let filed = http
        .post(format!("{}/api/v1/public/complaints", kspi.url))
        .json(&json!({
            "kind": "complaint",
            "categories": ["document_retention", "excessive_hours", "no_rest_day"],
            "destination_country": "MY",
            "sector": "domestic work",
            "description": "My employer keeps my passport. I work from 5 in the morning until midnight and have had no day off since I arrived.",
            "passphrase": "melati"
        }))
        .send()
        .await?
        .json::<Value>()
        .await?;
    let receipt_code = filed["receipt_code"]
        .as_str()
        .context("no receipt code")?
        .to_owned();
    // 2. Across the border: unpaid wages in Johor, taken up by MTUC.
    let case = post_json(http, kspi, "/api/v1/cases", json!({
        "kind": "complaint", "how": "hub_visit",
        "categories": ["unpaid_wages", "contract_substitution"],
        "origin_country": "ID", "destination_country": "MY", "sector": "manufacturing",
        "employer": "Sdn Bhd Contoh (Johor Bahru)", "worker_name": "Wati Susanti",
        "worker_contact": "+60 11 0000 1234",
        "description": "Four months of wages unpaid; the contract signed in Jakarta said machine operator at RM 1,700, the work is cleaning at RM 1,100."
    })).await?;
    let id = case["id"].as_str().context("no case id")?.to_owned();
    post_json(
        http,
        kspi,
        &format!("/api/v1/cases/{id}/transition"),
        json!({ "to": "verified" }),
    )
    .await?;
    post_json(http, kspi, &format!("/api/v1/cases/{id}/contract"), json!({
        "signed": { "employer": "Sdn Bhd Contoh", "position": "Machine operator", "monthly_wage": 1700, "currency": "MYR", "hours_per_week": 48, "rest_days_per_month": 4, "duration_months": 24 },
        "experienced": { "employer": "Sdn Bhd Contoh", "position": "Cleaner", "monthly_wage": 1100, "currency": "MYR", "hours_per_week": 66, "rest_days_per_month": 2 }
    })).await?;
    post_json(
        http,
        kspi,
        &format!("/api/v1/cases/{id}/consent"),
        json!({
            "given": "in_person", "contact_allowed": true,
            "affiliates": ["MTUC"], "purposes": ["recover unpaid wages"],
            "fields": ["worker_name", "worker_contact", "employer", "sector", "description"]
        }),
    )
    .await?;
    post_json(
        http,
        kspi,
        &format!("/api/v1/cases/{id}/referrals"),
        json!({
            "affiliate": "MTUC", "note": "Please take this up with the employer in Johor."
        }),
    )
    .await?;
    let mut arrived = None;
    for _ in 0..60 {
        let cases: Value = http
            .get(format!("{}/api/v1/cases", mtuc.url))
            .bearer_auth(&mtuc.token)
            .send()
            .await?
            .json()
            .await?;
        arrived = cases
            .as_array()
            .and_then(|c| c.iter().find(|c| c["channel"] == "affiliate"))
            .and_then(|c| c["id"].as_str().map(str::to_owned));
        if arrived.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let there = arrived.context("the referred case did not reach MTUC")?;
    post_json(
        http,
        mtuc,
        &format!("/api/v1/cases/{there}/referral-decision"),
        json!({ "accept": true }),
    )
    .await?;
    post_json(
        http,
        mtuc,
        &format!("/api/v1/cases/{there}/transition"),
        json!({ "to": "in_progress" }),
    )
    .await?;
    // 3. A partner's referral at MTUC, and a small directory.
    let partner = post_json(
        http,
        mtuc,
        "/api/v1/partners",
        json!({ "name": "Tenaganita (demo)", "kind": "ngo", "country": "MY" }),
    )
    .await?;
    let partner_token = partner["token"]
        .as_str()
        .context("no partner token")?
        .to_owned();
    let partner_id = partner["partner"]["id"].clone();
    post_json(
        http,
        mtuc,
        "/api/v1/directory",
        json!({
            "country": "MY", "kind": "shelter", "name": "Tenaganita shelter (demo)",
            "contact": "+60 3 0000 0000", "languages": "ms, en, id", "partner": partner_id
        }),
    )
    .await?;
    let directory = "country,kind,name,contact,languages\n\
        MY,government_agency,Labour Department Peninsular Malaysia (demo),+60 3 0000 1111,\"ms,en\"\n\
        MY,labour_attache,Labour attaché of Indonesia in Kuala Lumpur (demo),+60 3 0000 2222,\"id,en\"\n\
        MY,legal_aid,Legal aid centre (demo),+60 3 0000 3333,\"ms,en\"\n";
    let imported = http
        .post(format!("{}/api/v1/directory/import", mtuc.url))
        .bearer_auth(&mtuc.token)
        .header("content-type", "text/csv")
        .body(directory)
        .send()
        .await?;
    if !imported.status().is_success() {
        bail!(
            "the sample directory was refused: {}",
            imported.text().await?
        );
    }
    let referral = http
        .post(format!("{}/api/v1/partner/referrals", mtuc.url))
        .bearer_auth(&partner_token)
        .json(&json!({
            "kind": "complaint",
            "categories": ["physical_or_sexual_abuse", "restricted_movement"],
            "risk_flags": ["violence"],
            "destination_country": "MY", "sector": "domestic work",
            "worker_name": "Sri Wahyuni",
            "description": "Reached our hotline from a neighbour's phone; locked in at night, bruises on her arms. Wants to leave the employer."
        }))
        .send()
        .await?;
    if !referral.status().is_success() {
        bail!(
            "the partner referral was refused: {}",
            referral.text().await?
        );
    }
    Ok(SampleCases {
        receipt_code,
        partner_token,
    })
}

/// The member's home union (KSPI) sends their file to MTUC with their
/// consent; MTUC accepts and commits to represent them; NTUC-PHL then sees
/// MTUC on the card issued before the move.
async fn transfer(
    http: &reqwest::Client,
    running: &[Running],
    member: &str,
    card: &str,
) -> anyhow::Result<()> {
    let (kspi, mtuc, ntuc) = (&running[0], &running[1], &running[2]);
    let post = |r: &Running, path: String, body: Value| {
        http.post(format!("{}{path}", r.url))
            .bearer_auth(&r.token)
            .json(&body)
            .send()
    };
    let consent: Value = post(
        kspi,
        format!("/api/v1/members/{member}/consents"),
        json!({
            "given": "in_person",
            "recipient": "MTUC",
            "purposes": ["representation at the workplace in Malaysia"],
            "data_categories": ["name", "contact", "employer", "sector"],
            "destination_country": "MY",
            "legal_basis": "the worker's explicit consent"
        }),
    )
    .await?
    .json()
    .await?;
    let consent = consent["id"].as_str().context("no consent id")?;
    let transfer: Value = post(
        kspi,
        "/api/v1/transfers".into(),
        json!({ "member": member, "destination": "MTUC", "consent": consent }),
    )
    .await?
    .json()
    .await?;
    let id = transfer["id"]
        .as_str()
        .context("no transfer id")?
        .to_owned();
    wait_until(30, "the transfer to reach MTUC", || async {
        let r = http
            .get(format!("{}/api/v1/transfers/{id}", mtuc.url))
            .bearer_auth(&mtuc.token)
            .send()
            .await
            .ok()?;
        r.status().is_success().then_some(())
    })
    .await?;
    let accepted = post(mtuc, format!("/api/v1/transfers/{id}/accept"), json!({})).await?;
    if !accepted.status().is_success() {
        bail!(
            "MTUC could not accept the transfer: {}",
            accepted.text().await?
        );
    }
    wait_until(30, "NTUC-PHL to see MTUC represent the member", || async {
        let verdict = card_verdict(http, &ntuc.url, card).await?;
        (verdict["representing"] == json!(["MTUC"])).then_some(())
    })
    .await
}

/// A node's verdict on a card (`POST /api/v1/cards/verify`), or `None` when
/// the node cannot be asked yet.
pub(crate) async fn card_verdict(
    http: &reqwest::Client,
    base_url: &str,
    card: &str,
) -> Option<Value> {
    http.post(format!("{base_url}/api/v1/cards/verify"))
        .json(&json!({ "card": card }))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()
}

/// Polls `check` until it returns `Some`, or fails after `secs` seconds.
pub(crate) async fn wait_until<F, Fut>(secs: u64, what: &str, mut check: F) -> anyhow::Result<()>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<()>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while tokio::time::Instant::now() < deadline {
        if check().await.is_some() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    bail!("gave up after {secs}s waiting for {what}")
}

fn print_summary(running: &[Running], card: &str, cases: &SampleCases) {
    println!();
    println!("unionfed demo federation is running: three affiliates, one charter, sample members.");
    println!();
    for r in running {
        println!("  {:<9} {}   admin token: {}", r.code, r.url, r.token);
        if r.password.is_empty() {
            println!(
                "            first run: {}/setup (create the first admin with the admin token)",
                r.url
            );
        } else {
            println!(
                "            staff login: {}/login   user: admin   password: {}",
                r.url, r.password
            );
        }
        println!("            public pages: {}/p", r.url);
        println!("            data: {}", r.data_dir.display());
    }
    println!();
    println!("A card issued by KSPI to a member, Siti Rahayu. With her consent KSPI then");
    println!("transferred her file to MTUC, which accepted and now represents her in Malaysia:");
    println!("  {card}");
    println!();
    println!("Check it at MTUC (another affiliate; no token needed):");
    println!(
        "  curl -s -X POST {}/api/v1/cards/verify -H 'content-type: application/json' -d '{{\"card\":\"{card}\"}}'",
        running[1].url
    );
    println!();
    println!("See the federation from NTUC-PHL:");
    println!(
        "  curl -s {}/api/v1/federation -H 'authorization: Bearer {}'",
        running[2].url, running[2].token
    );
    println!();
    println!("Sample cases. An anonymous worker filed a complaint at KSPI; with the receipt");
    println!("code (and the passphrase \"melati\") she follows it:");
    println!(
        "  curl -s -X POST {}/api/v1/public/cases/status -H 'content-type: application/json' -d '{{\"receipt_code\":\"{}\",\"passphrase\":\"melati\"}}'",
        running[0].url, cases.receipt_code
    );
    println!("KSPI referred a wage case to MTUC, which took it; a partner NGO referred a");
    println!("worker in danger to MTUC. The queue, risk-flagged cases first:");
    println!(
        "  curl -s {}/api/v1/cases -H 'authorization: Bearer {}'",
        running[1].url, running[1].token
    );
    println!("The partner's own view (its token sees only its referrals):");
    println!(
        "  curl -s {}/api/v1/partner/referrals -H 'authorization: Bearer {}'",
        running[1].url, cases.partner_token
    );
    println!();
    println!("API description: {}/api/v1/openapi.json", running[0].url);
    println!("DEMO READY. Press Ctrl-C to stop.");
}
