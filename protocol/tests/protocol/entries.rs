use crate::fixture::{attestation, chain, Federation, T0};
use proptest::prelude::*;
use unionfed_protocol::entry::{
    extend_chain, Body, CharterSignature, Head, MemberErasure, RepresentationCommitment,
    RepresentationEnd, RepresentationEndReason,
};
use unionfed_protocol::{
    AffiliateSigningKey, Entry, Equivocation, MemberId, MemberStatus, ProtocolError, Seq,
    SignatureBytes, Signed, SignedEntry, Timestamp,
};

#[test]
fn every_body_kind_round_trips_through_signing_and_verification() {
    let fed = Federation::new(3);
    let kspi = fed.get("KSPI");
    let member = MemberId::random();
    let bodies = vec![
        attestation(member, MemberStatus::Revoked),
        Body::Representation(RepresentationCommitment {
            member,
            home: "NTUC-PHL".parse().unwrap(),
            from: T0,
            until: None,
        }),
        Body::RepresentationEnd(RepresentationEnd {
            member,
            home: "NTUC-PHL".parse().unwrap(),
            representing: "KSPI".parse().unwrap(),
            ended: T0,
            reason: RepresentationEndReason::ReturnedHome,
        }),
        Body::CharterSignature(CharterSignature {
            version: 1,
            charter_hash: fed.document.hash(),
            signature: fed.document.signature_by(&kspi.key),
        }),
        Body::MemberErasure(MemberErasure {
            member,
            revoked_at: Seq::new(7).unwrap(),
        }),
        Body::Unknown {
            kind: 999,
            payload: vec![1, 2, 3],
        },
    ];
    for body in bodies {
        let entry = Entry {
            author: kspi.id.clone(),
            seq: Seq::FIRST,
            prev: None,
            time: T0,
            body,
        };
        let signed = SignedEntry::sign(&entry, &kspi.key).unwrap();
        assert_eq!(signed.verify(&fed.charter).unwrap(), entry);
        assert_eq!(signed.verify_with(&kspi.key.public()).unwrap(), entry);
    }
}

#[test]
fn an_unknown_body_kind_is_kept_byte_for_byte() {
    let fed = Federation::new(3);
    let kspi = fed.get("KSPI");
    let entry = Entry {
        author: kspi.id.clone(),
        seq: Seq::FIRST,
        prev: None,
        time: T0,
        body: Body::Unknown {
            kind: 4000,
            payload: b"a later kind".to_vec(),
        },
    };
    let signed = SignedEntry::sign(&entry, &kspi.key).unwrap();
    let relayed: SignedEntry = Signed::from_parts(
        signed.signer().clone(),
        signed.bytes().to_vec(),
        *signed.signature(),
    );
    let decoded = relayed.verify(&fed.charter).unwrap();
    assert_eq!(decoded.body.kind(), 4000);
    assert_eq!(relayed.hash(), signed.hash());
}

#[test]
fn an_entry_signed_by_another_affiliate_is_refused() {
    let fed = Federation::new(3);
    let (kspi, mtuc) = (fed.get("KSPI"), fed.get("MTUC"));
    let entry = &chain(kspi, 1)[0];
    // MTUC signs KSPI's bytes and claims to be the signer: decoded author differs.
    let forged: SignedEntry = Signed::from_parts(
        mtuc.id.clone(),
        entry.bytes().to_vec(),
        SignatureBytes(ed25519_sign(&mtuc.key, "unionfed/entry/v1", entry.bytes())),
    );
    assert!(matches!(
        forged.verify(&fed.charter),
        Err(ProtocolError::SignerMismatch { .. })
    ));
    // KSPI's signature relabelled as MTUC's does not verify.
    let relabelled: SignedEntry =
        Signed::from_parts(mtuc.id.clone(), entry.bytes().to_vec(), *entry.signature());
    assert!(matches!(
        relabelled.verify(&fed.charter),
        Err(ProtocolError::BadSignature { .. })
    ));
}

/// Signs a domain-separated message the way the crate does, from outside it.
fn ed25519_sign(key: &AffiliateSigningKey, tag: &str, bytes: &[u8]) -> [u8; 64] {
    use ed25519_dalek::Signer;
    let sk = ed25519_dalek::SigningKey::from_bytes(&key.seed());
    sk.sign(&unionfed_protocol::signed::signing_message(tag, bytes))
        .to_bytes()
}

#[test]
fn a_signature_for_one_kind_cannot_pass_as_another() {
    let fed = Federation::new(3);
    let kspi = fed.get("KSPI");
    let entry = &chain(kspi, 1)[0];
    let sig = ed25519_sign(&kspi.key, "unionfed/node-record/v1", entry.bytes());
    let wrong_tag: SignedEntry =
        Signed::from_parts(kspi.id.clone(), entry.bytes().to_vec(), SignatureBytes(sig));
    assert!(matches!(
        wrong_tag.verify(&fed.charter),
        Err(ProtocolError::BadSignature { .. })
    ));
}

#[test]
fn an_unknown_author_is_refused_with_its_name() {
    let fed = Federation::new(3);
    let outsider = crate::fixture::affiliate("ROGUE", 99);
    let entry = &chain(&outsider, 1)[0];
    let err = entry.verify(&fed.charter).unwrap_err();
    assert!(err.to_string().contains("ROGUE"), "{err}");
}

#[test]
fn chains_must_be_contiguous_and_linked() {
    let fed = Federation::new(3);
    let kspi = fed.get("KSPI");
    let entries = chain(kspi, 3);
    let decoded: Vec<Entry> = entries
        .iter()
        .map(|e| e.verify(&fed.charter).unwrap())
        .collect();

    let mut head: Option<Head> = None;
    for (e, s) in decoded.iter().zip(&entries) {
        head = Some(extend_chain(head.as_ref(), e, s.hash()).unwrap());
    }
    assert_eq!(head.unwrap().seq.get(), 3);

    // A gap: #3 straight after #1.
    let h1 = extend_chain(None, &decoded[0], entries[0].hash()).unwrap();
    assert!(matches!(
        extend_chain(Some(&h1), &decoded[2], entries[2].hash()),
        Err(ProtocolError::SeqGap { .. })
    ));
    // A log cannot start at #2.
    assert!(matches!(
        extend_chain(None, &decoded[1], entries[1].hash()),
        Err(ProtocolError::SeqGap { .. })
    ));
    // #2 naming a different predecessor.
    let wrong = Head {
        seq: Seq::FIRST,
        hash: entries[2].hash(),
    };
    assert!(matches!(
        extend_chain(Some(&wrong), &decoded[1], entries[1].hash()),
        Err(ProtocolError::PrevMismatch { .. })
    ));
}

#[test]
fn first_entry_must_not_name_a_predecessor_and_later_ones_must() {
    let fed = Federation::new(3);
    let kspi = fed.get("KSPI");
    let bad_first = Entry {
        author: kspi.id.clone(),
        seq: Seq::FIRST,
        prev: Some(chain(kspi, 1)[0].hash()),
        time: T0,
        body: attestation(MemberId::random(), MemberStatus::Active),
    };
    assert!(SignedEntry::sign(&bad_first, &kspi.key).is_err());
    let bad_second = Entry {
        seq: Seq::new(2).unwrap(),
        prev: None,
        ..bad_first
    };
    assert!(SignedEntry::sign(&bad_second, &kspi.key).is_err());
}

#[test]
fn equivocation_is_detected_and_both_entries_are_kept() {
    let fed = Federation::new(3);
    let kspi = fed.get("KSPI");
    let a = &chain(kspi, 1)[0];
    let other = Entry {
        author: kspi.id.clone(),
        seq: Seq::FIRST,
        prev: None,
        time: T0,
        body: attestation(MemberId::random(), MemberStatus::Suspended),
    };
    let b = SignedEntry::sign(&other, &kspi.key).unwrap();
    let evidence = Equivocation::detect(a, &b, &fed.charter).unwrap().unwrap();
    assert_eq!(&evidence.first, a);
    assert_eq!(evidence.second, b);
    let (author, seq) = evidence.verify(&fed.charter).unwrap();
    assert_eq!((author.as_str(), seq.get()), ("KSPI", 1));

    assert!(Equivocation::detect(a, a, &fed.charter).unwrap().is_none());
    let c = &chain(kspi, 2)[1];
    assert!(Equivocation::detect(a, c, &fed.charter).unwrap().is_none());
}

#[test]
fn a_retired_key_keeps_verifying_what_it_signed_while_valid() {
    let mut fed = Federation::new(3);
    let old = fed.members[0].key.public();
    let new_key = AffiliateSigningKey::from_seed(&[42; 32]);
    let rotation = Timestamp(T0.0 + 100);
    fed.charter.affiliates[0].signing_keys = vec![
        unionfed_protocol::KeyPeriod {
            key: old,
            valid_from: Timestamp(0),
            valid_until: Some(rotation),
        },
        unionfed_protocol::KeyPeriod {
            key: new_key.public(),
            valid_from: rotation,
            valid_until: None,
        },
    ];
    let kspi = &fed.members[0];
    let before = &chain(kspi, 1)[0];
    assert!(before.verify(&fed.charter).is_ok());

    let late = Entry {
        author: kspi.id.clone(),
        seq: Seq::FIRST,
        prev: None,
        time: Timestamp(rotation.0 + 1),
        body: attestation(MemberId::random(), MemberStatus::Active),
    };
    // The old key signing after its retirement is refused ...
    let stale = SignedEntry::sign(&late, &kspi.key).unwrap();
    assert!(matches!(
        stale.verify(&fed.charter),
        Err(ProtocolError::KeyNotValidAt { .. })
    ));
    // ... the new key is accepted.
    let fresh = SignedEntry::sign(&late, &new_key).unwrap();
    assert!(fresh.verify(&fed.charter).is_ok());
}

#[test]
fn an_oversized_entry_is_refused_before_verification() {
    let fed = Federation::new(3);
    let kspi = fed.get("KSPI");
    let huge: SignedEntry = Signed::from_parts(
        kspi.id.clone(),
        vec![0; unionfed_protocol::limits::MAX_ENTRY_BYTES + 1],
        SignatureBytes([0; 64]),
    );
    assert!(matches!(
        huge.verify(&fed.charter),
        Err(ProtocolError::TooLarge { .. })
    ));
    let body = Entry {
        author: kspi.id.clone(),
        seq: Seq::FIRST,
        prev: None,
        time: T0,
        body: Body::Unknown {
            kind: 77,
            payload: vec![0; unionfed_protocol::limits::MAX_ENTRY_BYTES],
        },
    };
    assert!(matches!(
        SignedEntry::sign(&body, &kspi.key),
        Err(ProtocolError::TooLarge { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_flipped_bit_in_a_signed_entry_fails_verification(
        byte in any::<prop::sample::Index>(),
        bit in 0u8..8,
        in_signature in any::<bool>(),
    ) {
        let fed = Federation::new(3);
        let entry = &chain(fed.get("KSPI"), 2)[1];
        let mut bytes = entry.bytes().to_vec();
        let mut sig = entry.signature().0;
        if in_signature {
            sig[byte.index(64)] ^= 1 << bit;
        } else {
            let i = byte.index(bytes.len());
            bytes[i] ^= 1 << bit;
        }
        let tampered: SignedEntry = Signed::from_parts(entry.signer().clone(), bytes, SignatureBytes(sig));
        prop_assert!(tampered.verify(&fed.charter).is_err());
    }

    #[test]
    fn any_truncated_entry_fails_to_decode_without_panicking(cut in any::<prop::sample::Index>()) {
        let fed = Federation::new(3);
        let entry = &chain(fed.get("KSPI"), 2)[1];
        let wire = postcard::to_stdvec(entry).unwrap();
        let cut = cut.index(wire.len());
        prop_assert!(unionfed_protocol::encoding::decode::<SignedEntry>("entry", &wire[..cut], 1 << 20).is_err());
        let inner = cut.min(entry.bytes().len() - 1);
        prop_assert!(unionfed_protocol::encoding::decode::<Entry>("entry", &entry.bytes()[..inner], 1 << 20).is_err());
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_entry_decoder(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = unionfed_protocol::encoding::decode::<Entry>("entry", &bytes, 4096);
        let _ = unionfed_protocol::encoding::decode::<SignedEntry>("entry", &bytes, 4096);
    }
}
