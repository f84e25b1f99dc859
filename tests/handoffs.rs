//! Handoffs between real nodes: sealed to one affiliate, delivered once,
//! receipted after they are on disk, retried until they arrive.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod testnet;

use testnet::{wait_for, TestNet};
use unionfed_protocol::wire::{HandoffRequest, HandoffResponse};
use unionfed_protocol::{AffiliateId, HandoffId, HandoffKind, Signed, SignedHandoff};

const PAYLOAD: &[u8] = b"{\"holder_name\":\"Siti Rahayu\",\"employer\":\"PT Contoh\"}";

fn code(net: &TestNet, i: usize) -> AffiliateId {
    net.configs[i].affiliate.clone()
}

async fn receipted(net: &TestNet, sender: usize, id: HandoffId) {
    wait_for(60, "the receipt", || async {
        let item = net.node(sender).state().outbox_item(&id).unwrap().unwrap();
        item.receipt.map(|_| ())
    })
    .await;
}

fn sealed(net: &TestNet, sender: usize, id: HandoffId) -> SignedHandoff {
    net.node(sender)
        .state()
        .outbox_item(&id)
        .unwrap()
        .unwrap()
        .handoff
}

/// Node 0 delivers its sealed handoff `id` to node 1 once more.
async fn deliver_again(net: &TestNet, id: HandoffId) -> HandoffResponse {
    net.node(0)
        .state()
        .network
        .handoff(
            net.node(1).peer_id(),
            HandoffRequest::Deliver(sealed(net, 0, id)),
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handoff_arrives_once_and_is_receipted() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let id = net
        .node(0)
        .state()
        .send_handoff(&code(&net, 1), HandoffKind::MEMBER_TRANSFER, PAYLOAD)
        .await
        .unwrap();
    receipted(&net, 0, id).await;
    let mtuc = net.node(1).state();
    assert_eq!(mtuc.inbox_len(), 1);
    assert_eq!(mtuc.open_received(&id).unwrap(), PAYLOAD);
    assert_eq!(net.node(2).state().inbox_len(), 0);
    // The payload is no transfer file: receipted, kept, and the trail says
    // it was not applied and why, under the sender's name.
    let trail: Vec<_> = mtuc
        .audit_newest_first()
        .map(|r| r.unwrap())
        .filter(|r| r.target == id.to_string())
        .collect();
    let actions: Vec<_> = trail.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        ["handoff_not_applied", "handoff_received"],
        "{trail:?}"
    );
    assert!(
        trail.iter().all(|r| r.actor == "affiliate KSPI"),
        "{trail:?}"
    );
    assert!(
        trail[0]
            .detail
            .as_deref()
            .unwrap()
            .starts_with("member transfer: "),
        "{trail:?}"
    );

    // The same handoff delivered again: the same receipt, one effect.
    let again = deliver_again(&net, id).await;
    let first = net
        .node(0)
        .state()
        .outbox_item(&id)
        .unwrap()
        .unwrap()
        .receipt
        .unwrap();
    assert_eq!(again, HandoffResponse::Receipt(first.clone()));
    assert_eq!(mtuc.inbox_len(), 1);

    // Kept as it came for 30 days, for an operator to look at; then its
    // sealed contents go, and a delivery again still gets the same receipt
    // and applies nothing.
    let retention = |days: u64| {
        let state = mtuc.clone();
        async move {
            let at =
                unionfed_protocol::Timestamp(unionfed_node::node::now().secs() + days * 86_400);
            unionfed_node::retention::run_as_of(
                &state,
                &unionfed_node::access::Principal::AdminToken,
                at,
            )
            .await
            .unwrap()
        }
    };
    let held = |r: &unionfed_node::retention::RetentionRun| {
        r.kinds
            .iter()
            .find(|k| k.kind == "unapplied_handoffs")
            .map(|k| (k.purged, k.due_soon))
            .unwrap()
    };
    assert_eq!(held(&retention(29).await), (0, 1));
    assert_eq!(mtuc.open_received(&id).unwrap(), PAYLOAD);
    assert_eq!(held(&retention(31).await).0, 1);
    let gone = mtuc.open_received(&id).unwrap_err().to_string();
    assert!(gone.contains("sealed contents were not kept"), "{gone}");
    let again = deliver_again(&net, id).await;
    assert_eq!(again, HandoffResponse::Receipt(first));
    assert_eq!(mtuc.inbox_len(), 1);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handoff_to_a_node_that_is_down_arrives_when_it_returns() {
    let mut net = TestNet::new(2).await;
    net.wait_connected().await;
    net.stop(1).await;
    let id = net
        .node(0)
        .state()
        .send_handoff(&code(&net, 1), HandoffKind::CASE_REFERRAL, PAYLOAD)
        .await
        .unwrap();
    wait_for(60, "a failed attempt", || async {
        let item = net.node(0).state().outbox_item(&id).unwrap().unwrap();
        (item.attempts >= 1).then_some(())
    })
    .await;
    net.start(1).await;
    net.connect_all().await;
    receipted(&net, 0, id).await;
    assert_eq!(net.node(1).state().inbox_len(), 1);
    assert_eq!(net.node(1).state().open_received(&id).unwrap(), PAYLOAD);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_restarted_with_a_handoff_in_its_outbox_still_delivers_it() {
    let mut net = TestNet::new(2).await;
    net.wait_connected().await;
    let mtuc = net.node(1).peer_id();
    net.node(0)
        .state()
        .network
        .set_blocked(mtuc, true)
        .await
        .unwrap();
    let id = net
        .node(0)
        .state()
        .send_handoff(&code(&net, 1), HandoffKind::MEMBER_TRANSFER, PAYLOAD)
        .await
        .unwrap();
    net.stop(0).await;
    net.start(0).await;
    net.connect_all().await;
    receipted(&net, 0, id).await;
    assert_eq!(net.node(1).state().inbox_len(), 1);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misaddressed_forged_tampered_and_outsider_handoffs_are_refused_and_counted() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let kspi = net.node(0).state();
    let id = kspi
        .send_handoff(&code(&net, 1), HandoffKind::MEMBER_TRANSFER, PAYLOAD)
        .await
        .unwrap();
    receipted(&net, 0, id).await;
    let handoff = sealed(&net, 0, id);
    let deliver = |to: usize, h: SignedHandoff| {
        let peer = net.node(to).peer_id();
        async move {
            kspi.network
                .handoff(peer, HandoffRequest::Deliver(h))
                .await
                .unwrap()
        }
    };
    let refused = |r: HandoffResponse| match r {
        HandoffResponse::Refused { message } => message,
        other => panic!("expected a refusal, got {other:?}"),
    };

    // Addressed to MTUC, offered to NTUC-PHL.
    let message = refused(deliver(2, handoff.clone()).await);
    assert!(message.contains("addressed to MTUC"), "{message}");
    // One byte of the envelope changed.
    let mut bytes = handoff.bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let tampered: SignedHandoff =
        Signed::from_parts(handoff.signer().clone(), bytes, *handoff.signature());
    let message = refused(deliver(1, tampered).await);
    assert!(message.contains("does not verify"), "{message}");
    // The ciphertext changed and the envelope re-signed by the sender: it no longer opens.
    let mut envelope = handoff.decode_unverified().unwrap();
    envelope.id = HandoffId::random();
    envelope.ciphertext[0] ^= 1;
    let keys = unionfed_node::identity::NodeKeys::load(net.dir(0)).unwrap();
    let resealed = SignedHandoff::sign(&envelope, &keys.signing).unwrap();
    let message = refused(deliver(1, resealed).await);
    assert!(message.contains("could not be opened"), "{message}");

    // Signed by an affiliate that is not in the charter.
    let mut outsider = handoff.decode_unverified().unwrap();
    outsider.sender = "ROGUE".parse().unwrap();
    outsider.id = HandoffId::random();
    let forged = SignedHandoff::sign(
        &outsider,
        &unionfed_protocol::AffiliateSigningKey::generate(),
    )
    .unwrap();
    let message = refused(deliver(1, forged).await);
    assert!(
        message.contains("ROGUE") && message.contains("not an affiliate"),
        "{message}"
    );

    assert_eq!(net.node(2).state().inbox_len(), 0);
    assert_eq!(net.node(1).state().inbox_len(), 1);
    assert_eq!(net.metric(2, "unionfed_handoffs_refused_total").await, 1);
    assert_eq!(net.metric(1, "unionfed_handoffs_refused_total").await, 3);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handoff_left_with_a_third_affiliate_reaches_the_recipient_while_the_sender_is_down() {
    let mut net = TestNet::new(3).await;
    net.wait_connected().await;
    net.stop(1).await;
    let id = net
        .node(0)
        .state()
        .send_handoff(&code(&net, 1), HandoffKind::MEMBER_TRANSFER, PAYLOAD)
        .await
        .unwrap();
    // MTUC is away: KSPI leaves a copy with NTUC-PHL ...
    wait_for(60, "a copy held by NTUC-PHL", || async {
        let item = net.node(0).state().outbox_item(&id).unwrap().unwrap();
        let held = net.node(2).state().relay_item(&id).unwrap();
        (item.deposited_with == vec![code(&net, 2)] && held.is_some()).then_some(())
    })
    .await;
    // ... which cannot read it.
    let copy = net.node(2).state().relay_item(&id).unwrap().unwrap();
    let envelope = copy.handoff.decode_unverified().unwrap();
    let ntuc = unionfed_node::identity::NodeKeys::load(net.dir(2)).unwrap();
    assert!(envelope.open(&code(&net, 2), &ntuc.encryption).is_err());
    assert!(envelope.open(&code(&net, 1), &ntuc.encryption).is_err());

    // KSPI goes down; MTUC comes back and gets the handoff from NTUC-PHL.
    net.stop(0).await;
    net.start(1).await;
    net.connect_all().await;
    wait_for(60, "MTUC holds the handoff", || async {
        (net.node(1).state().inbox_len() == 1).then_some(())
    })
    .await;
    assert_eq!(net.node(1).state().open_received(&id).unwrap(), PAYLOAD);

    // KSPI returns and gets MTUC's receipt through NTUC-PHL, which drops its copy.
    net.start(0).await;
    net.connect_all().await;
    receipted(&net, 0, id).await;
    wait_for(60, "the copy dropped", || async {
        net.node(2)
            .state()
            .relay_item(&id)
            .unwrap()
            .is_none()
            .then_some(())
    })
    .await;
    assert_eq!(net.node(1).state().inbox_len(), 1);
    net.shutdown().await;
}

/// Tells node `i` where node `peer` listens (as a `peers` entry would).
async fn point(net: &TestNet, i: usize, peer: usize) {
    let addresses = wait_for(10, "a listen address", || async {
        let a = net
            .node(peer)
            .state()
            .network
            .listen_addresses()
            .await
            .unwrap();
        (!a.is_empty()).then_some(a)
    })
    .await;
    for a in addresses {
        net.node(i)
            .state()
            .network
            .add_address(net.node(peer).peer_id(), a)
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_only_dials_out_gets_gossip_range_sync_and_handoffs() {
    let mut net = TestNet::prepare(3);
    // MTUC has no listen address at all, and reaches only NTUC-PHL.
    net.configs[1].p2p_listen = Vec::new();
    for i in 0..3 {
        net.start(i).await;
    }
    point(&net, 0, 2).await;
    point(&net, 1, 2).await;
    assert!(net
        .node(1)
        .state()
        .network
        .listen_addresses()
        .await
        .unwrap()
        .is_empty());
    fn seq_at(net: &TestNet, i: usize) -> u64 {
        net.heads(i)
            .into_iter()
            .find(|(author, _)| author == "KSPI")
            .map_or(0, |(_, seq)| seq)
    }
    async fn enrol(net: &TestNet, name: &str) {
        net.create(
            0,
            "/api/v1/members",
            serde_json::json!({ "holder_name": name, "origin_country": "ID", "destination_country": "MY" }),
        )
        .await;
    }
    // Gossip: KSPI's attestation reaches MTUC through NTUC-PHL.
    enrol(&net, "Siti Rahayu").await;
    wait_for(60, "MTUC holds KSPI's entry", || async {
        (seq_at(&net, 1) >= 1).then_some(())
    })
    .await;

    // Range sync: MTUC was away while KSPI enrolled more; it catches up
    // over the connection it makes when it returns.
    net.stop(1).await;
    enrol(&net, "Dewi Lestari").await;
    enrol(&net, "Rina Wati").await;
    let target = seq_at(&net, 0);
    net.start(1).await;
    point(&net, 1, 2).await;
    wait_for(60, "MTUC caught up with KSPI", || async {
        (seq_at(&net, 1) >= target).then_some(())
    })
    .await;

    // A handoff: KSPI cannot reach MTUC and leaves it with NTUC-PHL, which
    // passes it on over MTUC's outbound connection; the receipt comes back.
    let id = net
        .node(0)
        .state()
        .send_handoff(&code(&net, 1), HandoffKind::MEMBER_TRANSFER, PAYLOAD)
        .await
        .unwrap();
    wait_for(60, "MTUC holds the handoff", || async {
        (net.node(1).state().inbox_len() == 1).then_some(())
    })
    .await;
    assert_eq!(net.node(1).state().open_received(&id).unwrap(), PAYLOAD);
    receipted(&net, 0, id).await;
    let item = net.node(0).state().outbox_item(&id).unwrap().unwrap();
    assert_eq!(item.deposited_with, vec![code(&net, 2)]);
    net.shutdown().await;
}
