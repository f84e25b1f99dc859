//! Files attached to a case: photos of a passport or a payslip, a scanned
//! contract. Only JPEG, PNG and (from staff) PDF are taken, checked by their
//! first bytes, not by what the sender claims. Each keeps only what shows
//! its content: images lose EXIF with the phone's model and the GPS
//! position, XMP, comments, PNG text and private chunks and whatever
//! follows the image's end; PDFs lose their author, software, dates, XMP
//! and earlier revisions (`docs/case-desk.md` lists it all). A file is
//! stored once, under its SHA-256, which the case lists.

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

/// Whether a JPEG marker segment is one a decoder needs to draw the
/// pixels: frame headers, Huffman and arithmetic tables, quantisation
/// tables, restart interval, line count. Everything else (APP0..APP15 with
/// JFIF, EXIF, XMP, ICC, maker notes and motion-photo indexes; comments;
/// anything unknown) goes.
fn jpeg_segment_kept(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF | 0xDB | 0xDC | 0xDD)
}

/// A JPEG with only what draws its pixels: the segments
/// [`jpeg_segment_kept`] names, every scan with its entropy-coded data,
/// and the end-of-image marker. What follows that marker (the video a
/// phone's "motion photo" appends, with its own GPS track) is dropped.
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
                removed |= i + 2 < bytes.len();
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
                    // The scan header, then its entropy-coded data up to the
                    // next marker that is not a restart or a stuffed byte.
                    let data_end = scan_end(bytes, end).ok_or_else(|| broken("JPEG"))?;
                    out.extend_from_slice(&bytes[i..data_end]);
                    i = data_end;
                    continue;
                }
                if jpeg_segment_kept(marker) {
                    out.extend_from_slice(&bytes[i..end]);
                } else {
                    removed = true;
                }
                i = end;
            }
        }
    }
}

/// Where the entropy-coded data that starts at `from` ends: at the first
/// 0xFF that is neither a stuffed 0xFF 0x00 nor a restart marker.
fn scan_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    loop {
        let at = i + bytes.get(i..)?.iter().position(|&b| b == 0xFF)?;
        match bytes.get(at + 1)? {
            0x00 | 0xD0..=0xD7 => i = at + 2,
            _ => return Some(at),
        }
    }
}

/// The PNG chunks a decoder needs to draw the pixels as they were meant:
/// everything else (text, EXIF, time, ICC profiles with their names,
/// private chunks, what follows IEND) goes.
const PNG_KEPT: [&[u8; 4]; 11] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD",
    b"pHYs",
];

/// A PNG with only the chunks of [`PNG_KEPT`].
fn strip_png(bytes: &[u8]) -> Result<(Vec<u8>, bool)> {
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
        if PNG_KEPT.iter().any(|d| d.as_slice() == kind) {
            out.extend_from_slice(&bytes[i..end]);
        } else {
            removed = true;
        }
        i = end;
        if kind == b"IEND" {
            removed |= end < bytes.len();
            return Ok((out, removed));
        }
    }
}

/// Keys that carry who made a PDF, with what, when and where, rather than
/// what it shows: the document information dictionary, XMP packets (of
/// the document, a page or an image), applications' private data and the
/// file identifier.
const PDF_DROPPED_KEYS: [&[u8]; 4] = [b"Metadata", b"PieceInfo", b"LastModified", b"Info"];

/// A PDF rewritten whole from its objects, without [`PDF_DROPPED_KEYS`]
/// and the trailer's `/Info` and `/ID`. Rewriting drops earlier revisions
/// that incremental saves leave in the file (an edited contract keeps its
/// first version otherwise), and objects nothing refers to any more.
/// An encrypted PDF is refused: it cannot be cleaned without its password.
fn strip_pdf(bytes: &[u8]) -> Result<(Vec<u8>, bool)> {
    let unreadable = |e: &dyn std::fmt::Display| {
        NodeError::Invalid(format!(
            "this PDF could not be read ({e}); print it to a new PDF, or scan it as a photo"
        ))
    };
    let mut doc = lopdf::Document::load_mem(bytes).map_err(|e| unreadable(&e))?;
    if doc.is_encrypted() {
        return Err(NodeError::Invalid(
            "this PDF is protected by a password; print it to a new PDF without one".into(),
        ));
    }
    let mut removed = false;
    for key in [&b"Info"[..], b"ID"] {
        removed |= doc.trailer.remove(key).is_some();
    }
    for object in doc.objects.values_mut() {
        let dict = match object {
            lopdf::Object::Dictionary(d) => d,
            lopdf::Object::Stream(s) => &mut s.dict,
            _ => continue,
        };
        for key in PDF_DROPPED_KEYS {
            removed |= dict.remove(key).is_some();
        }
    }
    // The cross-reference and object streams of the file as it was are
    // its structure, not content: rewriting replaces them.
    let structure: std::collections::HashSet<lopdf::ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| matches!(o.type_name(), Ok(b"XRef" | b"ObjStm")))
        .map(|(id, _)| *id)
        .collect();
    removed |= doc.prune_objects().iter().any(|id| !structure.contains(id));
    let mut out = Vec::with_capacity(bytes.len());
    doc.save_to(&mut out).map_err(|e| unreadable(&e))?;
    Ok((out, removed))
}

/// Checks a file's type by its first bytes and removes image metadata.
/// `allow_pdf` is false for the public form: a worker sends photos and
/// screenshots; a PDF, which can carry much besides its pages, comes
/// through staff.
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
        // A parser of a format this large may have a panic left in it; a
        // staff upload that finds one is refused, like any unreadable PDF.
        Kind::Pdf if allow_pdf => std::panic::catch_unwind(|| strip_pdf(bytes))
            .unwrap_or_else(|_| Err(NodeError::Invalid(
                "this PDF could not be read; print it to a new PDF, or scan it as a photo".into(),
            )))
            .map(|(b, r)| (b, kind.content_type(), r)),
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
            crate::node::day_of(now())
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
        assert!(!contains(&clean, b"JFIF"), "APP0 goes too");
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

    /// A one-page PDF as an office suite writes it: an information
    /// dictionary and an XMP packet naming the author, the software and
    /// the time, then an incremental update that changed the text.
    pub(crate) fn pdf_with_metadata() -> Vec<u8> {
        use lopdf::{dictionary, Object, Stream};
        let mut doc = lopdf::Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let content = Stream::new(
            dictionary! {},
            b"BT /F1 12 Tf 72 720 Td (Wage: 1500 MYR a month) Tj ET".to_vec(),
        );
        let content_id = doc.add_object(content);
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "PieceInfo" => dictionary! { "Office" => dictionary! { "Private" => Object::string_literal("agent's draft") } },
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            }),
        );
        let xmp = Stream::new(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            b"<x:xmpmeta><dc:creator>Agen Contoh Recruitment</dc:creator><xmp:CreatorTool>WriterApp 7</xmp:CreatorTool></x:xmpmeta>".to_vec(),
        );
        let xmp_id = doc.add_object(xmp);
        let catalog_id = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages_id, "Metadata" => xmp_id,
        });
        let info_id = doc.add_object(dictionary! {
            "Author" => Object::string_literal("Agen Contoh Recruitment"),
            "Producer" => Object::string_literal("WriterApp 7"),
            "CreationDate" => Object::string_literal("D:20260115093000+07'00'"),
        });
        doc.trailer.set("Root", catalog_id);
        doc.trailer.set("Info", info_id);
        doc.trailer.set(
            "ID",
            vec![
                Object::string_literal("abc123"),
                Object::string_literal("abc123"),
            ],
        );
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn a_pdf_loses_its_author_software_dates_and_xmp() {
        let pdf = pdf_with_metadata();
        assert!(contains(&pdf, b"Agen Contoh") && contains(&pdf, b"WriterApp"));
        let (clean, kind, removed) = sanitise(&pdf, "application/pdf", true).unwrap();
        assert_eq!(kind, "application/pdf");
        assert!(removed);
        for secret in [
            &b"Agen Contoh"[..],
            b"WriterApp",
            b"D:2026",
            b"xmpmeta",
            b"agent's draft",
            b"abc123",
        ] {
            assert!(
                !contains(&clean, secret),
                "{:?} survived",
                String::from_utf8_lossy(secret)
            );
        }
        // The page is still there and says what it said.
        let doc = lopdf::Document::load_mem(&clean).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        assert!(contains(&clean, b"Wage: 1500 MYR a month"));
        // Cleaning again finds nothing more.
        let (_, _, again) = sanitise(&clean, "application/pdf", true).unwrap();
        assert!(!again);
    }

    /// A phone's motion photo: a video with its own GPS track after the
    /// JPEG's end, and an XMP packet that points to it.
    #[test]
    fn what_follows_the_end_of_an_image_is_dropped() {
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta GCamera:MicroVideoOffset=\"40\"/>";
        let mut photo = JPEG[..2].to_vec();
        photo.extend_from_slice(&[0xFF, 0xE1]);
        photo.extend_from_slice(&u16::try_from(xmp.len() + 2).unwrap().to_be_bytes());
        photo.extend_from_slice(xmp);
        photo.extend_from_slice(&JPEG[2..]);
        photo.extend_from_slice(b"\0\0\0\x18ftypmp42 ... gps 3.1390,101.6869 ...");
        let (clean, _, removed) = sanitise(&photo, "image/jpeg", false).unwrap();
        assert!(removed);
        for secret in [&b"ftypmp42"[..], b"101.6869", b"xmpmeta", b"MicroVideo"] {
            assert!(
                !contains(&clean, secret),
                "{:?} survived",
                String::from_utf8_lossy(secret)
            );
        }
        assert!(clean.ends_with(&[0xFF, 0xD9]));
        let (plain, _, _) = sanitise(JPEG, "image/jpeg", false).unwrap();
        assert_eq!(
            clean, plain,
            "the same pixels as the photo without its trailer"
        );

        let mut png = PNG.to_vec();
        png.extend_from_slice(b"appended: Jalan Contoh 12");
        let (clean, _, removed) = sanitise(&png, "image/png", false).unwrap();
        assert!(removed && !contains(&clean, b"appended"));
        assert!(clean.ends_with(b"IEND\xAE\x42\x60\x82"));
    }

    /// A private chunk, and an ICC profile whose name is free text, go;
    /// the pixels stay.
    #[test]
    fn a_png_keeps_only_the_chunks_that_draw_it() {
        fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
            let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            // The CRC is not checked here; a decoder would, so compute none
            // and only look at the structure.
            c.extend_from_slice(&[0; 4]);
            c
        }
        let ihdr_end = 8 + 12 + 13;
        let mut png = PNG[..ihdr_end].to_vec();
        png.extend(chunk(b"prVt", b"owner: Sri Wahyuni"));
        png.extend(chunk(b"iCCP", b"Sri's phone\0\0x"));
        png.extend_from_slice(&PNG[ihdr_end..]);
        let (clean, _, removed) = sanitise(&png, "image/png", false).unwrap();
        assert!(removed);
        assert!(!contains(&clean, b"prVt") && !contains(&clean, b"Sri"));
        let (plain, _, _) = sanitise(PNG, "image/png", false).unwrap();
        assert_eq!(clean, plain);
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
        assert!(
            sanitise(b"%PDF-1.7\n...", "application/pdf", true).is_err(),
            "no PDF in it"
        );
        assert!(sanitise(&pdf_with_metadata(), "application/pdf", true).is_ok());
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

    /// Damaged PDFs are refused or rewritten, never a panic.
    #[test]
    fn mutated_pdfs_never_panic() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let original = super::tests::pdf_with_metadata();
        for _ in 0..3_000 {
            let mut bytes = original.clone();
            for _ in 0..rng.gen_range(1..6) {
                if bytes.len() <= 7 {
                    break;
                }
                match rng.gen_range(0..3) {
                    0 => {
                        let i = rng.gen_range(5..bytes.len());
                        bytes[i] = rng.gen();
                    }
                    1 => {
                        let cut = rng.gen_range(6..bytes.len());
                        bytes.truncate(cut);
                    }
                    _ => {
                        let i = rng.gen_range(5..bytes.len());
                        bytes.insert(i, rng.gen());
                    }
                }
            }
            let _ = sanitise(&bytes, "application/pdf", true);
        }
    }
}
