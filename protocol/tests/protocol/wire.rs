use crate::fixture::{chain, Federation};
use unionfed_protocol::limits::{MAX_ENTRIES_PER_PAGE, MAX_GOSSIP_MESSAGE_BYTES};
use unionfed_protocol::wire::{
    AuthorHead, GossipMessage, Heads, SyncRequest, SyncResponse, WireMessage,
};
use unionfed_protocol::{ProtocolError, Seq};

#[test]
fn sync_messages_round_trip() {
    let fed = Federation::new(3);
    let entries = chain(fed.get("KSPI"), 3);
    let heads = Heads {
        charter_version: 1,
        heads: vec![AuthorHead {
            author: fed.get("KSPI").id.clone(),
            seq: Seq::new(3).unwrap(),
            hash: entries[2].hash(),
        }],
    };
    let messages = vec![
        SyncResponse::Heads(heads.clone()),
        SyncResponse::Entries {
            entries: entries.clone(),
            more: false,
        },
        SyncResponse::Charters(vec![fed.document.clone()]),
        SyncResponse::Refused {
            message: "busy".into(),
        },
    ];
    for m in messages {
        assert_eq!(SyncResponse::decode(&m.encode().unwrap()).unwrap(), m);
    }
    let requests = vec![
        SyncRequest::Heads(heads),
        SyncRequest::GetRange {
            author: fed.get("MTUC").id.clone(),
            from: Seq::FIRST,
            limit: 500,
        },
        SyncRequest::GetCharters { after: 1 },
    ];
    for m in requests {
        assert_eq!(SyncRequest::decode(&m.encode().unwrap()).unwrap(), m);
    }
    let gossip = GossipMessage::Entry(entries[0].clone());
    assert_eq!(
        GossipMessage::decode(&gossip.encode().unwrap()).unwrap(),
        gossip
    );
}

#[test]
fn range_requests_are_bounded() {
    let fed = Federation::new(3);
    for limit in [0, MAX_ENTRIES_PER_PAGE + 1] {
        let request = SyncRequest::GetRange {
            author: fed.get("MTUC").id.clone(),
            from: Seq::FIRST,
            limit,
        };
        assert!(request.encode().is_err());
        let bytes = postcard::to_stdvec(&request).unwrap();
        let err = SyncRequest::decode(&bytes).unwrap_err();
        assert!(err.to_string().contains("limit"), "{err}");
    }
}

#[test]
fn duplicate_heads_are_refused() {
    let fed = Federation::new(3);
    let entries = chain(fed.get("KSPI"), 1);
    let head = AuthorHead {
        author: fed.get("KSPI").id.clone(),
        seq: Seq::FIRST,
        hash: entries[0].hash(),
    };
    let heads = Heads {
        charter_version: 1,
        heads: vec![head.clone(), head],
    };
    let bytes = postcard::to_stdvec(&SyncRequest::Heads(heads)).unwrap();
    assert!(SyncRequest::decode(&bytes)
        .unwrap_err()
        .to_string()
        .contains("twice"));
}

#[test]
fn oversized_messages_are_refused_before_decoding() {
    let bytes = vec![0u8; MAX_GOSSIP_MESSAGE_BYTES + 1];
    assert!(matches!(
        GossipMessage::decode(&bytes),
        Err(ProtocolError::TooLarge { .. })
    ));
}

#[test]
fn a_length_prefix_larger_than_the_message_is_refused() {
    // Variant 1 (Entries) claiming 2^32 entries in a 7-byte message.
    let bytes = [1u8, 0xff, 0xff, 0xff, 0xff, 0x0f, 0];
    assert!(SyncResponse::decode(&bytes).is_err());
}

#[test]
fn trailing_bytes_are_refused() {
    let mut bytes = SyncRequest::GetCharters { after: 3 }.encode().unwrap();
    bytes.push(0);
    assert!(matches!(
        SyncRequest::decode(&bytes),
        Err(ProtocolError::TrailingBytes { extra: 1, .. })
    ));
}

#[test]
fn every_truncation_of_a_page_fails() {
    let fed = Federation::new(3);
    let page = SyncResponse::Entries {
        entries: chain(fed.get("KSPI"), 3),
        more: true,
    }
    .encode()
    .unwrap();
    for cut in 0..page.len() {
        assert!(SyncResponse::decode(&page[..cut]).is_err(), "cut at {cut}");
    }
}

#[test]
fn handoff_messages_round_trip() {
    use unionfed_protocol::wire::{HandoffRequest, HandoffResponse};
    use unionfed_protocol::{HandoffId, HandoffKind, HandoffSeal, Receipt, SignedReceipt};
    let fed = Federation::new(3);
    let (kspi, mtuc) = (fed.get("KSPI"), fed.get("MTUC"));
    let signed = HandoffSeal {
        id: HandoffId::random(),
        sender: kspi.id.clone(),
        recipient: mtuc.id.clone(),
        kind: HandoffKind::TRANSFER_REQUEST,
        created_at: crate::fixture::T0,
        recipient_key: &mtuc.enc.public(),
        plaintext: b"request",
    }
    .seal(&kspi.key)
    .unwrap();
    let handoff = signed.verify(&fed.charter).unwrap();
    let receipt = SignedReceipt::sign(
        &Receipt::for_handoff(&signed, &handoff, crate::fixture::T0),
        &mtuc.key,
    )
    .unwrap();
    for m in [
        HandoffRequest::Deliver(signed.clone()),
        HandoffRequest::Deposit(signed),
        HandoffRequest::Receipt(receipt.clone()),
    ] {
        assert_eq!(HandoffRequest::decode(&m.encode().unwrap()).unwrap(), m);
    }
    for m in [
        HandoffResponse::Receipt(receipt),
        HandoffResponse::Held {
            handoff: handoff.id,
        },
        HandoffResponse::Noted,
        HandoffResponse::Refused {
            message: "not in the charter".into(),
        },
    ] {
        assert_eq!(HandoffResponse::decode(&m.encode().unwrap()).unwrap(), m);
    }
}

#[test]
fn node_records_round_trip() {
    use unionfed_protocol::{NodeRecord, SignedNodeRecord, Timestamp};
    let fed = Federation::new(3);
    let kspi = fed.get("KSPI");
    let record = NodeRecord {
        affiliate: kspi.id.clone(),
        serial: 7,
        peer_id: vec![0, 36, 8, 1],
        addresses: vec!["/ip4/127.0.0.1/udp/4100/quic-v1".into()],
        encryption_key: kspi.enc.public(),
        issued_at: crate::fixture::T0,
        valid_from: crate::fixture::T0,
        valid_until: Some(Timestamp(crate::fixture::T0.0 + 10)),
    };
    let signed = SignedNodeRecord::sign(&record, &kspi.key).unwrap();
    let wire = postcard::to_stdvec(&signed).unwrap();
    let back: SignedNodeRecord = postcard::from_bytes(&wire).unwrap();
    assert_eq!(back.verify(&fed.charter).unwrap(), record);
    let mut bad = record.clone();
    bad.addresses = vec!["x".repeat(300)];
    assert!(SignedNodeRecord::sign(&bad, &kspi.key).is_err());
}
