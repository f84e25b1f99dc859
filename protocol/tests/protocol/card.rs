use crate::fixture::{Federation, T0};
use std::io::Write;
use unionfed_protocol::card::{self, holder_commitment, CARD_PREFIX};
use unionfed_protocol::entry::{MemberStatus, MembershipAttestation};
use unionfed_protocol::limits::MAX_CARD_COSE_BYTES;
use unionfed_protocol::{
    AffiliateSigningKey, CardClaims, DecodedCard, MemberId, ProtocolError, Timestamp,
};

const DAY: u64 = 86_400;

fn claims() -> CardClaims {
    CardClaims {
        issuer: "KSPI".parse().unwrap(),
        member: MemberId::from_bytes([3; 16]),
        holder_name: "Siti Rahayu".into(),
        salt: [5; 16],
        issued_at: T0,
        expires_at: Timestamp(T0.0 + 365 * DAY),
        representing: vec!["MTUC".parse().unwrap()],
        membership_valid_until: Some(Timestamp(T0.0 + 365 * DAY)),
    }
}

fn now() -> Timestamp {
    Timestamp(T0.0 + DAY)
}

fn base45_of_zlib(data: &[u8]) -> String {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(data).unwrap();
    format!(
        "{CARD_PREFIX}{}",
        unionfed_protocol::base45::encode(&z.finish().unwrap())
    )
}

/// The COSE_Sign1 inside a card string.
fn unpack(text: &str) -> coset::CoseSign1 {
    use coset::TaggedCborSerializable;
    let compressed = base45::decode(&text[4..]).unwrap();
    let mut cose = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::ZlibDecoder::new(&compressed[..]),
        &mut cose,
    )
    .unwrap();
    coset::CoseSign1::from_tagged_slice(&cose).unwrap()
}

#[test]
fn a_valid_card_verifies_and_fits_a_qr_code() {
    let fed = Federation::new(3);
    let text = card::issue(&claims(), &fed.get("KSPI").key).unwrap();
    assert!(text.starts_with("UF1:"));
    assert!(text.len() < 600, "card is {} characters", text.len());
    let decoded = DecodedCard::decode(&text).unwrap();
    assert_eq!(decoded.verify(&fed.charter, now()).unwrap(), claims());

    let svg = unionfed_protocol::qr::svg(&text, 256).unwrap();
    assert!(svg.contains("<svg"));
    let png = unionfed_protocol::qr::png(&text, 4).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}

/// A card of release 0.1 has no "membership valid until" claim; it still
/// verifies, and says nothing about renewal.
#[test]
fn a_card_without_the_membership_claim_verifies() {
    let fed = Federation::new(3);
    let old = CardClaims {
        membership_valid_until: None,
        ..claims()
    };
    let text = card::issue(&old, &fed.get("KSPI").key).unwrap();
    let decoded = DecodedCard::decode(&text).unwrap();
    assert_eq!(decoded.verify(&fed.charter, now()).unwrap(), old);
}

#[test]
fn the_holder_commitment_matches_only_the_same_holder() {
    let c = claims();
    let att = |commitment| MembershipAttestation {
        member: c.member,
        status: MemberStatus::Active,
        member_since: T0,
        valid_until: Timestamp(T0.0 + 365 * DAY),
        holder_commitment: commitment,
    };
    assert_eq!(
        c.check_attestation(Some(&att(c.holder_commitment()))),
        Ok(())
    );
    let other = holder_commitment(&c.issuer, &c.member, &c.salt, "Siti Rahayu ");
    assert_eq!(
        c.check_attestation(Some(&att(other))),
        Err(ProtocolError::CardHolderMismatch)
    );
    let revoked = MembershipAttestation {
        status: MemberStatus::Revoked,
        ..att(c.holder_commitment())
    };
    assert_eq!(
        c.check_attestation(Some(&revoked)),
        Err(ProtocolError::CardStatus {
            status: MemberStatus::Revoked
        })
    );
    assert!(matches!(
        c.check_attestation(None),
        Err(ProtocolError::CardNoAttestation { .. })
    ));
}

#[test]
fn an_expired_card_fails() {
    let fed = Federation::new(3);
    let text = card::issue(&claims(), &fed.get("KSPI").key).unwrap();
    let later = Timestamp(T0.0 + 400 * DAY);
    assert!(matches!(
        DecodedCard::decode(&text)
            .unwrap()
            .verify(&fed.charter, later),
        Err(ProtocolError::CardExpired { .. })
    ));
}

#[test]
fn a_card_signed_with_the_wrong_key_fails() {
    let fed = Federation::new(3);
    let text = card::issue(&claims(), &AffiliateSigningKey::from_seed(&[66; 32])).unwrap();
    assert!(matches!(
        DecodedCard::decode(&text)
            .unwrap()
            .verify(&fed.charter, now()),
        Err(ProtocolError::BadSignature { .. })
    ));
    // Signed by another affiliate's real key.
    let text = card::issue(&claims(), &fed.get("MTUC").key).unwrap();
    assert!(matches!(
        DecodedCard::decode(&text)
            .unwrap()
            .verify(&fed.charter, now()),
        Err(ProtocolError::BadSignature { .. })
    ));
}

#[test]
fn a_card_from_an_unknown_issuer_fails() {
    let fed = Federation::new(3);
    let mut c = claims();
    c.issuer = "ROGUE".parse().unwrap();
    let text = card::issue(&c, &fed.get("KSPI").key).unwrap();
    assert!(matches!(
        DecodedCard::decode(&text)
            .unwrap()
            .verify(&fed.charter, now()),
        Err(ProtocolError::UnknownSigner { .. })
    ));
}

#[test]
fn a_tampered_claim_fails() {
    use coset::{CborSerializable, TaggedCborSerializable};
    let fed = Federation::new(3);
    let text = card::issue(&claims(), &fed.get("KSPI").key).unwrap();
    // Unpack, swap the holder name in the payload, pack again unsigned.
    let mut sign1 = unpack(&text);
    let mut set = coset::cwt::ClaimsSet::from_slice(sign1.payload.as_ref().unwrap()).unwrap();
    for (name, value) in &mut set.rest {
        if *name == coset::cwt::ClaimName::PrivateUse(card::CLAIM_HOLDER_NAME) {
            *value = coset::cbor::value::Value::Text("Someone Else".into());
        }
    }
    sign1.payload = Some(set.to_vec().unwrap());
    let forged = base45_of_zlib(&sign1.to_tagged_vec().unwrap());
    let decoded = DecodedCard::decode(&forged).unwrap();
    assert_eq!(decoded.claims_unverified().holder_name, "Someone Else");
    assert!(matches!(
        decoded.verify(&fed.charter, now()),
        Err(ProtocolError::BadSignature { .. })
    ));
}

#[test]
fn a_bad_prefix_fails() {
    assert!(matches!(
        DecodedCard::decode("HC1:NCFOXN%TS3DH"),
        Err(ProtocolError::CardPrefix { .. })
    ));
    assert!(matches!(
        DecodedCard::decode(""),
        Err(ProtocolError::CardPrefix { .. })
    ));
}

#[test]
fn bad_base45_fails() {
    assert!(matches!(
        DecodedCard::decode("UF1:abc~~"),
        Err(ProtocolError::CardBase45 { .. })
    ));
}

#[test]
fn data_that_is_not_zlib_fails() {
    let text = format!(
        "UF1:{}",
        unionfed_protocol::base45::encode(b"not zlib at all")
    );
    assert!(matches!(
        DecodedCard::decode(&text),
        Err(ProtocolError::CardZlib { .. })
    ));
}

#[test]
fn a_zlib_bomb_is_stopped_at_the_cap() {
    let bomb = base45_of_zlib(&vec![0u8; 1_000_000]);
    assert!(bomb.len() < 4096, "bomb is {} characters", bomb.len());
    assert_eq!(
        DecodedCard::decode(&bomb).unwrap_err(),
        ProtocolError::CardBomb {
            max: MAX_CARD_COSE_BYTES
        }
    );
}

#[test]
fn zlib_that_is_not_cose_fails() {
    assert!(matches!(
        DecodedCard::decode(&base45_of_zlib(b"hello")),
        Err(ProtocolError::CardCose { .. })
    ));
}

#[test]
fn an_over_long_card_string_is_refused_before_decoding() {
    let long = format!("UF1:{}", "A".repeat(10_000));
    assert!(matches!(
        DecodedCard::decode(&long),
        Err(ProtocolError::TooLarge { .. })
    ));
}

#[test]
fn a_card_with_another_algorithm_fails() {
    use coset::{iana, CborSerializable, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable};
    let fed = Federation::new(3);
    let text = card::issue(&claims(), &fed.get("KSPI").key).unwrap();
    let original = unpack(&text);
    let es256 = CoseSign1Builder::new()
        .protected(
            HeaderBuilder::new()
                .algorithm(iana::Algorithm::ES256)
                .build(),
        )
        .payload(original.payload.clone().unwrap())
        .signature(original.signature.clone())
        .build();
    let text = base45_of_zlib(&es256.to_tagged_vec().unwrap());
    assert!(matches!(
        DecodedCard::decode(&text),
        Err(ProtocolError::CardAlgorithm { .. })
    ));
    // Untagged COSE_Sign1 is accepted too, as other encoders may omit the tag.
    let untagged = base45_of_zlib(&original.to_vec().unwrap());
    assert!(DecodedCard::decode(&untagged)
        .unwrap()
        .verify(&fed.charter, now())
        .is_ok());
}

#[test]
fn issuing_refuses_bad_claims() {
    let key = AffiliateSigningKey::from_seed(&[1; 32]);
    let mut c = claims();
    c.holder_name = "  ".into();
    assert!(card::issue(&c, &key).is_err());
    let mut c = claims();
    c.expires_at = c.issued_at;
    assert!(card::issue(&c, &key).is_err());
    let mut c = claims();
    c.holder_name = "x".repeat(500);
    assert!(card::issue(&c, &key).is_err());
}
