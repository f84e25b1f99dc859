//! `unionfed bench ...`: the figures the design names, each printed next to
//! the raw limit measured in the same run (ed25519 `verify_strict` on all
//! cores), so a ratio means the same on a loaded or an idle machine.

use crate::access::Principal;
use crate::cluster::{LocalCluster, CODES};
use crate::demo::{card_verdict, wait_until as wait};
use crate::members::NewMember;
use crate::node::{now, NodeState};
use crate::storage::Store;
use crate::NodeHandle;
use anyhow::{bail, Context};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use unionfed_protocol::entry::{Body, HolderCommitment, MemberStatus, MembershipAttestation};
use unionfed_protocol::{AffiliateSigningKey, Entry, MemberId, Seq, SignedEntry, Timestamp};

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// `verify_strict` per second on all cores, over entry-sized messages.
pub fn verify_strict_rate(duration: Duration) -> anyhow::Result<f64> {
    let key = AffiliateSigningKey::generate();
    let entry = SignedEntry::sign(&attestation_entry(1, None, MemberId::random())?, &key)?;
    let public = key.public();
    let message = unionfed_protocol::signed::signing_message("unionfed/entry/v1", entry.bytes());
    per_second_on_all_cores("verify-strict", duration, |_| {
        let (message, entry) = (message.clone(), entry.clone());
        Ok(move || {
            for _ in 0..64 {
                std::hint::black_box(public.verify_strict_raw(&message, entry.signature()));
            }
            Ok(64)
        })
    })
}

/// Runs the work `make(core)` builds on each core, in a loop, for
/// `duration`; each call says how many operations it did, and the first
/// error stops the benchmark. Operations per second, all cores together.
fn per_second_on_all_cores<W>(
    name: &str,
    duration: Duration,
    make: impl Fn(usize) -> anyhow::Result<W>,
) -> anyhow::Result<f64>
where
    W: FnMut() -> anyhow::Result<u64> + Send + 'static,
{
    let stop = Arc::new(AtomicBool::new(false));
    let count = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for core in 0..cores() {
        let (stop, count, mut work) = (stop.clone(), count.clone(), make(core)?);
        threads.push(std::thread::Builder::new().name(name.to_owned()).spawn(
            move || -> anyhow::Result<()> {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    n += work()?;
                }
                count.fetch_add(n, Ordering::Relaxed);
                Ok(())
            },
        )?);
    }
    let started = Instant::now();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    for t in threads {
        t.join()
            .map_err(|_| anyhow::anyhow!("a benchmark thread panicked"))??;
    }
    Ok(count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

fn attestation_entry(
    seq: u64,
    prev: Option<unionfed_protocol::EntryHash>,
    member: MemberId,
) -> anyhow::Result<Entry> {
    Ok(Entry {
        author: CODES[0].parse()?,
        seq: Seq::new(seq)?,
        prev,
        time: now(),
        body: Body::Attestation(MembershipAttestation {
            member,
            status: MemberStatus::Active,
            member_since: now(),
            valid_until: Timestamp(now().secs() + 365 * 86_400),
            holder_commitment: HolderCommitment(rand::random()),
        }),
    })
}

/// Builds `n` chained attestation entries by `key`, signed on all cores.
fn signed_chain(
    key: &AffiliateSigningKey,
    n: u64,
    members: &[MemberId],
) -> anyhow::Result<Vec<(SignedEntry, Entry)>> {
    let mut entries = Vec::with_capacity(n as usize);
    let mut prev = None;
    for seq in 1..=n {
        let member = members[(seq as usize - 1) % members.len()];
        let entry = attestation_entry(seq, prev, member)?;
        let bytes = unionfed_protocol::encoding::encode("entry", &entry)?;
        prev = Some(unionfed_protocol::EntryHash(
            sha2::Digest::finalize(sha2::Digest::chain_update(
                <sha2::Sha256 as sha2::Digest>::new(),
                &bytes,
            ))
            .into(),
        ));
        entries.push(entry);
    }
    let seed = key.seed();
    let chunk = entries.len().div_ceil(cores());
    let signed: Vec<Vec<(SignedEntry, Entry)>> = std::thread::scope(|scope| {
        let jobs: Vec<_> = entries
            .chunks(chunk.max(1))
            .map(|part| {
                let key = AffiliateSigningKey::from_seed(&seed);
                scope.spawn(move || {
                    part.iter()
                        .map(|e| SignedEntry::sign(e, &key).map(|s| (s, e.clone())))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        jobs.into_iter()
            .map(|j| {
                j.join()
                    .map_err(|_| anyhow::anyhow!("a signing thread panicked"))?
                    .map_err(Into::into)
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })?;
    Ok(signed.into_iter().flatten().collect())
}

/// Starts every node of `cluster` and connects them all.
async fn start_all(cluster: &mut LocalCluster) -> anyhow::Result<()> {
    for i in 0..cluster.nodes.len() {
        cluster.start(i).await?;
    }
    cluster.connect_all().await?;
    cluster.wait_connected(60).await?;
    Ok(())
}

fn node(cluster: &LocalCluster, i: usize) -> anyhow::Result<&NodeHandle> {
    cluster.nodes[i].as_ref().context("node not running")
}

fn ratio_line(what: &str, rate: f64, verify: f64) {
    println!(
        "{what}: {rate:.0}/s; verify_strict on {} cores in this run: {verify:.0}/s; ratio {:.2}",
        cores(),
        rate / verify
    );
}

/// A fresh node pulls `entries` attestations from one peer over libp2p,
/// verifying and storing all of them.
pub async fn catch_up(entries: u64) -> anyhow::Result<()> {
    let mut cluster = LocalCluster::prepare(2, 1, |_| {})?;
    let source_dir = cluster.dir(0).to_path_buf();
    println!(
        "generating and signing {entries} entries for {} ...",
        cluster.configs[0].affiliate
    );
    let key = crate::identity::NodeKeys::load(&source_dir)?.signing;
    let members: Vec<MemberId> = (0..entries.min(100_000))
        .map(|_| MemberId::random())
        .collect();
    let chain = signed_chain(&key, entries, &members)?;
    {
        let store = Store::open(&source_dir.join("store"))?;
        for batch in chain.chunks(1000) {
            store.apply(batch)?;
        }
        store.flush().await?;
    }
    drop(chain);
    let verify = verify_strict_rate(Duration::from_secs(3))?;
    println!("starting the source and a fresh node ...");
    start_all(&mut cluster).await?;
    let author = node(&cluster, 0)?.affiliate().clone();
    let fresh = node(&cluster, 1)?.state().clone();
    let started = Instant::now();
    let mut stored = fresh.stored.subscribe();
    loop {
        let have = fresh.head_of(&author)?.map_or(0, |h| h.seq.get());
        if have >= entries {
            break;
        }
        if started.elapsed() > Duration::from_secs(3600) {
            bail!("catch-up stalled at {have} of {entries}");
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), stored.changed()).await;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("catch-up of {entries} entries over libp2p took {secs:.1}s");
    ratio_line(
        "catch-up (decode, verify, store, flush)",
        entries as f64 / secs,
        verify,
    );
    cluster.shutdown().await?;
    Ok(())
}

/// Members whose cards the card-check benchmark checks in turn.
const CARDS: usize = 256;

/// `POST /api/v1/cards/verify` requests per second on loopback.
pub async fn card_check(seconds: u64, connections: usize) -> anyhow::Result<()> {
    let mut cluster = LocalCluster::prepare(2, 1, |c| c.public_rate_limit_per_minute = u32::MAX)?;
    start_all(&mut cluster).await?;
    let issuer = node(&cluster, 0)?.state().clone();
    // Many members, each card checked in turn, as at a busy office: no
    // answer comes from one hot cache line.
    let mut cards = Vec::with_capacity(CARDS);
    for i in 0..CARDS {
        let record = issuer
            .members()
            .enrol(
                &Principal::Node,
                NewMember {
                    holder_name: format!("Member {i}"),
                    ..Default::default()
                },
            )
            .await?;
        cards.push(issuer.members().issue_card(&Principal::Node, &record.id)?.0);
    }
    let url = format!(
        "http://{}/api/v1/cards/verify",
        node(&cluster, 1)?.http_addr()
    );
    let bodies: Vec<String> = cards
        .iter()
        .map(|card| json!({ "card": card }).to_string())
        .collect();
    let http = reqwest::Client::new();
    let base = format!("http://{}", node(&cluster, 1)?.http_addr());
    let last = cards.last().context("no card issued")?;
    wait(60, "the cards to verify at the second node", || async {
        let v = card_verdict(&http, &base, last).await?;
        (v["valid"] == true).then_some(())
    })
    .await?;
    let verify = verify_strict_rate(Duration::from_secs(3))?;
    let verifier = node(&cluster, 1)?.state().clone();
    ratio_line(
        "card verdict in-process, without HTTP",
        verdicts_rate(&verifier, &cards, Duration::from_secs(3))?,
        verify,
    );
    let before = process_cpu()?;
    let (rate, checks) = match which_wrk() {
        Some(wrk) => run_wrk(&wrk, &url, &bodies, seconds, connections)?,
        None => {
            println!("wrk not found (apt-get install wrk); using the built-in load generator, which shares the cores");
            in_process_load(&url, &bodies, seconds, connections).await
        }
    };
    let used = process_cpu()? - before;
    ratio_line("card check over HTTP", rate, verify);
    // Less noisy than the rate on a shared machine: what each check costs
    // the node, next to what one verify_strict costs a core.
    println!(
        "node CPU per card check: {:.1} µs; verify_strict alone: {:.1} µs",
        used.as_secs_f64() * 1e6 / checks as f64,
        cores() as f64 * 1e6 / verify
    );
    cluster.shutdown().await?;
    Ok(())
}

/// `card_check::check` per second on all cores, straight from the node's
/// replica: the limit the HTTP path approaches.
fn verdicts_rate(
    state: &Arc<NodeState>,
    cards: &[String],
    duration: Duration,
) -> anyhow::Result<f64> {
    per_second_on_all_cores("card-verdicts", duration, |core| {
        let (state, cards) = (state.clone(), cards.to_vec());
        let held = state.charter();
        let mut next = core * 7;
        Ok(move || {
            next = (next + 1) % cards.len();
            let verdict =
                crate::card_check::check(&cards[next], &held.charter, state.as_ref(), now());
            std::hint::black_box(verdict);
            Ok(1)
        })
    })
}

/// CPU time (user and system) this process has used so far.
fn process_cpu() -> anyhow::Result<Duration> {
    use nix::sys::resource::{getrusage, UsageWho};
    let usage = getrusage(UsageWho::RUSAGE_SELF)?;
    let time = |t: nix::sys::time::TimeVal| {
        Duration::new(t.tv_sec().max(0) as u64, t.tv_usec().max(0) as u32 * 1000)
    };
    Ok(time(usage.user_time()) + time(usage.system_time()))
}

fn which_wrk() -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join("wrk"))
        .find(|p| p.is_file())
}

fn run_wrk(
    wrk: &Path,
    url: &str,
    bodies: &[String],
    seconds: u64,
    connections: usize,
) -> anyhow::Result<(f64, u64)> {
    // The requests are formatted once, in `init`; each thread then hands
    // them out in turn, so the load generator spends little per request.
    let list: Vec<String> = bodies.iter().map(|b| format!("[[{b}]]")).collect();
    let script = tempfile::NamedTempFile::new()?;
    std::fs::write(
        script.path(),
        format!(
            "local bodies = {{ {} }}\n\
             local requests = {{}}\n\
             local n = 0\n\
             init = function(args)\n\
               for i, b in ipairs(bodies) do\n\
                 requests[i] = wrk.format(\"POST\", nil, {{ [\"Content-Type\"] = \"application/json\" }}, b)\n\
               end\n\
             end\n\
             request = function()\n\
               n = n % #requests + 1\n\
               return requests[n]\n\
             end\n",
            list.join(", ")
        ),
    )?;
    let out = std::process::Command::new(wrk)
        .args([
            "-t1",
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            "-s",
        ])
        .arg(script.path())
        .arg(url)
        .output()
        .context("cannot run wrk")?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if text.contains("Non-2xx") {
        bail!("wrk saw error responses");
    }
    let rate = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .context("wrk printed no Requests/sec")?;
    // "266646 requests in 10.00s, 85.23MB read"
    let count = text
        .lines()
        .find_map(|l| l.trim().split_once(" requests in "))
        .and_then(|(n, _)| n.parse().ok())
        .context("wrk printed no request count")?;
    Ok((rate, count))
}

/// Requests per second and the number answered; the CPU it uses counts as
/// the node's.
async fn in_process_load(
    url: &str,
    bodies: &[String],
    seconds: u64,
    connections: usize,
) -> (f64, u64) {
    let count = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|c| {
            let (count, url, bodies) = (count.clone(), url.to_owned(), bodies.to_vec());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut next = c;
                while Instant::now() < deadline {
                    next = (next + 1) % bodies.len();
                    let ok = http
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(bodies[next].clone())
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success());
                    if ok {
                        count.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
    let count = count.load(Ordering::Relaxed);
    (count as f64 / started.elapsed().as_secs_f64(), count)
}

/// Time from an attestation issued at one node to stored at every node.
pub async fn propagation(nodes: usize, samples: usize) -> anyhow::Result<()> {
    if !(2..=CODES.len()).contains(&nodes) {
        bail!("--nodes must be between 2 and {}", CODES.len());
    }
    let mut cluster = LocalCluster::prepare(nodes, 1, |_| {})?;
    start_all(&mut cluster).await?;
    let issuer = node(&cluster, 0)?.state().clone();
    let author = issuer.config.affiliate.clone();
    // Let gossipsub build its mesh before measuring.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut all_stored = Vec::with_capacity(samples);
    let mut local = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        let record = issuer
            .members()
            .enrol(
                &Principal::Node,
                NewMember {
                    holder_name: "Propagation sample".into(),
                    ..Default::default()
                },
            )
            .await?;
        local.push(started.elapsed());
        let seq = record.attestation_seq;
        for node in cluster.running().skip(1) {
            let state = node.state();
            let mut stored = state.stored.subscribe();
            while state.head_of(&author)?.map_or(0, |h| h.seq.get()) < seq {
                if tokio::time::timeout(Duration::from_secs(30), stored.changed())
                    .await
                    .is_err()
                {
                    bail!(
                        "{} did not receive entry #{seq} within 30s",
                        node.affiliate()
                    );
                }
            }
        }
        all_stored.push(started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pct = |v: &mut Vec<Duration>, p: f64| {
        v.sort();
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    };
    println!(
        "propagation over {nodes} nodes, {samples} attestations: stored at every node p50 {:.2} ms, p99 {:.2} ms \
         (of which the local append with fsync: p50 {:.2} ms, p99 {:.2} ms)",
        pct(&mut all_stored, 0.5).as_secs_f64() * 1e3,
        pct(&mut all_stored, 0.99).as_secs_f64() * 1e3,
        pct(&mut local, 0.5).as_secs_f64() * 1e3,
        pct(&mut local, 0.99).as_secs_f64() * 1e3,
    );
    cluster.shutdown().await?;
    Ok(())
}

/// RSS of a `unionfed run` process and the size on disk of its store, holding
/// `entries` attestations and `members` member records.
pub async fn footprint(entries: u64, members: u64) -> anyhow::Result<()> {
    let cluster = LocalCluster::prepare(1, 1, |_| {})?;
    let (dir, token) = (cluster.dir(0), &cluster.tokens[0]);
    let mut config = cluster.configs[0].clone();
    config.http_listen = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()?));
    config.startup_sync_grace_secs = 0;
    config.write(dir)?;
    println!("writing {members} members and {entries} attestations ...");
    let key = crate::identity::NodeKeys::load(dir)?.signing;
    let ids: Vec<MemberId> = (0..members.max(1)).map(|_| MemberId::random()).collect();
    {
        let store = Store::open(&dir.join("store"))?;
        for (i, id) in ids.iter().enumerate() {
            let at = now();
            let record = crate::members::MemberRecord {
                id: *id,
                holder_name: format!("Member {i}"),
                date_of_birth: Some("1990-01-01".into()),
                contact: Some("+62 812 0000 0000".into()),
                sector: Some("construction".into()),
                employer: Some("PT Contoh Konstruksi".into()),
                work: Default::default(),
                origin_country: "ID".parse().ok(),
                destination_country: "MY".parse().ok(),
                status: MemberStatus::Active,
                status_reason: None,
                member_since: at,
                valid_until: at,
                salt: hex::encode(rand::random::<[u8; 16]>()),
                created_at: at,
                updated_at: at,
                attestation_seq: 0,
                home: None,
                dues: Vec::new(),
            };
            crate::members::store::put_member(&store, &record)?;
        }
        let chain = signed_chain(&key, entries, &ids)?;
        for batch in chain.chunks(1000) {
            store.apply(batch)?;
        }
        store.flush().await?;
    }
    let exe = std::env::current_exe()?;
    let mut child = tokio::process::Command::new(exe)
        .args(["run", "--data-dir"])
        .arg(dir)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true)
        .spawn()?;
    let http = reqwest::Client::new();
    let base = format!("http://{}", config.http_listen);
    wait(120, "the node to start", || async {
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .ok()
            .filter(|r| r.status().is_success())
            .map(|_| ())
    })
    .await?;
    // Touch the data the way a working day does: read members, check cards.
    for id in ids.iter().take(1000) {
        let _ = http
            .get(format!("{base}/api/v1/members/{id}"))
            .bearer_auth(token)
            .send()
            .await?;
    }
    let pid = child.id().context("the node has no pid")?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .unwrap_or("VmRSS: ?")
        .to_owned();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or("VmHWM: ?")
        .to_owned();
    let disk = dir_size(&dir.join("store"))?;
    println!(
        "node holding {entries} attestations and {members} members: {rss} ({hwm} peak); store on disk {:.1} MiB",
        disk as f64 / (1024.0 * 1024.0)
    );
    let _ = child.kill().await;
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn dir_size(path: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

/// Seal, open, two signatures and two verifications per second on all cores:
/// the raw cost of one handoff with its receipt.
fn handoff_raw_rate(duration: Duration) -> anyhow::Result<f64> {
    use unionfed_protocol::{
        AffiliateId, EncryptionSecretKey, HandoffId, HandoffKind, HandoffSeal, Receipt,
        SignedReceipt,
    };
    per_second_on_all_cores("handoff-raw", duration, |_| {
        let (sender, recipient): (AffiliateId, AffiliateId) =
            (CODES[0].parse()?, CODES[1].parse()?);
        let (sk, rk) = (
            AffiliateSigningKey::generate(),
            AffiliateSigningKey::generate(),
        );
        let enc = EncryptionSecretKey::generate();
        let payload = vec![7u8; 600];
        Ok(move || {
            let signed = HandoffSeal {
                id: HandoffId::random(),
                sender: sender.clone(),
                recipient: recipient.clone(),
                kind: HandoffKind::MEMBER_TRANSFER,
                created_at: now(),
                recipient_key: &enc.public(),
                plaintext: &payload,
            }
            .seal(&sk)?;
            let handoff = signed.verify_with(&sk.public())?;
            handoff.open(&recipient, &enc)?;
            let receipt =
                SignedReceipt::sign(&Receipt::for_handoff(&signed, &handoff, now()), &rk)?;
            receipt.verify_with(&rk.public())?;
            Ok(1)
        })
    })
}

/// Handoffs sealed, sent, stored and receipted between two nodes per second,
/// and the delivery time of one handoff when the recipient is up.
pub async fn handoffs(count: usize, samples: usize) -> anyhow::Result<()> {
    use unionfed_protocol::HandoffKind;
    let mut cluster = LocalCluster::prepare(2, 1, |_| {})?;
    start_all(&mut cluster).await?;
    let sender = node(&cluster, 0)?.state().clone();
    let recipient = cluster.configs[1].affiliate.clone();
    let payload = vec![7u8; 600];
    let raw = handoff_raw_rate(Duration::from_secs(3))?;

    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        let id = sender
            .send_handoff(&recipient, HandoffKind::MEMBER_TRANSFER, &payload)
            .await?;
        loop {
            if sender
                .outbox_item(&id)?
                .is_some_and(|i| i.receipt.is_some())
            {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("handoff {id} was not receipted within 30s");
            }
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        latencies.push(started.elapsed());
    }
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
    };

    let started = Instant::now();
    let mut ids = Vec::with_capacity(count);
    for _ in 0..count {
        ids.push(
            sender
                .send_handoff(&recipient, HandoffKind::MEMBER_TRANSFER, &payload)
                .await?,
        );
    }
    loop {
        let pending = ids
            .iter()
            .filter(|id| {
                sender
                    .outbox_item(id)
                    .ok()
                    .flatten()
                    .is_none_or(|i| i.receipt.is_none())
            })
            .count();
        if pending == 0 {
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            bail!("{pending} handoffs were not receipted within 600s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let rate = count as f64 / started.elapsed().as_secs_f64();
    println!("delivery of one handoff with the recipient up, {samples} samples: p50 {:.2} ms, p99 {:.2} ms", pct(0.5), pct(0.99));
    println!(
        "handoffs sealed, sent, stored and receipted: {rate:.0}/s; seal + open + 2 signatures + 2 verifications on {} cores in this run: {raw:.0}/s; ratio {:.3}",
        cores(),
        rate / raw
    );
    cluster.shutdown().await?;
    Ok(())
}
