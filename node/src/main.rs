//! `unionfed`: the command an affiliate's IT volunteer runs.

mod charter_cmd;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use unionfed_node::card_check::{self, Replica};
use unionfed_node::identity::{identity_path, IDENTITY_VALID_DAYS};
use unionfed_node::setup::{self, InitOptions};
use unionfed_node::storage::Representation;
use unionfed_node::{bench, demo, Config};
use unionfed_protocol::entry::Body;
use unionfed_protocol::wire::{StatusSnapshot, WireMessage};
use unionfed_protocol::{AffiliateId, CountryCode, MemberId, MembershipAttestation, Timestamp};

/// mimalloc rather than glibc's malloc: under load the node's threads
/// (verification, storage, HTTP, libp2p) allocate and free many small buffers,
/// and glibc's arenas spent a tenth of a catch-up waiting on their locks
/// (`perf record` on `unionfed bench catch-up`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Federated node software for trade unions that organise migrant workers.
///
/// Each affiliate runs one node. Start with `unionfed init`, build the
/// federation's charter with `unionfed charter`, then `unionfed run`.
/// To see a federation of three nodes on this machine: `unionfed demo`.
#[derive(Debug, Parser)]
#[command(name = "unionfed", version, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new node: keys, configuration and public identity file.
    ///
    /// Prints the admin API token once: store it in a password manager; the
    /// node keeps only its hash. Send identity.json to whoever drafts the
    /// federation's charter.
    Init {
        /// Folder for this node's keys, configuration and store (created).
        #[arg(long)]
        data_dir: PathBuf,
        /// The affiliate's short code, e.g. KSPI (2-12 of A-Z, 0-9, '-').
        #[arg(long)]
        affiliate: AffiliateId,
        /// The affiliate's full name.
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 country code, e.g. ID.
        #[arg(long)]
        country: CountryCode,
        /// libp2p listen address; repeat for several (default: TCP and QUIC on 4100).
        #[arg(long = "p2p-listen")]
        p2p_listen: Vec<String>,
        /// Address other affiliates dial, if not the listen address (e.g. behind NAT).
        #[arg(long = "announce")]
        announce: Vec<String>,
        /// HTTP listen address for the API and pages.
        #[arg(long, default_value = "127.0.0.1:8100")]
        http_listen: SocketAddr,
    },
    /// Write a fresh identity file (the same keys, a new node record): an
    /// identity goes into a charter for 30 days after it was made, and the
    /// node record in it names the node's current addresses.
    Identity {
        #[arg(long)]
        data_dir: PathBuf,
    },
    /// Build, sign and check the federation's charter.
    #[command(subcommand)]
    Charter(charter_cmd::CharterCommand),
    /// Run the node until Ctrl-C or SIGTERM.
    Run {
        #[arg(long)]
        data_dir: PathBuf,
    },
    /// Check membership cards.
    #[command(subcommand)]
    Card(CardCommand),
    /// Check the audit trail of a stopped node.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Maintain a stopped node's store.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Make a consistent copy of a running node's whole store, into
    /// `backups/` in its data folder. Copy that folder off the machine
    /// encrypted: it holds personal data.
    Backup {
        /// The node's HTTP address.
        #[arg(long, default_value = "http://127.0.0.1:8100")]
        url: String,
        /// An admin's token (or set UNIONFED_TOKEN).
        #[arg(long, env = "UNIONFED_TOKEN", hide_env_values = true)]
        token: String,
    },
    /// Put a backup in place of a stopped node's store. The store it
    /// replaces is moved aside, not deleted.
    Restore {
        #[arg(long)]
        data_dir: PathBuf,
        /// The backup folder (`backups/store-...`).
        #[arg(long)]
        from: PathBuf,
    },
    /// Show a running node's peers, heads and lag.
    Status {
        /// The node's HTTP address.
        #[arg(long, default_value = "http://127.0.0.1:8100")]
        url: String,
        /// The admin token (or set UNIONFED_TOKEN).
        #[arg(long, env = "UNIONFED_TOKEN", hide_env_values = true)]
        token: String,
    },
    /// Measure the figures the design names, each with its ratio to
    /// ed25519 verify_strict on all cores measured in the same run.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Start a demo federation of three nodes on this machine with sample
    /// members, print their addresses and tokens, and stop them on Ctrl-C.
    Demo {
        /// Folder for the demo nodes (wiped and recreated).
        #[arg(long, default_value = "target/unionfed-demo")]
        dir: PathBuf,
        /// First port: nodes use base+1.. for HTTP and base+101.. for libp2p.
        #[arg(long, default_value_t = 8100)]
        base_port: u16,
        /// Leave this affiliate without accounts, so that its first-run
        /// setup page can be tried (the browser tests do).
        #[arg(long, hide = true)]
        leave_setup_to: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum StoreCommand {
    /// Rewrite the store with only the current value of each record, so
    /// that what was erased is in none of its files. A node does this by
    /// itself when it starts after an erasure; stop the node first.
    Compact {
        #[arg(long)]
        data_dir: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check that no audit record was removed or altered: every record must
    /// carry the hash of the one before. Stop the node first (the store is
    /// locked while it runs). Prints the head hash: note it down elsewhere,
    /// so that a later check can also tell a cut-off tail.
    Verify {
        #[arg(long)]
        data_dir: PathBuf,
    },
    /// Print the access policy: who may see or change what, and what is
    /// recorded (the same table as docs/access.md).
    Policy,
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// A fresh node pulls N attestations from one peer over libp2p.
    CatchUp {
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
    },
    /// POST /api/v1/cards/verify on loopback (uses wrk when installed).
    CardCheck {
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Clients checking cards at once, each on its own connection.
        #[arg(long, default_value_t = 64)]
        connections: usize,
    },
    /// Time from an attestation issued at one node to stored at every node.
    Propagation {
        #[arg(long, default_value_t = 10)]
        nodes: usize,
        #[arg(long, default_value_t = 200)]
        samples: usize,
    },
    /// Handoffs sealed, sent, stored and receipted between two nodes.
    Handoffs {
        #[arg(long, default_value_t = 1000)]
        count: usize,
        #[arg(long, default_value_t = 200)]
        samples: usize,
    },
    /// RSS and disk of a node holding N attestations and M members.
    Footprint {
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
        #[arg(long, default_value_t = 100_000)]
        members: u64,
    },
}

#[derive(Debug, Subcommand)]
enum CardCommand {
    /// Check a card offline, against a charter file and optionally a status
    /// snapshot (download one from any node at /api/v1/status-snapshot).
    Verify {
        /// The card text, UF1:...
        card: String,
        #[arg(long)]
        charter: PathBuf,
        #[arg(long)]
        status_snapshot: Option<PathBuf>,
    },
}

fn main() -> std::process::ExitCode {
    // Whatever this process creates (the store's files, exports, backups)
    // is its user's alone: the data folder holds personal data.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,libp2p_gossipsub=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run(cli: Cli) -> anyhow::Result<std::process::ExitCode> {
    match cli.command {
        Command::Init {
            data_dir,
            affiliate,
            name,
            country,
            p2p_listen,
            announce,
            http_listen,
        } => {
            let made = setup::init(
                &data_dir,
                InitOptions {
                    affiliate,
                    name,
                    country,
                    p2p_listen,
                    p2p_announce: announce,
                    http_listen,
                },
            )?;
            println!(
                "Created node {} in {}",
                made.config.affiliate,
                data_dir.display()
            );
            println!(
                "  identity (send to the charter's drafter within {IDENTITY_VALID_DAYS} days): {}",
                identity_path(&data_dir).display()
            );
            println!(
                "  configuration: {}",
                data_dir.join(unionfed_node::config::CONFIG_FILE).display()
            );
            println!();
            println!("Admin API token (shown once; keep it in a password manager):");
            println!("  {}", made.admin_token.as_str());
        }
        Command::Charter(c) => charter_cmd::run(c).await?,
        Command::Identity { data_dir } => {
            let identity = setup::refresh_identity(&data_dir)?;
            println!(
                "Wrote {} for {}. It can go into a charter for {IDENTITY_VALID_DAYS} days: send it to the charter's drafter.",
                identity_path(&data_dir).display(),
                identity.affiliate
            );
        }
        Command::Run { data_dir } => {
            init_logging();
            let config = Config::load(&data_dir)?;
            let node = unionfed_node::start(&data_dir, config).await?;
            wait_for_signal(&node.shutdown_token()).await;
            tracing::info!("stopping");
            node.shutdown().await?;
        }
        Command::Card(CardCommand::Verify {
            card,
            charter,
            status_snapshot,
        }) => return verify_card_offline(&card, &charter, status_snapshot.as_deref()),
        Command::Status { url, token } => status(&url, &token).await?,
        Command::Backup { url, token } => backup(&url, &token).await?,
        Command::Restore { data_dir, from } => {
            let replaced = unionfed_node::storage::restore(&data_dir.join("store"), &from)?;
            println!(
                "Restored {} into {}.",
                from.display(),
                data_dir.join("store").display()
            );
            if replaced.exists() {
                println!(
                    "The store it replaced is in {}: delete it once the node runs as it should.",
                    replaced.display()
                );
            }
            println!("Start the node while its peers are reachable: it asks them for its own log head before it appends, and continues from there.");
        }
        Command::Store(StoreCommand::Compact { data_dir }) => {
            let done = unionfed_node::storage::compact(&data_dir.join("store"))?;
            println!(
                "compacted {} records: {} bytes before, {} after",
                done.records, done.bytes_before, done.bytes_after
            );
        }
        Command::Audit(AuditCommand::Policy) => {
            print!("{}", unionfed_node::access::table_markdown());
        }
        Command::Audit(AuditCommand::Verify { data_dir }) => {
            let store = unionfed_node::storage::Store::open(&data_dir.join("store"))?;
            let report = unionfed_node::audit::verify_store(&store)?;
            println!("{} audit records; head {}", report.records, report.head);
            if let Some(seq) = report.cut_through {
                println!("records up to #{seq} were removed by retention; the chain is checked from there");
            }
            if let Some(why) = report.broken {
                println!("BROKEN: {why}");
                return Ok(std::process::ExitCode::from(2));
            }
            println!("the chain is intact");
        }
        Command::Bench(b) => {
            let filter = tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error"));
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .try_init();
            match b {
                BenchCommand::CatchUp { entries } => bench::catch_up(entries).await?,
                BenchCommand::CardCheck {
                    seconds,
                    connections,
                } => bench::card_check(seconds, connections).await?,
                BenchCommand::Propagation { nodes, samples } => {
                    bench::propagation(nodes, samples).await?
                }
                BenchCommand::Handoffs { count, samples } => {
                    bench::handoffs(count, samples).await?
                }
                BenchCommand::Footprint { entries, members } => {
                    bench::footprint(entries, members).await?
                }
            }
        }
        Command::Demo {
            dir,
            base_port,
            leave_setup_to,
        } => {
            init_logging();
            demo::run(&dir, base_port, leave_setup_to.as_deref()).await?;
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

async fn wait_for_signal(stopped: &tokio_util::sync::CancellationToken) {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(%e, "cannot watch SIGTERM; stop with Ctrl-C");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
        () = stopped.cancelled() => {}
    }
}

/// Attestations and representations read from a verified status snapshot.
struct SnapshotReplica {
    attestations: std::collections::HashMap<(AffiliateId, MemberId), (u64, MembershipAttestation)>,
    representations: Vec<Representation>,
    /// (issuer, member) to the seq of the attestation the erasure followed.
    erasures: std::collections::HashMap<(AffiliateId, MemberId), u64>,
}

impl Replica for SnapshotReplica {
    fn latest_attestation(
        &self,
        issuer: &AffiliateId,
        member: &MemberId,
    ) -> Option<(u64, MembershipAttestation)> {
        self.attestations.get(&(issuer.clone(), *member)).cloned()
    }

    fn representations(&self, member: &MemberId) -> Vec<Representation> {
        self.representations
            .iter()
            .filter(|r| &r.member == member)
            .cloned()
            .collect()
    }

    fn erased_at(&self, issuer: &AffiliateId, member: &MemberId) -> Option<u64> {
        self.erasures.get(&(issuer.clone(), *member)).copied()
    }
}

fn verify_card_offline(
    card: &str,
    charter_path: &std::path::Path,
    snapshot: Option<&std::path::Path>,
) -> anyhow::Result<std::process::ExitCode> {
    let doc = setup::read_charter(charter_path)?;
    let charter = if doc.charter()?.version == 1 {
        doc.verify_genesis()?
    } else {
        eprintln!(
            "note: charter v{} is trusted as given; check its hash with your federation",
            doc.charter()?.version
        );
        doc.charter()?
    };
    let mut replica = SnapshotReplica {
        attestations: Default::default(),
        representations: Vec::new(),
        erasures: Default::default(),
    };
    if let Some(path) = snapshot {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let snapshot = StatusSnapshot::decode(&bytes)
            .with_context(|| format!("{} is not a status snapshot", path.display()))?;
        let mut refused = 0;
        let mut ends = Vec::new();
        for signed in &snapshot.entries {
            let Ok(entry) = signed.verify(&charter) else {
                refused += 1;
                continue;
            };
            match entry.body {
                Body::Attestation(att) => {
                    let key = (entry.author.clone(), att.member);
                    let newer = replica
                        .attestations
                        .get(&key)
                        .is_none_or(|(seq, _)| *seq < entry.seq.get());
                    if newer {
                        replica.attestations.insert(key, (entry.seq.get(), att));
                    }
                }
                Body::Representation(rep) => replica.representations.push(Representation {
                    member: rep.member,
                    home: rep.home,
                    representing: entry.author.clone(),
                    from: rep.from,
                    until: rep.until,
                    ended: None,
                    seq: entry.seq.get(),
                }),
                Body::RepresentationEnd(end) => ends.push((entry.author.clone(), end)),
                Body::MemberErasure(e) => {
                    let at = replica
                        .erasures
                        .entry((entry.author.clone(), e.member))
                        .or_default();
                    *at = (*at).max(e.revoked_at.get());
                }
                _ => {}
            }
        }
        for rep in &mut replica.representations {
            for (author, end) in &ends {
                if end.member == rep.member && end.representing == rep.representing {
                    rep.apply_end(author, &end.home, end.ended, end.reason);
                }
            }
        }
        if refused > 0 {
            eprintln!("warning: {refused} snapshot entries did not verify against the charter and were ignored");
        }
        println!(
            "snapshot of {} taken at {}",
            path.display(),
            snapshot.generated_at
        );
    } else {
        println!("no status snapshot given: the signature and expiry are checked, the membership status is not");
    }
    let now = Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    );
    let mut verdict = card_check::check(card, &charter, &replica, now);
    if snapshot.is_none() {
        // Without a snapshot the status is unknown, not bad.
        verdict.problems.retain(|p| p.code != "card_no_attestation");
        verdict.valid = verdict.problems.is_empty() && verdict.holder_name.is_some();
    }
    println!("{}", serde_json::to_string_pretty(&verdict)?);
    Ok(if verdict.valid {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(2)
    })
}

async fn backup(url: &str, token: &str) -> anyhow::Result<()> {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/backup", url.trim_end_matches('/')))
        .bearer_auth(token)
        .send()
        .await
        .with_context(|| format!("cannot reach the node at {url}; is `unionfed run` running?"))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .context("the node's answer is not JSON")?;
    if !status.is_success() {
        bail!("{}: {}", body["error"], body["message"]);
    }
    println!(
        "Backup of {} records ({} bytes) in {} on the node's machine.",
        body["records"],
        body["bytes"],
        body["path"].as_str().unwrap_or_default()
    );
    println!("Copy it off the machine encrypted: it holds personal data. `unionfed restore --data-dir DIR --from <it>` puts it back.");
    Ok(())
}

async fn status(url: &str, token: &str) -> anyhow::Result<()> {
    let response = reqwest::Client::new()
        .get(format!("{}/api/v1/federation", url.trim_end_matches('/')))
        .bearer_auth(token)
        .send()
        .await
        .with_context(|| format!("cannot reach the node at {url}; is `unionfed run` running?"))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .context("the node's answer is not JSON")?;
    if !status.is_success() {
        bail!("{}: {}", body["error"], body["message"]);
    }
    println!(
        "{} — charter v{} — this node: {}",
        body["federation"].as_str().unwrap_or_default(),
        body["charter_version"],
        body["this_affiliate"].as_str().unwrap_or_default()
    );
    println!("peers connected: {}", body["peers_connected"]);
    println!("{:<10} {:>10} {:>8}", "author", "entries", "lag");
    for h in body["heads"].as_array().into_iter().flatten() {
        println!(
            "{:<10} {:>10} {:>8}",
            h["author"].as_str().unwrap_or_default(),
            h["seq"].as_u64().unwrap_or(0),
            h["lag"].as_u64().unwrap_or(0)
        );
    }
    if body["equivocations"].as_u64().unwrap_or(0) > 0 {
        println!(
            "ALERT: {} equivocations held as evidence",
            body["equivocations"]
        );
    }
    Ok(())
}
