use crate::fixture::{affiliate, charter_of, Federation, T0};
use unionfed_protocol::charter::AffiliateStatus;
use unionfed_protocol::{
    AffiliateSigningKey, CharterDocument, EncryptionSecretKey, NodeRecord, ProtocolError,
    SignedNodeRecord, Timestamp,
};

fn successor(fed: &Federation) -> CharterDocument {
    let mut next = fed.charter.clone();
    next.version = 2;
    next.previous = Some(fed.document.hash());
    next.issued_at = Timestamp(T0.0 + 50);
    next.affiliates[0].name = "Konfederasi Serikat Pekerja Indonesia".into();
    CharterDocument::draft(&next).unwrap()
}

#[test]
fn genesis_needs_every_founding_signature() {
    let fed = Federation::new(3);
    assert_eq!(fed.charter.version, 1);

    let mut doc = CharterDocument::draft(&fed.charter).unwrap();
    doc.sign(&fed.members[0].id, &fed.members[0].key);
    let err = doc.verify_genesis().unwrap_err();
    assert_eq!(
        err.to_string(),
        "charter v1 has 1 of the 3 signatures it needs; missing: MTUC, NTUC-PHL"
    );
}

#[test]
fn successor_is_adopted_when_the_threshold_signs() {
    let fed = Federation::new(3);
    let mut doc = successor(&fed);
    doc.sign(&fed.members[0].id, &fed.members[0].key);
    let err = doc
        .verify_successor(&fed.charter, &fed.document.hash())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "charter v2 has 1 of the 2 signatures it needs; missing: MTUC, NTUC-PHL"
    );
    doc.sign(&fed.members[2].id, &fed.members[2].key);
    let v2 = doc
        .verify_successor(&fed.charter, &fed.document.hash())
        .unwrap();
    assert_eq!(v2.version, 2);
}

#[test]
fn duplicate_signatures_count_once() {
    let fed = Federation::new(3);
    let mut doc = successor(&fed);
    let kspi = &fed.members[0];
    let sig = doc.signature_by(&kspi.key);
    doc.signatures
        .push(unionfed_protocol::charter::CharterSigner {
            affiliate: kspi.id.clone(),
            signature: sig,
        });
    doc.signatures
        .push(unionfed_protocol::charter::CharterSigner {
            affiliate: kspi.id.clone(),
            signature: sig,
        });
    assert!(matches!(
        doc.verify_successor(&fed.charter, &fed.document.hash()),
        Err(ProtocolError::CharterThreshold {
            have: 1,
            need: 2,
            ..
        })
    ));
}

#[test]
fn signatures_from_suspended_or_unknown_affiliates_are_ignored() {
    let mut fed = Federation::new(3);
    fed.charter.affiliates[1].status = AffiliateStatus::Suspended;
    let mut doc = successor(&fed);
    doc.sign(&fed.members[0].id, &fed.members[0].key);
    doc.sign(&fed.members[1].id, &fed.members[1].key);
    let outsider = affiliate("ROGUE", 77);
    doc.sign(&outsider.id, &outsider.key);
    let err = doc
        .verify_successor(&fed.charter, &fed.document.hash())
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "charter v2 has 1 of the 2 signatures it needs; missing: NTUC-PHL"
    );
}

#[test]
fn a_signature_by_the_wrong_key_does_not_count() {
    let fed = Federation::new(3);
    let mut doc = successor(&fed);
    doc.sign(&fed.members[0].id, &fed.members[0].key);
    doc.sign(
        &fed.members[1].id,
        &AffiliateSigningKey::from_seed(&[9; 32]),
    );
    assert!(matches!(
        doc.verify_successor(&fed.charter, &fed.document.hash()),
        Err(ProtocolError::CharterThreshold { have: 1, .. })
    ));
}

#[test]
fn only_the_direct_successor_is_accepted() {
    let fed = Federation::new(3);
    // The held version offered again.
    assert!(matches!(
        fed.document
            .verify_successor(&fed.charter, &fed.document.hash()),
        Err(ProtocolError::CharterNotNext {
            offered: 1,
            held: 1,
            expected: 2
        })
    ));
    // A v2 that names another predecessor.
    let mut forked = fed.charter.clone();
    forked.version = 2;
    forked.previous = Some([1; 32]);
    let mut doc = CharterDocument::draft(&forked).unwrap();
    for m in &fed.members {
        doc.sign(&m.id, &m.key);
    }
    assert!(matches!(
        doc.verify_successor(&fed.charter, &fed.document.hash()),
        Err(ProtocolError::CharterPredecessor { .. })
    ));
}

#[test]
fn a_tampered_charter_loses_its_signatures() {
    let fed = Federation::new(3);
    let mut bytes = postcard::to_stdvec(&fed.document).unwrap();
    // Flip a byte inside the federation name, which sits near the start.
    let at = bytes.iter().position(|b| *b == b'T').unwrap();
    bytes[at] = b'X';
    let doc: CharterDocument = postcard::from_bytes(&bytes).unwrap();
    assert!(matches!(
        doc.verify_genesis(),
        Err(ProtocolError::CharterThreshold { have: 0, .. })
    ));
}

#[test]
fn malformed_charters_are_refused_with_a_reason() {
    let fed = Federation::new(3);
    let mut c = fed.charter.clone();
    c.threshold = 4;
    assert!(CharterDocument::draft(&c)
        .unwrap_err()
        .to_string()
        .contains("threshold 4"));
    let mut c = fed.charter.clone();
    c.affiliates.push(c.affiliates[0].clone());
    assert!(CharterDocument::draft(&c)
        .unwrap_err()
        .to_string()
        .contains("KSPI twice"));
    let mut c = fed.charter.clone();
    c.version = 2;
    assert!(
        CharterDocument::draft(&c).is_err(),
        "v2 without a predecessor"
    );
}

#[test]
fn node_records_are_signed_by_their_affiliate_and_the_newest_serial_wins() {
    let members = vec![affiliate("KSPI", 1), affiliate("MTUC", 2)];
    let record = |serial: u64, enc: &EncryptionSecretKey| NodeRecord {
        affiliate: members[0].id.clone(),
        serial,
        peer_id: vec![0, 36, 8, 1, 18, 32, serial as u8],
        addresses: vec!["/ip4/127.0.0.1/tcp/4100".into()],
        encryption_key: enc.public(),
        issued_at: T0,
        valid_from: T0,
        valid_until: None,
    };
    let (old_enc, new_enc) = (
        EncryptionSecretKey::generate(),
        EncryptionSecretKey::generate(),
    );
    let mut charter = charter_of(&members, 1, None, 1);
    charter.affiliates[0].nodes = vec![
        SignedNodeRecord::sign(&record(1, &old_enc), &members[0].key).unwrap(),
        SignedNodeRecord::sign(&record(2, &new_enc), &members[0].key).unwrap(),
    ];
    let mut doc = CharterDocument::draft(&charter).unwrap();
    for m in &members {
        doc.sign(&m.id, &m.key);
    }
    let charter = doc.verify_genesis().unwrap();
    let kspi = &charter.affiliates[0];
    assert_eq!(kspi.encryption_key_at(T0).unwrap(), new_enc.public());
    assert_eq!(
        kspi.encryption_key_at(Timestamp(T0.0 - 1)).unwrap(),
        kspi.encryption_key
    );

    // A record signed by another affiliate makes the charter malformed.
    let mut bad = charter.clone();
    bad.affiliates[0].nodes = vec![
        SignedNodeRecord::sign(&record(3, &old_enc), &members[1].key)
            .map(|s| {
                unionfed_protocol::Signed::from_parts(
                    members[0].id.clone(),
                    s.bytes().to_vec(),
                    *s.signature(),
                )
            })
            .unwrap(),
    ];
    assert!(CharterDocument::draft(&bad).is_err());
}

#[test]
fn truncated_charters_fail_to_decode() {
    let fed = Federation::new(3);
    let bytes = postcard::to_stdvec(&fed.document).unwrap();
    for cut in 0..bytes.len() {
        let decoded = unionfed_protocol::encoding::decode::<CharterDocument>(
            "charter",
            &bytes[..cut],
            1 << 20,
        );
        assert!(decoded.is_err(), "cut at {cut} decoded");
    }
}
