//! Multi-node scenarios on a TestNet of real nodes: replication, cards across
//! affiliates, partitions, restarts, forged traffic, equivocation, charters.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod testnet;

use serde_json::{json, Value};
use testnet::{wait_for, TestNet};

async fn enrol(net: &TestNet, i: usize, name: &str) -> String {
    let response = reqwest::Client::new()
        .post(net.url(i, "/api/v1/members"))
        .bearer_auth(&net.tokens[i])
        .json(&json!({ "holder_name": name, "origin_country": "ID", "destination_country": "MY" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

async fn card(net: &TestNet, i: usize, member: &str) -> String {
    let body: Value = reqwest::Client::new()
        .get(net.url(i, &format!("/api/v1/members/{member}/card")))
        .bearer_auth(&net.tokens[i])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["card"].as_str().unwrap().to_owned()
}

async fn verify(net: &TestNet, i: usize, card: &str) -> Value {
    let response = reqwest::Client::new()
        .post(net.url(i, "/api/v1/cards/verify"))
        .json(&json!({ "card": card }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn set_status(net: &TestNet, i: usize, member: &str, status: &str) {
    let response = reqwest::Client::new()
        .post(net.url(i, &format!("/api/v1/members/{member}/status")))
        .bearer_auth(&net.tokens[i])
        .json(&json!({ "status": status, "reason": "test" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_issued_at_one_affiliate_verifies_at_another_until_revoked() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let member = enrol(&net, 0, "Siti Rahayu").await;
    let text = card(&net, 0, &member).await;

    for i in [1, 2] {
        let verdict = wait_for(60, "attestation replicated", || async {
            let v = verify(&net, i, &text).await;
            (v["valid"] == true).then_some(v)
        })
        .await;
        assert_eq!(verdict["issuer"], "KSPI");
        assert_eq!(verdict["member_id"], member.as_str());
        assert_eq!(verdict["holder_name"], "Siti Rahayu");
        assert_eq!(verdict["status"], "active");
        assert_eq!(verdict["checked_against_seq"], 1);
    }

    set_status(&net, 0, &member, "revoked").await;
    let verdict = wait_for(60, "revocation replicated to NTUC-PHL", || async {
        let v = verify(&net, 2, &text).await;
        (v["status"] == "revoked").then_some(v)
    })
    .await;
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["problems"][0]["code"], "card_status");
    net.shutdown().await;
}

fn author_seq(heads: &[(String, u64)], author: &str) -> u64 {
    heads
        .iter()
        .find(|(a, _)| a == author)
        .map_or(0, |(_, s)| *s)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partitioned_nodes_converge_after_the_partition_heals() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let (a, b, c) = (
        net.node(0).peer_id(),
        net.node(1).peer_id(),
        net.node(2).peer_id(),
    );
    // Cut NTUC-PHL off from both others, from both sides.
    for (node, peer) in [(0, c), (1, c), (2, a), (2, b)] {
        net.node(node)
            .state()
            .network
            .set_blocked(peer, true)
            .await
            .unwrap();
    }
    wait_for(60, "NTUC-PHL isolated", || async {
        let peers = net.node(2).state().network.connected_peers().await.ok()?;
        peers.is_empty().then_some(())
    })
    .await;

    for n in 0..3 {
        enrol(&net, 0, &format!("KSPI member {n}")).await;
    }
    for n in 0..2 {
        enrol(&net, 2, &format!("NTUC-PHL member {n}")).await;
    }
    // The majority side sees KSPI's entries, the isolated node does not.
    wait_for(60, "MTUC has KSPI's entries", || async {
        (author_seq(&net.heads(1), "KSPI") == 3).then_some(())
    })
    .await;
    assert_eq!(author_seq(&net.heads(2), "KSPI"), 0);
    assert_eq!(author_seq(&net.heads(0), "NTUC-PHL"), 0);

    for (node, peer) in [(0, c), (1, c), (2, a), (2, b)] {
        net.node(node)
            .state()
            .network
            .set_blocked(peer, false)
            .await
            .unwrap();
    }
    let heads = net.wait_converged(30).await;
    assert_eq!(author_seq(&heads, "KSPI"), 3);
    assert_eq!(author_seq(&heads, "NTUC-PHL"), 2);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_catches_up_even_on_an_author_that_is_down() {
    let mut net = TestNet::new(3).await;
    net.wait_connected().await;
    net.stop(2).await;
    for n in 0..3 {
        enrol(&net, 0, &format!("KSPI member {n}")).await;
    }
    enrol(&net, 1, "MTUC member").await;
    wait_for(60, "MTUC has KSPI's entries", || async {
        (author_seq(&net.heads(1), "KSPI") == 3).then_some(())
    })
    .await;
    // KSPI goes down; NTUC-PHL comes back and must get KSPI's entries from MTUC.
    net.stop(0).await;
    net.start(2).await;
    net.connect_all().await;
    wait_for(60, "NTUC-PHL caught up from MTUC", || async {
        let heads = net.heads(2);
        (author_seq(&heads, "KSPI") == 3 && author_seq(&heads, "MTUC") == 1).then_some(())
    })
    .await;
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_outside_the_charter_is_refused() {
    use futures::StreamExt;
    use libp2p::swarm::SwarmEvent;
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let target = net
        .node(0)
        .state()
        .network
        .listen_addresses()
        .await
        .unwrap()[0]
        .clone();

    let mut outsider = libp2p::SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            libp2p::tcp::Config::default(),
            libp2p::noise::Config::new,
            libp2p::yamux::Config::default,
        )
        .unwrap()
        .with_behaviour(|_| libp2p::ping::Behaviour::default())
        .unwrap()
        .build();
    let outsider_id = *outsider.local_peer_id();
    outsider.dial(target).unwrap();
    // Drive the outsider until its connection attempt has ended one way or another.
    let ended = async {
        loop {
            match outsider.select_next_some().await {
                SwarmEvent::ConnectionClosed { .. }
                | SwarmEvent::OutgoingConnectionError { .. } => break,
                _ => {}
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(20), ended)
        .await
        .expect("the connection ends");
    wait_for(60, "refusal counted", || async {
        (net.metric(0, "unionfed_connections_refused_total").await >= 1).then_some(())
    })
    .await;
    let peers = net.node(0).state().network.connected_peers().await.unwrap();
    assert!(!peers.contains(&outsider_id));
    assert_eq!(peers, vec![net.node(1).peer_id()]);
    net.shutdown().await;
}

fn kspi_key(net: &TestNet) -> unionfed_protocol::AffiliateSigningKey {
    unionfed_node::identity::NodeKeys::load(net.dir(0))
        .unwrap()
        .signing
}

fn next_entry(net: &TestNet, i: usize, body_tag: u8) -> unionfed_protocol::Entry {
    let state = net.node(i).state();
    let head = state.head_of(&state.config.affiliate).unwrap();
    unionfed_protocol::Entry {
        author: state.config.affiliate.clone(),
        seq: head.map_or(unionfed_protocol::Seq::FIRST, |h| h.seq.next().unwrap()),
        prev: head.map(|h| h.hash),
        time: unionfed_node::node::now(),
        body: unionfed_protocol::Body::Unknown {
            kind: 500,
            payload: vec![body_tag],
        },
    }
}

async fn publish(net: &TestNet, i: usize, bytes: Vec<u8>) {
    net.node(i).state().network.publish(bytes).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_tampered_and_oversized_gossip_is_rejected_and_valid_traffic_still_flows() {
    use unionfed_protocol::wire::{GossipMessage, WireMessage};
    use unionfed_protocol::{AffiliateSigningKey, Signed, SignedEntry};
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let member = enrol(&net, 0, "Before the attack").await;
    let text = card(&net, 0, &member).await;
    wait_for(60, "first entry replicated", || async {
        (verify(&net, 1, &text).await["valid"] == true).then_some(())
    })
    .await;

    // Signed with a key that is not KSPI's.
    let forged =
        SignedEntry::sign(&next_entry(&net, 0, 1), &AffiliateSigningKey::generate()).unwrap();
    publish(&net, 0, GossipMessage::Entry(forged).encode().unwrap()).await;
    // KSPI's real entry with one byte changed.
    let real = net
        .node(0)
        .state()
        .log_entry(&"KSPI".parse().unwrap(), unionfed_protocol::Seq::FIRST)
        .unwrap()
        .unwrap();
    let mut bytes = real.bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    let tampered: SignedEntry = Signed::from_parts(real.signer().clone(), bytes, *real.signature());
    publish(&net, 0, GossipMessage::Entry(tampered).encode().unwrap()).await;
    // Not a gossip message at all.
    publish(&net, 0, b"\xff\xff not postcard".to_vec()).await;
    // Over the gossip message limit, under the transport's.
    publish(
        &net,
        0,
        vec![0u8; unionfed_protocol::limits::MAX_GOSSIP_MESSAGE_BYTES + 10],
    )
    .await;

    wait_for(60, "four rejections counted at MTUC", || async {
        (net.metric(1, "unionfed_gossip_rejected_total").await >= 4).then_some(())
    })
    .await;
    assert!(net.metric(1, "unionfed_verify_failures_total").await >= 2);
    // Nothing forged was stored ...
    assert_eq!(author_seq(&net.heads(1), "KSPI"), 1);
    // ... and KSPI's next real entry still arrives.
    let second = enrol(&net, 0, "After the attack").await;
    let text = card(&net, 0, &second).await;
    wait_for(60, "valid traffic flows", || async {
        (verify(&net, 1, &text).await["valid"] == true).then_some(())
    })
    .await;
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn equivocation_is_detected_and_both_entries_are_kept() {
    use unionfed_protocol::wire::{GossipMessage, WireMessage};
    use unionfed_protocol::SignedEntry;
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let key = kspi_key(&net);
    // Two different entries at KSPI#1, both signed with KSPI's real key (a
    // stolen key, or a node restored from a backup that forked its log).
    let first = SignedEntry::sign(&next_entry(&net, 0, 1), &key).unwrap();
    let second = SignedEntry::sign(&next_entry(&net, 0, 2), &key).unwrap();
    publish(
        &net,
        1,
        GossipMessage::Entry(first.clone()).encode().unwrap(),
    )
    .await;
    wait_for(60, "first entry reached NTUC-PHL", || async {
        (author_seq(&net.heads(2), "KSPI") == 1).then_some(())
    })
    .await;
    publish(
        &net,
        2,
        GossipMessage::Entry(second.clone()).encode().unwrap(),
    )
    .await;

    // KSPI got both by gossip; MTUC and NTUC-PHL each published one and
    // find the other when they compare heads.
    for i in 0..3 {
        let evidence = wait_for(60, "evidence held", || async {
            let e = net.node(i).state().equivocations().unwrap();
            (!e.is_empty()).then_some(e)
        })
        .await;
        let mut pair = [evidence[0].first.clone(), evidence[0].second.clone()];
        pair.sort_by_key(|e| e.bytes().to_vec());
        let mut expected = [first.clone(), second.clone()];
        expected.sort_by_key(|e| e.bytes().to_vec());
        assert_eq!(pair, expected);
        assert_eq!(net.metric(i, "unionfed_equivocations").await, 1);
    }
    let federation: Value = reqwest::Client::new()
        .get(net.url(1, "/api/v1/federation"))
        .bearer_auth(&net.tokens[1])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(federation["equivocations"], 1);
    net.shutdown().await;
}

async fn charter_version(net: &TestNet, i: usize) -> u64 {
    let health: Value = reqwest::get(net.url(i, "/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    health["charter_version"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charter_signed_by_the_threshold_is_adopted_everywhere_and_one_short_is_refused() {
    use unionfed_protocol::wire::{GossipMessage, WireMessage};
    use unionfed_protocol::CharterDocument;
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let keys: Vec<_> = (0..3)
        .map(|i| {
            unionfed_node::identity::NodeKeys::load(net.dir(i))
                .unwrap()
                .signing
        })
        .collect();
    let mut v2 = net.charter.charter().unwrap();
    v2.version = 2;
    v2.previous = Some(net.charter.hash());
    v2.issued_at = unionfed_node::node::now();
    v2.federation = "Test Federation, renamed by vote".into();
    let mut doc = CharterDocument::draft(&v2).unwrap();
    doc.sign(&net.configs[0].affiliate, &keys[0]);

    // One signature of the two it needs: the API refuses it ...
    let response = reqwest::Client::new()
        .post(net.url(0, "/api/v1/charter"))
        .bearer_auth(&net.tokens[0])
        .json(&json!({ "charter": hex::encode(postcard::to_stdvec(&doc).unwrap()) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "charter_threshold");
    assert!(body["message"].as_str().unwrap().contains("has 1 of the 2"));
    // ... and peers that receive it anyway reject it.
    publish(
        &net,
        0,
        GossipMessage::Charter(doc.clone()).encode().unwrap(),
    )
    .await;
    wait_for(60, "short charter rejected by peers", || async {
        (net.metric(1, "unionfed_gossip_rejected_total").await >= 1
            && net.metric(2, "unionfed_gossip_rejected_total").await >= 1)
            .then_some(())
    })
    .await;
    for i in 0..3 {
        assert_eq!(charter_version(&net, i).await, 1);
    }

    doc.sign(&net.configs[2].affiliate, &keys[2]);
    let response = reqwest::Client::new()
        .post(net.url(0, "/api/v1/charter"))
        .bearer_auth(&net.tokens[0])
        .json(&json!({ "charter": hex::encode(postcard::to_stdvec(&doc).unwrap()) }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for i in 0..3 {
        wait_for(60, "v2 adopted", || async {
            (charter_version(&net, i).await == 2).then_some(())
        })
        .await;
    }
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_restored_from_an_old_backup_continues_its_log_instead_of_forking_it() {
    let mut net = TestNet::new(3).await;
    net.wait_connected().await;
    enrol(&net, 0, "Enrolled before the backup").await;
    // A backup of the running node, by the command an operator runs.
    let out = cli_ok(&[
        "backup",
        "--url",
        &net.url(0, ""),
        "--token",
        &net.tokens[0],
    ]);
    let backup = out
        .split(" in ")
        .nth(1)
        .and_then(|rest| rest.split(" on the node's machine").next())
        .unwrap()
        .to_owned();
    assert!(
        backup.starts_with(&net.dir(0).join("backups").display().to_string()),
        "{out}"
    );
    let trail: Vec<_> = net
        .node(0)
        .state()
        .audit_newest_first()
        .map(|r| r.unwrap())
        .take(1)
        .collect();
    assert_eq!(trail[0].action, "backup_store");
    enrol(&net, 0, "Enrolled after the backup 1").await;
    enrol(&net, 0, "Enrolled after the backup 2").await;
    wait_for(60, "peers hold KSPI#3", || async {
        (author_seq(&net.heads(1), "KSPI") == 3 && author_seq(&net.heads(2), "KSPI") == 3)
            .then_some(())
    })
    .await;

    // The disk is lost; the affiliate restores last week's backup.
    net.stop(0).await;
    let dir0 = net.dir(0).display().to_string();
    let out = cli_ok(&["restore", "--data-dir", &dir0, "--from", &backup]);
    assert!(
        out.contains("moved aside") || out.contains("delete it once"),
        "{out}"
    );
    net.start(0).await;
    assert_eq!(
        author_seq(&net.heads(0), "KSPI"),
        1,
        "the backup holds only the first entry"
    );
    net.connect_all().await;
    let response = reqwest::Client::new()
        .post(net.url(0, "/api/v1/members"))
        .bearer_auth(&net.tokens[0])
        .json(&json!({ "holder_name": "Enrolled after the restore" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["attestation_seq"], 4,
        "the restored node continued from the federation's head"
    );
    net.wait_converged(20).await;
    for i in 0..3 {
        assert!(net.node(i).state().equivocations().unwrap().is_empty());
    }
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_replicate_over_quic_too() {
    let mut net = TestNet::prepare(2);
    for c in &mut net.configs {
        c.p2p_listen = vec!["/ip4/127.0.0.1/udp/0/quic-v1".into()];
    }
    net.start(0).await;
    net.start(1).await;
    net.connect_all().await;
    net.wait_connected().await;
    let listen = net
        .node(0)
        .state()
        .network
        .listen_addresses()
        .await
        .unwrap();
    assert!(
        listen.iter().all(|a| a.to_string().contains("quic-v1")),
        "{listen:?}"
    );
    let member = enrol(&net, 0, "Over QUIC").await;
    let text = card(&net, 0, &member).await;
    wait_for(60, "attestation replicated over QUIC", || async {
        (verify(&net, 1, &text).await["valid"] == true).then_some(())
    })
    .await;
    net.shutdown().await;
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `unionfed` with `args`: its exit status, stdout and stderr.
fn cli(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_unionfed"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn cli_ok(args: &[&str]) -> String {
    let (ok, out, err) = cli(args);
    assert!(ok, "unionfed {args:?} failed: {err}");
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fourth_affiliate_joins_a_running_federation_with_the_cli_and_cards_cross_both_ways() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let early = enrol(&net, 0, "Siti Aminah").await;
    let early_card = card(&net, 0, &early).await;
    let root = tempfile::TempDir::new().unwrap();
    let path = |name: &str| root.path().join(name).display().to_string();
    let (lftu, v1, v2, genesis) = (
        path("lftu"),
        path("v1.ufc"),
        path("v2.ufc"),
        path("genesis.ufc"),
    );
    let (p2p, http) = (free_port(), free_port());
    let began = std::time::Instant::now();

    // The new affiliate's IT volunteer sets up a node and sends identity.json.
    let out = cli_ok(&[
        "init",
        "--data-dir",
        &lftu,
        "--affiliate",
        "LFTU",
        "--name",
        "Lao Federation of Trade Unions",
        "--country",
        "LA",
        "--p2p-listen",
        &format!("/ip4/127.0.0.1/tcp/{p2p}"),
        "--http-listen",
        &format!("127.0.0.1:{http}"),
    ]);
    let token = out
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("uf_"))
        .unwrap()
        .to_owned();
    // Without the version that lists it, the node says what to do.
    let (ok, _, err) = cli(&["run", "--data-dir", &lftu]);
    assert!(!ok && err.contains("unionfed charter join"), "{err}");

    // An existing affiliate fetches the version in force, drafts v2 adding
    // LFTU, two of three sign, and one submits it to its node.
    cli_ok(&["charter", "fetch", "--from", &net.url(0, ""), "--out", &v1]);
    let identity = format!("{lftu}/identity.json");
    cli_ok(&[
        "charter", "next", "--from", &v1, "--out", &v2, "--add", &identity,
    ]);
    let dir = |i: usize| net.dir(i).display().to_string();
    let out = cli_ok(&[
        "charter",
        "sign",
        "--data-dir",
        &dir(0),
        &v2,
        "--previous",
        &v1,
    ]);
    assert!(
        out.contains("Still needed") && out.contains("has 1 of the 2"),
        "{out}"
    );
    // The second signer's folder holds v1 as charter.ufc: that counts.
    let out = cli_ok(&["charter", "sign", "--data-dir", &dir(1), &v2]);
    assert!(out.contains("has the signatures it needs"), "{out}");
    let out = cli_ok(&[
        "charter",
        "submit",
        "--to",
        &net.url(0, ""),
        "--token",
        &net.tokens[0],
        &v2,
    ]);
    assert!(out.contains("adopted v2"), "{out}");
    for i in 0..3 {
        wait_for(60, "v2 adopted", || async {
            (charter_version(&net, i).await == 2).then_some(())
        })
        .await;
    }

    // The operator fetches the genesis from another node and confirms its
    // hash out of band. First a mistyped hash: the node refuses to start,
    // says why, and keeps nothing that would change the next start.
    let out = cli_ok(&[
        "charter",
        "fetch",
        "--from",
        &net.url(1, ""),
        "--version",
        "1",
        "--out",
        &genesis,
    ]);
    let hash = out
        .lines()
        .find_map(|l| l.strip_prefix("hash: "))
        .unwrap()
        .to_owned();
    assert_eq!(hash, hex::encode(net.charter.hash()));
    let wrong = "ab".repeat(32);
    cli_ok(&[
        "charter",
        "join",
        "--data-dir",
        &lftu,
        "--charter",
        &v2,
        "--genesis",
        &wrong,
    ]);
    let (ok, _, err) = cli(&["run", "--data-dir", &lftu]);
    assert!(!ok, "a node with the wrong genesis started");
    assert!(
        err.contains("not the confirmed") && err.contains(&wrong),
        "{err}"
    );
    let out = cli_ok(&[
        "charter",
        "join",
        "--data-dir",
        &lftu,
        "--charter",
        &v2,
        "--genesis",
        &hash,
    ]);
    assert!(out.contains("Ready to join"), "{out}");

    let mut node = tokio::process::Command::new(env!("CARGO_BIN_EXE_unionfed"))
        .args(["run", "--data-dir", &lftu])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let url = |p: &str| format!("http://127.0.0.1:{http}{p}");
    let client = reqwest::Client::new();
    let kspi_seq = author_seq(&net.heads(0), "KSPI");
    wait_for(120, "LFTU joined and caught up with KSPI's log", || async {
        let body: Value = client
            .get(url("/api/v1/federation"))
            .bearer_auth(&token)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (body["charter_version"] == 2
            && body["heads"]
                .as_array()?
                .iter()
                .any(|h| h["author"] == "KSPI" && h["seq"].as_u64() >= Some(kspi_seq)))
        .then_some(())
    })
    .await;
    eprintln!(
        "from `unionfed init` to a joined, caught-up node: {:.1} s",
        began.elapsed().as_secs_f64()
    );

    // A card issued before LFTU joined verifies at LFTU ...
    let verdict: Value = client
        .post(url("/api/v1/cards/verify"))
        .json(&json!({ "card": early_card }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["issuer"], "KSPI");
    // ... and one LFTU issues verifies at the founders'.
    let created: Value = client
        .post(url("/api/v1/members"))
        .bearer_auth(&token)
        .json(&json!({ "holder_name": "Khamla Vongsa", "origin_country": "LA", "destination_country": "TH" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let member = created["id"].as_str().unwrap().to_owned();
    let issued: Value = client
        .get(url(&format!("/api/v1/members/{member}/card")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = issued["card"].as_str().unwrap().to_owned();
    for i in [0, 2] {
        let verdict = wait_for(60, "LFTU's attestation replicated", || async {
            let v = verify(&net, i, &text).await;
            (v["valid"] == true).then_some(v)
        })
        .await;
        assert_eq!(verdict["issuer"], "LFTU");
    }
    // The joined node keeps its chain: a restart needs no genesis check
    // from peers and holds v2 at once.
    node.kill().await.unwrap();
    node.wait().await.unwrap();
    let (ok, _, err) = cli(&[
        "charter",
        "join",
        "--data-dir",
        &lftu,
        "--charter",
        &v2,
        "--genesis",
        &hash,
    ]);
    assert!(!ok && err.contains("holds charter v2"), "{err}");
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_started_with_the_next_signed_version_in_its_folder_adopts_it() {
    use unionfed_protocol::CharterDocument;
    let mut net = TestNet::new(3).await;
    net.stop(2).await;
    let mut v2 = net.charter.charter().unwrap();
    v2.version = 2;
    v2.previous = Some(net.charter.hash());
    v2.issued_at = unionfed_node::node::now();
    v2.threshold = 3;
    let mut doc = CharterDocument::draft(&v2).unwrap();
    for i in [0, 2] {
        let key = unionfed_node::identity::NodeKeys::load(net.dir(i))
            .unwrap()
            .signing;
        doc.sign(&net.configs[i].affiliate, &key);
    }
    // The operator copies the signed v2 into the folder of a stopped node:
    // it starts with v2, before any peer could tell it.
    let file = net.dir(2).join("charter.ufc");
    unionfed_node::setup::write_charter(&file, &doc).unwrap();
    net.start(2).await;
    assert_eq!(charter_version(&net, 2).await, 2);
    // A file that does not follow the version held is left alone.
    let mut v3 = v2.clone();
    v3.version = 3;
    v3.previous = Some([9; 32]);
    unionfed_node::setup::write_charter(&file, &CharterDocument::draft(&v3).unwrap()).unwrap();
    net.stop(2).await;
    net.start(2).await;
    assert_eq!(charter_version(&net, 2).await, 2);
    net.shutdown().await;
}

/// Members over time. A member whose dues are recorded for the next year
/// is renewed: the card she already carries stays good and its verdict at
/// another affiliate says until when she is now a member. Dues that
/// overlap what was paid, or that end before they start, are refused and
/// change nothing. A member who pays nothing is listed as due, stays
/// active through the grace period (the verdict says the renewal is
/// overdue), lapses once it is over on a moved clock, with a verdict that
/// says so at the other node, and is active again when she pays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_membership_renewed_by_dues_and_one_lapsed_after_its_grace_show_so_at_another_node() {
    use reqwest::Method;
    use unionfed_node::access::Principal;
    use unionfed_protocol::Timestamp;
    const DAY: u64 = 86_400;
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let siti = enrol(&net, 0, "Siti Rahayu").await;
    let dewi = enrol(&net, 0, "Dewi Lestari").await;
    let siti_card = card(&net, 0, &siti).await;
    let dewi_card = card(&net, 0, &dewi).await;
    let (_, record) = net
        .call(0, Method::GET, &format!("/api/v1/members/{siti}"), None)
        .await;
    let valid_until = record["valid_until"].as_u64().unwrap();
    let since = record["member_since"].as_u64().unwrap();
    let (_, record) = net
        .call(0, Method::GET, &format!("/api/v1/members/{dewi}"), None)
        .await;
    let dewi_until = record["valid_until"].as_u64().unwrap();

    let first = wait_for(60, "Siti's attestation at MTUC", || async {
        let v = verify(&net, 1, &siti_card).await;
        (v["valid"] == true).then_some(v)
    })
    .await;
    assert_eq!(first["member_since"], since);
    assert_eq!(first["valid_until"], valid_until);
    assert!(first["renewed_until"].is_null(), "{first}");

    // Siti pays for the year after her membership runs out.
    let day = |t: u64| unionfed_node::cases::reports::day_string(Timestamp(t));
    let from = day(valid_until);
    let until = day(valid_until + 364 * DAY);
    let dues = |from: &str, until: &str| json!({ "from": from, "until": until, "amount": "MYR 60", "receipt": "R-2027-0113" });
    let (status, renewed) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{siti}/dues"),
            Some(dues(&from, &until)),
        )
        .await;
    assert_eq!(status, 200, "{renewed}");
    let new_until = valid_until / DAY * DAY + 365 * DAY;
    assert_eq!(renewed["valid_until"], new_until, "{renewed}");
    assert_eq!(renewed["status"], "active");
    assert_eq!(renewed["dues_paid_until"], until.as_str());
    assert_eq!(renewed["dues"][0]["receipt"], "R-2027-0113");
    let v = wait_for(60, "the renewal at MTUC", || async {
        let v = verify(&net, 1, &siti_card).await;
        (v["renewed_until"] == new_until).then_some(v)
    })
    .await;
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["valid_until"], new_until);
    assert_eq!(v["member_since"], since, "renewal keeps \"member since\"");

    // Refused, and nothing changes.
    let overlap = day(valid_until + 100 * DAY);
    for (body, says) in [
        (
            dues(&overlap, &day(valid_until + 400 * DAY)),
            "overlaps the one paid",
        ),
        (dues(&until, &from), "before it starts"),
        (dues("2027-02-30", &until), "is not a day"),
        (
            json!({ "from": from, "until": until, "amout": "1" }),
            "amout",
        ),
    ] {
        let (status, e) = net
            .call(
                0,
                Method::POST,
                &format!("/api/v1/members/{siti}/dues"),
                Some(body),
            )
            .await;
        assert_eq!(status, 422, "{e}");
        assert!(e["message"].as_str().unwrap().contains(says), "{e}");
    }
    let (_, after) = net
        .call(0, Method::GET, &format!("/api/v1/members/{siti}"), None)
        .await;
    assert_eq!(after["dues"].as_array().unwrap().len(), 1);
    assert_eq!(after["valid_until"], new_until);

    // Dewi pays nothing. Ten days before her membership runs out she is
    // due for renewal; Siti is not.
    let kspi = net.node(0).state().clone();
    let mtuc = net.node(1).state().clone();
    let due = kspi
        .members()
        .renewals_due(&Principal::AdminToken, Timestamp(valid_until - 10 * DAY))
        .unwrap();
    let listed: Vec<String> = due.iter().map(|d| d.member.id.to_string()).collect();
    assert_eq!(listed, vec![dewi.clone()]);
    assert_eq!(due[0].lapses_at, Timestamp(dewi_until + 60 * DAY));
    // In her grace period she is still a member, overdue.
    let at = |t: u64| Timestamp(t);
    let charter = mtuc.charter().charter.clone();
    let check = |text: &str, t: u64| {
        serde_json::to_value(unionfed_node::card_check::check(
            text,
            &charter,
            mtuc.as_ref(),
            at(t),
        ))
        .unwrap()
    };
    let grace = check(&dewi_card, dewi_until + 30 * DAY);
    assert_eq!(grace["valid"], true, "{grace}");
    assert_eq!(grace["renewal_overdue_since"], dewi_until);
    let lapsing = |t: u64| {
        let kspi = kspi.clone();
        async move {
            kspi.members()
                .lapse_overdue(&Principal::Node, at(t))
                .await
                .unwrap()
        }
    };
    assert_eq!(
        lapsing(dewi_until + 59 * DAY).await,
        0,
        "still in her grace"
    );
    assert_eq!(lapsing(dewi_until + 60 * DAY).await, 1, "Dewi lapses");
    assert_eq!(lapsing(dewi_until + 61 * DAY).await, 0, "once only");
    let (_, lapsed) = net
        .call(0, Method::GET, &format!("/api/v1/members/{dewi}"), None)
        .await;
    assert_eq!(lapsed["status"], "lapsed");
    assert!(
        lapsed["status_reason"]
            .as_str()
            .unwrap()
            .contains("grace of 60 days"),
        "{lapsed}"
    );
    let (_, siti_now) = net
        .call(0, Method::GET, &format!("/api/v1/members/{siti}"), None)
        .await;
    assert_eq!(siti_now["status"], "active", "Siti renewed and stays");
    wait_for(60, "the lapse at MTUC", || async {
        let v = verify(&net, 1, &dewi_card).await;
        (v["status"] == "lapsed").then_some(())
    })
    .await;
    let v = check(&dewi_card, dewi_until + 61 * DAY);
    assert_eq!(v["valid"], false, "{v}");
    assert_eq!(v["problems"][0]["code"], "card_status");
    assert_eq!(v["valid_until"], dewi_until);

    // She pays for the year after her membership ran out: active again,
    // and her card with her.
    let (status, back) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{dewi}/dues"),
            Some(dues(&day(dewi_until), &day(dewi_until + 364 * DAY))),
        )
        .await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(back["status"], "active");
    let v = wait_for(60, "Dewi active again at MTUC", || async {
        let v = verify(&net, 1, &dewi_card).await;
        (v["valid"] == true).then_some(v)
    })
    .await;
    assert_eq!(v["status"], "active");
    net.shutdown().await;
}

/// A store from before renewals existed holds memberships whose validity
/// ran out with no way to renew them: they get their full grace period
/// from the day this release first ran, not a lapse at the first start.
/// A membership lapsed for another reason (it moved to another union) is
/// not brought back by dues.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memberships_that_ran_out_before_renewals_existed_get_their_grace_from_then() {
    use reqwest::Method;
    use unionfed_node::access::Principal;
    use unionfed_protocol::Timestamp;
    const DAY: u64 = 86_400;
    let mut net = TestNet::new(2).await;
    let old = enrol(&net, 0, "Ratna Sari").await;
    let moved = enrol(&net, 0, "Yuni Astuti").await;
    let now = unionfed_node::node::now().secs();
    // As release 0.1 left her: enrolled 400 days ago, never renewed.
    let id: unionfed_protocol::MemberId = old.parse().unwrap();
    let mut record = net
        .node(0)
        .state()
        .members()
        .member_view(&Principal::Node, &id)
        .unwrap()
        .record;
    record.valid_until = Timestamp(now - 35 * DAY);
    record.updated_at = Timestamp(now - 400 * DAY);
    net.stop(0).await;
    {
        let store = unionfed_node::storage::Store::open(&net.dir(0).join("store")).unwrap();
        unionfed_node::members::store::put_member(&store, &record).unwrap();
        store.flush_blocking().unwrap();
    }
    net.start(0).await;
    let state = net.node(0).state().clone();
    let lapse = |days: u64| {
        let state = state.clone();
        async move {
            state
                .members()
                .lapse_overdue(&Principal::Node, Timestamp(now + days * DAY))
                .await
                .unwrap()
        }
    };
    assert_eq!(lapse(0).await, 0, "not lapsed at the first start");
    let due = state
        .members()
        .renewals_due(&Principal::AdminToken, Timestamp(now))
        .unwrap();
    assert_eq!(due.len(), 1, "she is listed as overdue");
    assert_eq!(lapse(59).await, 0);
    assert_eq!(
        lapse(61).await,
        1,
        "lapsed when the grace from the upgrade ends"
    );

    // Lapsed because the membership moved: dues are refused, and say why.
    set_status(&net, 0, &moved, "lapsed").await;
    let (status, e) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{moved}/dues"),
            Some(json!({ "from": "2029-01-01", "until": "2029-12-31" })),
        )
        .await;
    assert_eq!(status, 422, "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("another reason"),
        "{e}"
    );
    net.shutdown().await;
}
