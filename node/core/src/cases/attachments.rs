//! Files attached to a case: photos of a passport or a payslip, a scanned
//! contract. Only JPEG, PNG and (from staff) PDF are taken, checked by their
//! first bytes, not by what the sender claims. Images lose their metadata
//! before they are stored (EXIF with the phone's model and the GPS position,
//! XMP, comments, PNG text chunks). A file is stored once, under its
//! SHA-256, which the case lists.

use super::public::ReceiptQuery;
use super::CaseDesk;
use super::{check_required, Case, CaseEvent, CaseId, EventKind, MAX_FIELD};
use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::now;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// Files one case holds at most.
pub const MAX_ATTACHMENTS: usize = 20;

/// A file attached to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    /// SHA-256 of the stored bytes (after metadata was removed), hex.
    pub sha256: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    #[schema(value_type = u64)]
    pub added_at: unionfed_protocol::Timestamp,
    pub added_by: String,
    /// True when metadata was found in the file and removed.
    pub metadata_removed: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Jpeg,
    Png,
    Pdf,
}

impl Kind {
    fn sniff(bytes: &[u8]) -> Option<Kind> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(Kind::Pdf)
        } else {
            None
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Pdf => "application/pdf",
        }
    }
}

fn broken(what: &str) -> NodeError {
    NodeError::Invalid(format!(
        "the {what} file is damaged or cut short; send it again"
    ))
}

/// A JPEG without its APP1..APP15 segments (EXIF, XMP, ICC, maker notes)
/// and comments. Everything from the start of scan on is kept as it is.
fn strip_jpeg(bytes: &[u8]) -> Result<(Vec<u8>, bool)> {
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut removed = false;
    let mut i = 2;
    loop {
        let (Some(&ff), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return Err(broken("JPEG"));
        };
        if ff != 0xFF {
            return Err(broken("JPEG"));
        }
        match marker {
            0xFF => i += 1,
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok((out, removed));
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                i += 2;
            }
            _ => {
                let len = match bytes.get(i + 2..i + 4) {
                    Some(&[a, b]) => usize::from(u16::from_be_bytes([a, b])),
                    _ => return Err(broken("JPEG")),
                };
                let end = i + 2 + len;
                if len < 2 || end > bytes.len() {
                    return Err(broken("JPEG"));
                }
                if marker == 0xDA {
                    out.extend_from_slice(&bytes[i..]);
                    return Ok((out, removed));
                }
                if (0xE1..=0xEF).contains(&marker) || marker == 0xFE {
                    removed = true;
                } else {
                    out.extend_from_slice(&bytes[i..end]);
                }
                i = end;
            }
        }
    }
}

/// A PNG without its text, EXIF and time chunks.
fn strip_png(bytes: &[u8]) -> Result<(Vec<u8>, bool)> {
    const DROP: [&[u8; 4]; 5] = [b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"];
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..8]);
    let mut removed = false;
    let mut i = 8;
    loop {
        let Some(header) = bytes.get(i..i + 8) else {
            return Err(broken("PNG"));
        };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = &header[4..8];
        let end = i
            .checked_add(12)
            .and_then(|x| x.checked_add(len))
            .filter(|&e| e <= bytes.len())
            .ok_or_else(|| broken("PNG"))?;
        if DROP.iter().any(|d| d.as_slice() == kind) {
            removed = true;
        } else {
            out.extend_from_slice(&bytes[i..end]);
        }
        i = end;
        if kind == b"IEND" {
            return Ok((out, removed));
        }
    }
}

/// Checks a file's type by its first bytes and removes image metadata.
/// `allow_pdf` is false for the public form: a PDF's metadata cannot be
/// removed as reliably.
pub fn sanitise(
    bytes: &[u8],
    claimed: &str,
    allow_pdf: bool,
) -> Result<(Vec<u8>, &'static str, bool)> {
    let kind = Kind::sniff(bytes).ok_or_else(|| {
        NodeError::Invalid(format!(
            "this file is not a JPEG, PNG{} file; take a photo or a screenshot instead",
            if allow_pdf { " or PDF" } else { "" }
        ))
    })?;
    let claimed = claimed.split(';').next().unwrap_or_default().trim();
    if claimed != kind.content_type() && claimed != "application/octet-stream" {
        return Err(NodeError::Invalid(format!(
            "the file says it is {claimed:?} but it is {}",
            kind.content_type()
        )));
    }
    match kind {
        Kind::Jpeg => strip_jpeg(bytes).map(|(b, r)| (b, kind.content_type(), r)),
        Kind::Png => strip_png(bytes).map(|(b, r)| (b, kind.content_type(), r)),
        Kind::Pdf if allow_pdf => Ok((bytes.to_vec(), kind.content_type(), false)),
        Kind::Pdf => Err(NodeError::Invalid(
            "the public form takes photos and screenshots (JPEG or PNG); bring documents to the union office".into(),
        )),
    }
}

fn check_name(name: &str) -> Result<String> {
    crate::text::required_line("name", name, MAX_FIELD)?;
    let clean: String = name
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c == '"' {
                '_'
            } else {
                c
            }
        })
        .collect();
    Ok(clean.trim().to_owned())
}

impl CaseDesk<'_> {
    /// Attaches a file to a case.
    /// Staff attach a file to a case (a PDF too).
    pub async fn attach(
        self,
        who: &Principal,
        id: &CaseId,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "attach_file",
            |actor| async move {
                self.attach_unchecked(id, name, content_type, bytes, &actor, true)
                    .await
            },
        )
        .await
    }

    async fn attach_unchecked(
        self,
        id: &CaseId,
        name: &str,
        content_type: &str,
        bytes: &[u8],
        actor: &str,
        by_staff: bool,
    ) -> Result<Case> {
        check_required("actor", actor, MAX_FIELD)?;
        let name = check_name(name)?;
        if bytes.is_empty() {
            return Err(NodeError::Invalid("the file is empty".into()));
        }
        let before = self.case(id)?;
        if before.attachments.len() >= MAX_ATTACHMENTS {
            return Err(NodeError::Invalid(format!(
                "case {} has {MAX_ATTACHMENTS} files, the most one case holds",
                before.reference
            )));
        }
        let (clean, content_type, metadata_removed) = sanitise(bytes, content_type, by_staff)?;
        let sha256 = hex::encode(Sha256::digest(&clean));
        // What a worker sends from the public pages is dated to the day,
        // as their complaint is: a time to the second would tie the upload
        // to a proxy's access log.
        let at = if by_staff {
            now()
        } else {
            super::coarse(now())
        };
        let mut case = before.clone();
        case.attachments.push(Attachment {
            sha256: sha256.clone(),
            name: name.clone(),
            content_type: content_type.to_owned(),
            size: clean.len() as u64,
            added_at: at,
            added_by: actor.to_owned(),
            metadata_removed,
        });
        case.push(CaseEvent {
            at,
            actor: actor.to_owned(),
            kind: EventKind::Attached {
                sha256: sha256.clone(),
            },
            note: Some(name),
        })?;
        super::store::put_file(&self.store, &sha256, &clean)?;
        self.save_case(&before, &case).await?;
        Ok(case)
    }

    /// A worker adds a photo to their case with the receipt code.
    pub async fn attach_by_receipt(
        self,
        who: &Principal,
        query: &ReceiptQuery,
        name: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> Result<super::public::PublicCaseView> {
        let work = async {
            let case = self.case_by_receipt(query).await?;
            let case = self
                .attach_unchecked(&case.id, name, content_type, bytes, "worker", false)
                .await?;
            Ok(case.public_view())
        };
        self.guarded(
            who,
            Action::FollowCase,
            "receipt",
            "attach_by_receipt",
            work,
        )
        .await
    }

    /// The bytes and type of a file attached to a case.
    pub fn attachment(
        self,
        who: &Principal,
        id: &CaseId,
        sha256: &str,
    ) -> Result<(Attachment, Vec<u8>)> {
        let grant = self.allow(who, Action::ReadCaseFile, &id.to_string())?;
        let value = self.attachment_unchecked(id, sha256)?;
        grant.done_as(&self, "download_case_file", &id.to_string(), None);
        Ok(value)
    }

    fn attachment_unchecked(self, id: &CaseId, sha256: &str) -> Result<(Attachment, Vec<u8>)> {
        let case = self.case(id)?;
        let not_found = || NodeError::NotFound {
            what: "attachment",
            id: format!("{sha256} of case {}", case.reference),
        };
        let meta = case
            .attachments
            .iter()
            .find(|a| a.sha256 == sha256)
            .cloned()
            .ok_or_else(not_found)?;
        let bytes = super::store::file(&self.store, sha256)?.ok_or_else(not_found)?;
        Ok((meta, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] = include_bytes!("../../../../tests/fixtures/photo-with-gps.jpg");
    const PNG: &[u8] = include_bytes!("../../../../tests/fixtures/screenshot-with-text.png");

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_phone_photo_loses_its_exif_and_comment_and_stays_a_jpeg() {
        assert!(contains(JPEG, b"CheapPhone-3000") && contains(JPEG, b"Jalan Contoh"));
        let (clean, kind, removed) = sanitise(JPEG, "image/jpeg", false).unwrap();
        assert_eq!(kind, "image/jpeg");
        assert!(removed);
        for secret in [
            &b"Exif"[..],
            b"CheapPhone",
            b"Jalan Contoh",
            b"unionfed fixture",
        ] {
            assert!(
                !contains(&clean, secret),
                "{:?} survived",
                String::from_utf8_lossy(secret)
            );
        }
        assert!(clean.starts_with(&[0xFF, 0xD8]) && clean.ends_with(&[0xFF, 0xD9]));
        // Stripping again finds nothing more to remove.
        let (again, _, removed) = sanitise(&clean, "image/jpeg", false).unwrap();
        assert_eq!((again, removed), (clean, false));
    }

    #[test]
    fn a_screenshot_loses_its_text_chunks_and_keeps_its_pixels() {
        let (clean, _, removed) = sanitise(PNG, "image/png", false).unwrap();
        assert!(removed);
        assert!(!contains(&clean, b"Sri Wahyuni") && !contains(&clean, b"Jalan Contoh"));
        let decoder = png::Decoder::new(std::io::Cursor::new(&clean));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((frame.width, frame.height), (16, 12));
    }

    #[test]
    fn wrong_damaged_and_disguised_files_are_refused() {
        assert!(sanitise(b"MZ\x90\x00 an exe", "image/jpeg", true).is_err());
        assert!(
            sanitise(JPEG, "image/png", true).is_err(),
            "claims png, is jpeg"
        );
        assert!(sanitise(&JPEG[..40], "image/jpeg", true).is_err());
        assert!(sanitise(&PNG[..30], "image/png", true).is_err());
        assert!(sanitise(b"%PDF-1.7\n...", "application/pdf", false).is_err());
        assert!(sanitise(b"%PDF-1.7\n...", "application/pdf", true).is_ok());
    }
}

#[cfg(test)]
mod mutation_tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Damaged files of every shape are refused or cleaned, never a panic,
    /// and what comes out is never larger than what went in.
    #[test]
    fn mutated_images_never_panic() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let originals: [&[u8]; 2] = [
            include_bytes!("../../../../tests/fixtures/photo-with-gps.jpg"),
            include_bytes!("../../../../tests/fixtures/screenshot-with-text.png"),
        ];
        for _ in 0..20_000 {
            let mut bytes = originals[rng.gen_range(0..2)].to_vec();
            for _ in 0..rng.gen_range(1..6) {
                if bytes.len() <= 9 {
                    break;
                }
                match rng.gen_range(0..3) {
                    0 => {
                        let i = rng.gen_range(3..bytes.len());
                        bytes[i] = rng.gen();
                    }
                    1 => {
                        let cut = rng.gen_range(8..bytes.len());
                        bytes.truncate(cut);
                    }
                    _ => {
                        let i = rng.gen_range(8..bytes.len());
                        bytes.insert(i, rng.gen());
                    }
                }
            }
            if let Ok((clean, _, _)) = sanitise(&bytes, "application/octet-stream", true) {
                assert!(clean.len() <= bytes.len());
            }
        }
    }
}
