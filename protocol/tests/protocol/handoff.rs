use crate::fixture::{Federation, T0};
use proptest::prelude::*;
use unionfed_protocol::{
    HandoffId, HandoffKind, HandoffSeal, ProtocolError, Receipt, Signed, SignedHandoff,
    SignedReceipt, Timestamp,
};

const PAYLOAD: &[u8] = b"{\"name\":\"Siti Rahayu\",\"employer\":\"PT Contoh\"}";

fn sealed(fed: &Federation) -> SignedHandoff {
    let (kspi, mtuc) = (fed.get("KSPI"), fed.get("MTUC"));
    HandoffSeal {
        id: HandoffId::from_bytes([8; 16]),
        sender: kspi.id.clone(),
        recipient: mtuc.id.clone(),
        kind: HandoffKind::MEMBER_TRANSFER,
        created_at: T0,
        recipient_key: &mtuc.enc.public(),
        plaintext: PAYLOAD,
    }
    .seal(&kspi.key)
    .unwrap()
}

#[test]
fn the_recipient_opens_what_was_sealed_to_it() {
    let fed = Federation::new(3);
    let handoff = sealed(&fed).verify(&fed.charter).unwrap();
    let mtuc = fed.get("MTUC");
    assert_eq!(handoff.open(&mtuc.id, &mtuc.enc).unwrap(), PAYLOAD);
    assert!(
        !handoff.ciphertext.windows(4).any(|w| w == b"Siti"),
        "plaintext visible in ciphertext"
    );
}

#[test]
fn another_affiliate_cannot_open_it() {
    let fed = Federation::new(3);
    let handoff = sealed(&fed).verify(&fed.charter).unwrap();
    let ntuc = fed.get("NTUC-PHL");
    assert!(matches!(
        handoff.open(&ntuc.id, &ntuc.enc),
        Err(ProtocolError::HandoffNotForUs { .. })
    ));
    // Even pretending to be the recipient, its key does not open it.
    assert!(matches!(
        handoff.open(&fed.get("MTUC").id, &ntuc.enc),
        Err(ProtocolError::HandoffOpen { .. })
    ));
}

#[test]
fn a_re_addressed_handoff_does_not_open() {
    let fed = Federation::new(3);
    let mut handoff = sealed(&fed).verify(&fed.charter).unwrap();
    // A relay re-signs the envelope after changing the recipient or kind: the
    // associated data no longer matches.
    handoff.recipient = fed.get("NTUC-PHL").id.clone();
    let ntuc = fed.get("NTUC-PHL");
    assert!(matches!(
        handoff.open(&ntuc.id, &ntuc.enc),
        Err(ProtocolError::HandoffOpen { .. })
    ));
    let mut handoff = sealed(&fed).verify(&fed.charter).unwrap();
    handoff.kind = HandoffKind::CASE_REFERRAL;
    let mtuc = fed.get("MTUC");
    assert!(matches!(
        handoff.open(&mtuc.id, &mtuc.enc),
        Err(ProtocolError::HandoffOpen { .. })
    ));
}

#[test]
fn the_receipt_names_exactly_one_envelope() {
    let fed = Federation::new(3);
    let signed = sealed(&fed);
    let handoff = signed.verify(&fed.charter).unwrap();
    let mtuc = fed.get("MTUC");
    let receipt = Receipt::for_handoff(&signed, &handoff, Timestamp(T0.0 + 5));
    let signed_receipt = SignedReceipt::sign(&receipt, &mtuc.key).unwrap();
    let checked = signed_receipt.verify(&fed.charter).unwrap();
    assert!(checked.acknowledges(&signed, &handoff));

    let other = sealed(&fed);
    assert!(!checked.acknowledges(&other, &other.verify(&fed.charter).unwrap()));
    // A receipt "signed" by the sender on the recipient's behalf is refused.
    let fake = SignedReceipt::sign(&receipt, &fed.get("KSPI").key).unwrap();
    assert!(fake.verify(&fed.charter).is_err());
}

#[test]
fn an_oversized_payload_is_refused() {
    let fed = Federation::new(3);
    let (kspi, mtuc) = (fed.get("KSPI"), fed.get("MTUC"));
    let big = vec![0u8; unionfed_protocol::limits::MAX_HANDOFF_PLAINTEXT_BYTES + 1];
    let result = HandoffSeal {
        id: HandoffId::random(),
        sender: kspi.id.clone(),
        recipient: mtuc.id.clone(),
        kind: HandoffKind::CASE_REFERRAL,
        created_at: T0,
        recipient_key: &mtuc.enc.public(),
        plaintext: &big,
    }
    .seal(&kspi.key);
    assert!(matches!(result, Err(ProtocolError::TooLarge { .. })));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_changed_byte_in_a_handoff_is_caught(byte in any::<prop::sample::Index>(), bit in 0u8..8) {
        let fed = Federation::new(3);
        let signed = sealed(&fed);
        let mut bytes = signed.bytes().to_vec();
        let i = byte.index(bytes.len());
        bytes[i] ^= 1 << bit;
        let tampered: SignedHandoff = Signed::from_parts(signed.signer().clone(), bytes, *signed.signature());
        prop_assert!(tampered.verify(&fed.charter).is_err());

        // Re-signed by the sender (so the envelope verifies), the ciphertext,
        // key or header change still keeps it from opening as the original.
        let sender = fed.get("KSPI");
        if let Ok(mut h) = unionfed_protocol::encoding::decode::<unionfed_protocol::Handoff>("h", tampered.bytes(), 1 << 24) {
            h.sender = sender.id.clone();
            let mtuc = fed.get("MTUC");
            if let Ok(plain) = h.open(&mtuc.id, &mtuc.enc) {
                // Only a change outside the sealed fields (e.g. created_at) may still open.
                prop_assert_eq!(plain, PAYLOAD);
                let original = signed.verify(&fed.charter).unwrap();
                prop_assert_eq!((h.id, h.kind, h.enc, h.ciphertext), (original.id, original.kind, original.enc, original.ciphertext));
            }
        }
    }
}
