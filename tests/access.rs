//! The access policy on real nodes: every API route, every staff page and
//! the public pages, asked by every kind of caller (no credential; a staff
//! session and the same person's personal API token for each role; the
//! node's admin token; a partner's token; another affiliate's admin token),
//! over real HTTP. Each answer is compared with the one table,
//! `unionfed_node::access::reach`: a refusal where it says none, the whole
//! record where it says full, no personal field where it says masked, and
//! for each use of personal data one record in the audit trail naming the
//! credential.
//!
//! Both doors sit in the one table below, so a page that shows more than
//! its API, or a route that lets in someone its page turns away, fails here.
//! The test names every difference it finds at once, not only the first.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod staffweb;
mod testnet;

use reqwest::Method;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::time::Instant;
use testnet::{wait_for, TestNet};
use unionfed_node::access::{reach, Action, Holder, Principal, Reach};
use unionfed_node::accounts::{NewUser, Role};
use unionfed_node::audit::AuditRecord;

// --- what the fixtures hold, to tell a full answer from a masked one ----------

const MEMBER_NAME: &str = "Siti Aminah Rahayu";
const MEMBER_CONTACT: &str = "+62 812 7000 4321";
const MEMBER_DOB: &str = "1991-07-23";
/// The purpose of the consent on the member's record.
const CONSENT_PURPOSE: &str = "organising at the Johor plant";
/// The holder of every file that arrives from the other affiliate.
const TRANSFER_NAME: &str = "Ayu Kartika Sari";
const WORKER_NAME: &str = "Dewi Lestari Putri";
const WORKER_CONTACT: &str = "+60 11 7000 9876";
const NARRATIVE: &str = "The supervisor keeps my passport in his drawer since May.";
/// A note on the timeline of the case staff work on.
const CASE_NOTE: &str = "Called the supervisor at the plant on Tuesday.";
/// The employer a worker names: it can identify them, so it is masked too.
const EMPLOYER: &str = "Sdn Bhd Pemborong Contoh";
/// Inside the file attached to a case.
const FILE_TEXT: &str = "scanned-contract-7731";
/// The staff notes of the shelter in the directory.
const SERVICE_NOTES: &str = "Staff only: ask for Mrs Lim at the desk";
/// What the union wrote to the worker who follows their case.
const TO_WORKER: &str = "We will meet you at the hub on Sunday.";

const MEMBER: &[&str] = &[MEMBER_NAME, MEMBER_CONTACT, MEMBER_DOB];
/// What the breach register's fixture says happened.
const BREACH_TEXT: &str = "The phone of a volunteer with the member list was stolen";
const CASE: &[&str] = &[WORKER_NAME, WORKER_CONTACT, NARRATIVE, CASE_NOTE, EMPLOYER];
const PRINTED_CASE: &[&str] = &[WORKER_NAME, WORKER_CONTACT, NARRATIVE];
const PASSWORD: &str = "a long enough password";

// --- the table -------------------------------------------------------------------

/// How a door learns who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Door {
    /// An API route: the bearer token.
    Api,
    /// A staff page: the session cookie.
    Page,
    /// A public page or route: nobody in particular, whatever was sent.
    Open,
}

/// What a request carries besides its path.
enum Body {
    None,
    Json(Value),
    /// A form; a staff page's form gets the session's CSRF token added.
    Form(Vec<(&'static str, String)>),
    Raw {
        content_type: &'static str,
        bytes: Vec<u8>,
        headers: Vec<(&'static str, String)>,
    },
    /// The case page's file upload (`multipart/form-data` with the CSRF token).
    Upload {
        name: &'static str,
        content_type: &'static str,
        bytes: Vec<u8>,
    },
}

struct Row {
    door: Door,
    method: Method,
    /// With `{fixture}` or `{fixture.1}` for the ids the fixtures made.
    path: &'static str,
    /// The row of the policy table the door exercises. `None` at a staff
    /// page: one's own account, which any session may use; `None` at an
    /// open door: something the table does not govern, answered alike to all.
    action: Option<Action>,
    body: fn(&mut Fill) -> Body,
    /// Personal fields a full answer shows and a masked one leaves out.
    shows: &'static [&'static str],
    /// Personal fields no answer of this door shows, full or masked.
    hides: &'static [&'static str],
    /// The status a success answers with, when it is one in particular.
    ok: Option<u16>,
    /// The answer ends the session the request came with.
    ends_session: bool,
}

fn no_body(_: &mut Fill) -> Body {
    Body::None
}

fn row(door: Door, method: Method, path: &'static str, action: Option<Action>) -> Row {
    Row {
        door,
        method,
        path,
        action,
        body: no_body,
        shows: &[],
        hides: &[],
        ok: None,
        ends_session: false,
    }
}

fn api(method: Method, path: &'static str, action: Action) -> Row {
    row(Door::Api, method, path, Some(action))
}

fn page(method: Method, path: &'static str, action: Action) -> Row {
    row(Door::Page, method, path, Some(action))
}

/// A staff member's own account: any session.
fn own(method: Method, path: &'static str) -> Row {
    row(Door::Page, method, path, None)
}

fn open(method: Method, path: &'static str, action: Option<Action>) -> Row {
    row(Door::Open, method, path, action)
}

impl Row {
    fn body(mut self, f: fn(&mut Fill) -> Body) -> Row {
        self.body = f;
        self
    }
    fn shows(mut self, markers: &'static [&'static str]) -> Row {
        self.shows = markers;
        self
    }
    fn hides(mut self, markers: &'static [&'static str]) -> Row {
        self.hides = markers;
        self
    }
    fn ok(mut self, status: u16) -> Row {
        self.ok = Some(status);
        self
    }
    fn ends_session(mut self) -> Row {
        self.ends_session = true;
        self
    }
}

fn form(pairs: &[(&'static str, &str)]) -> Body {
    Body::Form(pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect())
}

fn staff_case() -> Value {
    json!({
        "kind": "complaint", "how": "walk_in", "categories": ["document_retention"],
        "origin_country": "ID", "destination_country": "MY", "sector": "manufacturing",
        "employer": EMPLOYER, "worker_name": WORKER_NAME,
        "worker_contact": WORKER_CONTACT, "description": NARRATIVE
    })
}

/// A one-page PDF whose page says [`FILE_TEXT`]: what a full download shows.
fn pdf() -> Vec<u8> {
    let content = format!("BT /F1 12 Tf ({FILE_TEXT}) Tj ET");
    format!(
        "%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n\
         2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n\
         3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>\nendobj\n\
         4 0 obj\n<</Length {}>>\nstream\n{content}\nendstream\nendobj\n\
         trailer\n<</Root 1 0 R>>\n%%EOF\n",
        content.len()
    )
    .into_bytes()
}

const CSV: &str = "country,kind,name,contact,languages\nMY,legal_aid,Bar Council Legal Aid Centre,+60 3 2222 2222,en\n";

/// Every door of a node. Fixture names in braces are made before the
/// matrix runs; a name in `POOLS` is a fresh object for each caller the
/// table lets change it, so one caller's change does not spoil the next's.
fn table() -> Vec<Row> {
    use Action as A;
    use Method as M;
    vec![
        // --- members ---
        api(M::POST, "/api/v1/members", A::ChangeMember).body(|_| {
            Body::Json(json!({ "holder_name": "Rudi Hartono", "origin_country": "ID" }))
        }),
        api(M::GET, "/api/v1/members/{member}", A::ReadMember).shows(MEMBER),
        api(M::PATCH, "/api/v1/members/{edit_member}", A::ChangeMember)
            .body(|_| Body::Json(json!({ "sector": "farming" }))),
        api(M::POST, "/api/v1/members/{status_member}/status", A::ChangeMember).body(|_| {
            Body::Json(json!({ "status": "suspended", "reason": "dues unpaid since March" }))
        }),
        api(M::POST, "/api/v1/members/{dues_member}/dues", A::ChangeMember).body(|_| {
            Body::Json(json!({ "from": "2029-01-01", "until": "2029-12-31", "amount": "MYR 60" }))
        }),
        api(M::GET, "/api/v1/members/renewals", A::ListMembers),
        api(M::GET, "/api/v1/members/{member}/export", A::ExportMember).shows(MEMBER),
        api(M::POST, "/api/v1/members/{erasable_member}/erase", A::EraseMember)
            .body(|_| Body::Json(json!({ "reason": "asked in writing at the office" }))),
        api(M::GET, "/api/v1/members/{member}/card", A::IssueCard),
        api(M::GET, "/api/v1/members/{member}/card.svg", A::IssueCard),
        api(M::GET, "/api/v1/members/{member}/card.png", A::IssueCard),
        api(M::GET, "/api/v1/members/{member}/consents", A::ReadMember).shows(&[CONSENT_PURPOSE]),
        api(M::POST, "/api/v1/members/{member}/consents", A::ChangeTransfers).body(|_| {
            Body::Json(json!({ "given": "in_person", "recipient": "MTUC",
                "purposes": ["representation"], "data_categories": ["name", "contact"],
                "legal_basis": "the worker's explicit consent" }))
        }),
        api(M::POST, "/api/v1/members/{consent}/consents/{consent.1}/withdraw", A::ChangeTransfers),
        // The member's log: the files that travelled are transfers, read
        // under view_transfers, so no reader finds them here.
        api(M::GET, "/api/v1/members/{represented}/transfers", A::ReadMember).hides(&[TRANSFER_NAME]),
        // --- transfers ---
        api(M::GET, "/api/v1/transfers", A::ReadTransfers).shows(&[TRANSFER_NAME]),
        api(M::POST, "/api/v1/transfers", A::ChangeTransfers).body(|f| {
            Body::Json(json!({ "member": f.get("transferable"), "destination": "MTUC",
                "consent": f.part("transferable", 1) }))
        }),
        api(M::POST, "/api/v1/transfers/requests", A::ChangeTransfers).body(|f| {
            Body::Json(json!({ "member": f.get("asked_member"), "origin": "MTUC",
                "given": "in_person", "purposes": ["representation"],
                "data_categories": ["name", "employer"], "legal_basis": "consent in person" }))
        }),
        api(M::GET, "/api/v1/transfers/{shown_transfer}", A::ReadTransfers).shows(&[TRANSFER_NAME]),
        api(M::POST, "/api/v1/transfers/{incoming}/accept", A::ChangeTransfers),
        api(M::POST, "/api/v1/transfers/{incoming}/decline", A::ChangeTransfers)
            .body(|_| Body::Json(json!({ "reason": "not our sector" }))),
        api(M::POST, "/api/v1/transfers/{accepted}/end", A::ChangeTransfers)
            .body(|_| Body::Json(json!({ "reason": "returned_home" }))),
        // --- cases ---
        api(M::GET, "/api/v1/cases", A::ListCases).shows(CASE),
        api(M::POST, "/api/v1/cases", A::ChangeCase).body(|_| Body::Json(staff_case())),
        open(M::GET, "/api/v1/cases/taxonomy", None),
        api(M::GET, "/api/v1/cases/stats", A::ReadFigures),
        // The register holds no personal field: whoever lists cases may have it.
        api(M::GET, "/api/v1/cases/export.csv", A::ListCases),
        api(M::POST, "/api/v1/cases/retention", A::EraseCases),
        api(M::GET, "/api/v1/retention", A::ReadFigures),
        api(M::GET, "/api/v1/breaches", A::ManageBreaches).shows(&[BREACH_TEXT]),
        api(M::POST, "/api/v1/breaches", A::ManageBreaches).body(|_| {
            Body::Json(json!({ "happened": "a laptop left on a bus", "data": "member list", "people": 40 }))
        }),
        api(M::POST, "/api/v1/breaches/{breach}/told", A::ManageBreaches)
            .body(|_| Body::Json(json!({ "whom": "authority" }))),
        api(M::POST, "/api/v1/retention", A::EraseCases),
        api(M::GET, "/api/v1/cases/{work_case}/report", A::ExportCases).shows(PRINTED_CASE),
        api(M::GET, "/api/v1/cases/{work_case}/export", A::ExportCases).shows(CASE),
        api(M::POST, "/api/v1/cases/{new_case}/erase", A::EraseCases)
            .body(|_| Body::Json(json!({ "reason": "asked in person at the hub" }))),
        api(M::GET, "/api/v1/cases/{work_case}", A::ReadCase).shows(CASE),
        api(M::POST, "/api/v1/cases/{new_case}/transition", A::ChangeCase)
            .body(|_| Body::Json(json!({ "to": "verified" }))),
        api(M::POST, "/api/v1/cases/{work_case}/actions", A::ChangeCase)
            .body(|_| Body::Json(json!({ "action": "call", "note": "Called the employer." }))),
        api(M::POST, "/api/v1/cases/{work_case}/assign", A::ChangeCase)
            .body(|_| Body::Json(json!({ "to": "Cora" }))),
        api(M::POST, "/api/v1/cases/{work_case}/messages", A::ChangeCase)
            .body(|_| Body::Json(json!({ "text": "Please call us back." }))),
        api(M::POST, "/api/v1/cases/{work_case}/consent", A::ChangeCase).body(|f| {
            Body::Json(json!({ "given": "in_person", "contact_allowed": true,
                "services": [f.get("shelter")], "purposes": ["a safe place to stay"],
                "fields": ["worker_name", "description"] }))
        }),
        api(M::POST, "/api/v1/cases/{work_case}/contract", A::ChangeCase).body(|_| {
            Body::Json(json!({
                "signed": { "employer": "Sdn Bhd Contoh", "monthly_wage": 1700, "currency": "MYR", "hours_per_week": 48 },
                "experienced": { "employer": "Sdn Bhd Contoh", "monthly_wage": 1200, "currency": "MYR", "hours_per_week": 72 } }))
        }),
        api(M::POST, "/api/v1/cases/{file_case}/attachments?name=payslip.pdf", A::ChangeCase)
            .body(|_| Body::Raw {
                content_type: "application/pdf",
                bytes: pdf(),
                headers: Vec::new(),
            }),
        api(M::GET, "/api/v1/cases/{file_case}/attachments/{file_sha}", A::ReadCaseFile)
            .shows(&[FILE_TEXT]),
        api(M::POST, "/api/v1/cases/{work_case}/referrals", A::ChangeCase)
            .body(|f| Body::Json(json!({ "service": f.get("shelter") }))),
        api(M::POST, "/api/v1/cases/{work_case}/referrals/{work_referral}", A::ChangeCase)
            .body(|_| Body::Json(json!({ "status": "accepted", "note": "Bed reserved." }))),
        api(M::POST, "/api/v1/cases/{referred_case}/referral-decision", A::ChangeCase)
            .body(|_| Body::Json(json!({ "accept": true }))),
        // --- directory and partners ---
        api(M::GET, "/api/v1/directory", A::ReadDirectory).shows(&[SERVICE_NOTES]),
        api(M::POST, "/api/v1/directory", A::ChangeDirectory).body(|_| {
            Body::Json(json!({ "country": "MY", "kind": "ngo", "name": "Migrant care centre" }))
        }),
        api(M::POST, "/api/v1/directory/import", A::ChangeDirectory).body(|_| Body::Raw {
            content_type: "text/csv",
            bytes: CSV.as_bytes().to_vec(),
            headers: Vec::new(),
        }),
        api(M::GET, "/api/v1/partner/inbox", A::PartnerReferrals).shows(&[WORKER_NAME]),
        api(M::POST, "/api/v1/partner/inbox/{work_referral}", A::PartnerReferrals)
            .body(|_| Body::Json(json!({ "status": "accepted", "note": "A bed tonight." }))),
        api(M::GET, "/api/v1/partners", A::ReadPartners),
        api(M::POST, "/api/v1/partners", A::ChangePartners)
            .body(|_| Body::Json(json!({ "name": "Legal aid clinic", "kind": "legal_aid" }))),
        api(M::POST, "/api/v1/partners/{revocable_partner}/revoke", A::ChangePartners),
        api(M::GET, "/api/v1/partner/referrals", A::PartnerReferrals),
        api(M::POST, "/api/v1/partner/referrals", A::PartnerReferrals).body(|_| {
            Body::Json(json!({ "kind": "complaint", "categories": ["unpaid_wages"],
                "destination_country": "MY", "worker_name": "Sri Wahyuni",
                "description": "Referred by the NGO: four months unpaid." }))
        }),
        api(M::GET, "/api/v1/partner/referrals/{partner_case}", A::PartnerReferrals),
        // --- the federation and the operator ---
        api(M::GET, "/api/v1/federation", A::ReadFederation),
        api(M::POST, "/api/v1/charter", A::ChangeCharter)
            .body(|f| Body::Json(json!({ "charter": f.get("charter") }))),
        api(M::POST, "/api/v1/backup", A::BackupStore),
        open(M::GET, "/api/v1/openapi.json", None),
        open(M::GET, "/healthz", None),
        api(M::GET, "/metrics", A::ReadMetrics),
        open(M::GET, "/api/v1/status-snapshot", None),
        open(M::GET, "/api/v1/charters/latest", None),
        open(M::GET, "/static/public.css", None),
        open(M::GET, "/static/scan.js", None),
        // --- the public API ---
        open(M::POST, "/api/v1/cards/verify", Some(A::CheckCard))
            .body(|f| Body::Json(json!({ "card": f.get("card") })))
            .shows(&[MEMBER_NAME]),
        open(M::POST, "/api/v1/public/complaints", Some(A::FileComplaint)).body(|_| {
            Body::Json(json!({ "kind": "inquiry", "categories": ["other"],
                "description": "How do I renew my work permit?" }))
        }),
        open(M::POST, "/api/v1/public/cases/status", Some(A::FollowCase))
            .body(|f| Body::Json(json!({ "receipt_code": f.get("receipt") })))
            .shows(&[TO_WORKER]),
        open(M::POST, "/api/v1/public/cases/messages", Some(A::FollowCase))
            .body(|f| {
                Body::Json(json!({ "receipt_code": f.get("receipt"), "text": "Sunday is fine." }))
            })
            .shows(&[TO_WORKER]),
        open(M::POST, "/api/v1/public/cases/attachments?name=passport.jpg", Some(A::FollowCase))
            .body(|f| Body::Raw {
                content_type: "image/jpeg",
                bytes: include_bytes!("fixtures/photo-with-gps.jpg").to_vec(),
                headers: vec![("x-receipt-code", f.get("receipt"))],
            })
            .shows(&[TO_WORKER]),
        // --- the public pages ---
        open(M::GET, "/p", None),
        open(M::GET, "/p/", None),
        open(M::GET, "/p/card", None),
        open(M::POST, "/p/card", Some(A::CheckCard))
            .body(|f| form(&[("card", &f.get("card"))]))
            .shows(&[MEMBER_NAME]),
        open(M::GET, "/p/complaint", None),
        open(M::POST, "/p/complaint", Some(A::FileComplaint)).body(|_| {
            form(&[
                ("kind", "complaint"),
                ("category", "unpaid_wages"),
                ("country", "MY"),
                ("description", "Two months of wages are late."),
            ])
        }),
        open(M::GET, "/p/case", None),
        open(M::POST, "/p/case", Some(A::FollowCase))
            .body(|f| form(&[("receipt_code", &f.get("receipt"))]))
            .shows(&[TO_WORKER]),
        open(M::POST, "/p/case/message", Some(A::FollowCase))
            .body(|f| form(&[("receipt_code", &f.get("receipt")), ("text", "Thank you.")]))
            .shows(&[TO_WORKER]),
        open(M::POST, "/p/lang", None)
            .body(|_| form(&[("lang", "en"), ("back", "/p/card")]))
            .ok(303),
        // The public reads the directory without its staff notes.
        open(M::GET, "/p/rights?country=MY", Some(A::ReadDirectory)).shows(&[SERVICE_NOTES]),
        open(M::GET, "/p/privacy", None),
        // --- signing in: the same answer whoever asks ---
        open(M::GET, "/login", None),
        // A login ends the session the browser came with.
        open(M::POST, "/login", None)
            .body(|_| form(&[("username", "lou"), ("password", PASSWORD)]))
            .ok(303)
            .ends_session(),
        // Accounts exist: setup leads to the login, and refuses a form.
        open(M::GET, "/setup", None).ok(303),
        open(M::POST, "/setup", None).ok(403),
        // --- staff pages: the desk, accounts, the trail ---
        page(M::GET, "/dashboard", A::ReadFigures),
        // `/` is the dashboard for staff and the public pages for visitors.
        open(M::GET, "/", None),
        page(M::GET, "/users", A::ManageAccounts),
        page(M::POST, "/users", A::ManageAccounts).body(|f| {
            form(&[
                ("username", &f.get("unique")),
                ("display_name", "New colleague"),
                ("role", "viewer"),
                ("password", PASSWORD),
            ])
        }),
        page(M::POST, "/users/{dummy_user}/disable", A::ManageAccounts),
        page(M::POST, "/users/{dummy_token}/tokens/{dummy_token.1}", A::ManageAccounts),
        page(M::GET, "/audit", A::ReadAudit),
        own(M::GET, "/account"),
        own(M::POST, "/account/totp/start").ok(200),
        own(M::POST, "/account/tokens")
            .body(|f| form(&[("label", &format!("script {}", f.get("unique")))]))
            .ok(200),
        own(M::POST, "/account/tokens/{own_token}/revoke"),
        // --- staff pages: members ---
        page(M::GET, "/members", A::ListMembers).shows(&[MEMBER_NAME]),
        page(M::GET, "/members/new", A::ChangeMember),
        page(M::POST, "/members/new", A::ChangeMember).body(|_| {
            form(&[("holder_name", "Agus Salim"), ("origin_country", "ID")])
        }),
        page(M::GET, "/members/{member}", A::ReadMember).shows(MEMBER),
        page(M::POST, "/members/{status_member}/status", A::ChangeMember)
            .body(|_| form(&[("status", "suspended"), ("reason", "dues unpaid")])),
        page(M::POST, "/members/{dues_member}/dues", A::ChangeMember).body(|_| {
            form(&[("dues_from", "2029-01-01"), ("dues_until", "2029-12-31")])
        }),
        page(M::POST, "/members/{edit_member}/edit", A::ChangeMember)
            .body(|_| form(&[("sector", "fishing")])),
        page(M::GET, "/members/{member}/card", A::IssueCard).shows(&[MEMBER_NAME]),
        page(M::GET, "/members/{member}/export", A::ExportMember).shows(MEMBER),
        page(M::GET, "/members/{member}/export/print", A::ExportMember).shows(MEMBER),
        page(M::GET, "/breaches", A::ManageBreaches).shows(&[BREACH_TEXT]),
        page(M::POST, "/breaches", A::ManageBreaches).body(|_| {
            form(&[("happened", "a phone stolen"), ("data", "case notes"), ("people", "3")])
        }),
        page(M::POST, "/breaches/{breach}/people", A::ManageBreaches),
        page(M::POST, "/members/{erasable_member}/erase", A::EraseMember)
            .body(|_| form(&[("reason", "asked in person"), ("confirm", "yes")])),
        page(M::GET, "/cards", A::CheckCard),
        page(M::POST, "/cards", A::CheckCard)
            .body(|f| form(&[("card", &f.get("card"))]))
            .shows(&[MEMBER_NAME]),
        page(M::POST, "/members/{member}/consents", A::ChangeTransfers).body(|_| {
            form(&[
                ("recipient", "MTUC"),
                ("given", "in_person"),
                ("purpose", "representation"),
                ("data", "contact"),
                ("legal_basis", "the worker's explicit consent"),
            ])
        }),
        page(M::POST, "/members/{consent}/consents/{consent.1}/withdraw", A::ChangeTransfers),
        page(M::POST, "/members/{transferable}/transfer", A::ChangeTransfers)
            .body(|f| form(&[("consent", &f.part("transferable", 1))])),
        // --- staff pages: transfers ---
        page(M::GET, "/transfers", A::ReadTransfers).shows(&[TRANSFER_NAME]),
        page(M::POST, "/transfers/request", A::ChangeTransfers).body(|f| {
            form(&[
                ("member", &f.get("asked_member")),
                ("origin", "MTUC"),
                ("given", "in_person"),
                ("purpose", "representation"),
                ("data", "employer"),
                ("legal_basis", "consent in person"),
            ])
        }),
        page(M::POST, "/transfers/{incoming}/accept", A::ChangeTransfers),
        page(M::POST, "/transfers/{incoming}/decline", A::ChangeTransfers)
            .body(|_| form(&[("reason", "not our sector")])),
        // --- staff pages: cases ---
        page(M::GET, "/cases", A::ListCases),
        page(M::GET, "/cases/{work_case}", A::ReadCase).shows(CASE),
        page(M::POST, "/cases/{new_case}/move", A::ChangeCase).body(|_| form(&[("to", "verified")])),
        page(M::POST, "/cases/{work_case}/action", A::ChangeCase)
            .body(|_| form(&[("action", "visit"), ("note", "Visited the hostel.")])),
        page(M::POST, "/cases/{work_case}/message", A::ChangeCase)
            .body(|_| form(&[("text", "We have news; please call.")])),
        page(M::POST, "/cases/{work_case}/assign", A::ChangeCase).body(|_| form(&[("to", "Cora")])),
        page(M::POST, "/cases/{work_case}/consent", A::ChangeCase).body(|f| {
            form(&[
                ("given", "in_person"),
                ("contact_allowed", "yes"),
                ("service", &f.get("shelter")),
                ("field", "worker_name"),
                ("field", "description"),
                ("purpose", "a safe place to stay"),
            ])
        }),
        page(M::POST, "/cases/{work_case}/refer", A::ChangeCase)
            .body(|f| form(&[("target", &format!("s:{}", f.get("shelter")))])),
        page(M::POST, "/cases/{work_case}/contract", A::ChangeCase).body(|_| {
            form(&[
                ("signed_employer", "Sdn Bhd Contoh"),
                ("signed_monthly_wage", "1700"),
                ("experienced_employer", "Sdn Bhd Contoh"),
                ("experienced_monthly_wage", "1100"),
            ])
        }),
        page(M::POST, "/cases/{referred_case}/take", A::ChangeCase),
        page(M::POST, "/cases/{referred_case}/decline", A::ChangeCase)
            .body(|_| form(&[("reason", "the Singapore affiliate handles this employer")])),
        page(M::GET, "/cases/{work_case}/print", A::ExportCases).shows(PRINTED_CASE),
        page(M::POST, "/cases/{file_case}/files", A::ChangeCase).body(|_| Body::Upload {
            name: "payslip.pdf",
            content_type: "application/pdf",
            bytes: pdf(),
        }),
        page(M::GET, "/cases/{file_case}/files/{file_sha}", A::ReadCaseFile).shows(&[FILE_TEXT]),
        page(M::GET, "/reports", A::ReadFigures),
        page(M::GET, "/reports/cases.csv", A::ListCases),
        page(M::GET, "/federation", A::ReadFederation),
        page(M::GET, "/directory", A::ReadDirectory),
        page(M::POST, "/directory/add", A::ChangeDirectory).body(|_| {
            form(&[("country", "MY"), ("kind", "ngo"), ("name", "Workers' hub Klang")])
        }),
        page(M::POST, "/directory/import", A::ChangeDirectory)
            .body(|_| form(&[("csv", CSV)]))
            .ok(200),
        page(M::GET, "/partners", A::ReadPartners),
        page(M::POST, "/partners", A::ChangePartners)
            .body(|_| form(&[("name", "Embassy of Indonesia"), ("kind", "embassy")]))
            .ok(201),
        page(M::POST, "/partners/{revocable_partner}/revoke", A::ChangePartners),
        own(M::POST, "/logout").ok(303).ends_session(),
    ]
}

/// Fixtures of which each caller the table lets change one gets its own.
const POOLS: [&str; 12] = [
    "breach",
    "dues_member",
    "consent",
    "erasable_member",
    "transferable",
    "incoming",
    "accepted",
    "new_case",
    "referred_case",
    "revocable_partner",
    "dummy_user",
    "dummy_token",
];

// --- who asks -----------------------------------------------------------------------

struct Session {
    cookie: String,
    csrf: String,
}

struct Who {
    label: String,
    /// The column of the table for this caller's credential; `None` for a
    /// caller this node does not know.
    holder: Option<Holder>,
    bearer: Option<String>,
    /// How the trail names what the bearer token does.
    token_name: Option<String>,
    session: Option<Session>,
    username: Option<String>,
    /// The id of a personal token of the caller's own, to revoke.
    spare_token: Option<String>,
}

impl Who {
    fn nobody(label: &str) -> Who {
        Who {
            label: label.to_owned(),
            holder: None,
            bearer: None,
            token_name: None,
            session: None,
            username: None,
            spare_token: None,
        }
    }
}

/// What the table says a door must answer a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Granted(Reach),
    /// 401: the API does not know the caller.
    Unauthorized,
    /// 403 from the domain.
    Forbidden,
    /// 303 to /login: a staff page without a session.
    ToLogin,
}

fn by_table(row: &Row, holder: Holder) -> Expect {
    match row.action.map_or(Reach::Full, |a| reach(holder, a)) {
        Reach::None => Expect::Forbidden,
        r => Expect::Granted(r),
    }
}

/// A door answers only the credential it reads: the API a bearer token it
/// knows (401 otherwise, even where the table gives the public something,
/// as the directory, which the public reads at /p/rights), a staff page a
/// session (to /login otherwise; a personal API token is not a session),
/// an open door everyone alike, as the public.
fn expect(row: &Row, who: &Who) -> Expect {
    match (row.door, who.holder) {
        (Door::Open, _) => by_table(row, Holder::Public),
        (Door::Api, Some(h)) if who.token_name.is_some() => by_table(row, h),
        (Door::Api, _) => Expect::Unauthorized,
        (Door::Page, Some(h)) if who.session.is_some() => by_table(row, h),
        (Door::Page, _) => Expect::ToLogin,
    }
}

/// How the trail names the principal the door resolves for `who`.
fn audit_name(row: &Row, who: &Who) -> String {
    match row.door {
        Door::Open => "public".to_owned(),
        Door::Api => who.token_name.clone().unwrap_or_default(),
        Door::Page => who.username.clone().unwrap_or_default(),
    }
}

// --- fixtures -----------------------------------------------------------------------

#[derive(Default)]
struct Fixtures {
    shared: HashMap<&'static str, Vec<String>>,
    pools: RefCell<HashMap<&'static str, Vec<Vec<String>>>>,
    unique: Cell<u32>,
}

impl Fixtures {
    fn one(&mut self, name: &'static str, parts: Vec<String>) {
        self.shared.insert(name, parts);
    }

    /// `made` objects for `name`: the first for the callers refused, the
    /// rest one for each caller allowed.
    fn pool(&mut self, name: &'static str, mut made: Vec<Vec<String>>) {
        let first = made.remove(0);
        self.shared.insert(name, first);
        made.reverse();
        self.pools.borrow_mut().insert(name, made);
    }
}

/// Fills a row's path and body for one caller: a fresh object from a pool
/// for a caller the table lets change it, the shared one otherwise. With
/// no fixtures yet, it counts how many of each pool the matrix needs.
struct Fill<'a> {
    fixtures: Option<&'a Fixtures>,
    wanted: Option<&'a RefCell<HashMap<&'static str, usize>>>,
    fresh: bool,
    who: &'a Who,
    drawn: HashMap<String, Vec<String>>,
}

impl Fill<'_> {
    fn obj(&mut self, name: &str) -> Vec<String> {
        if let Some(v) = self.drawn.get(name) {
            return v.clone();
        }
        let v = match name {
            "own_token" => vec![self.who.spare_token.clone().unwrap_or("00000000".into())],
            "unique" => {
                let n = self.fixtures.map_or(0, |f| {
                    f.unique.set(f.unique.get() + 1);
                    f.unique.get()
                });
                vec![format!("colleague{n}")]
            }
            _ => match (self.fixtures, self.wanted) {
                (Some(f), _) => {
                    let pooled = POOLS.contains(&name) && self.fresh;
                    let drawn = pooled.then(|| {
                        f.pools
                            .borrow_mut()
                            .get_mut(name)
                            .and_then(Vec::pop)
                            .unwrap_or_else(|| panic!("the {name} pool ran out"))
                    });
                    drawn.unwrap_or_else(|| {
                        f.shared
                            .get(name)
                            .unwrap_or_else(|| panic!("no fixture {name}"))
                            .clone()
                    })
                }
                (None, Some(wanted)) => {
                    if let Some(pool) = POOLS.iter().find(|p| **p == name) {
                        if self.fresh {
                            *wanted.borrow_mut().entry(pool).or_default() += 1;
                        }
                    }
                    vec!["00000000000000000000000000000000".to_owned(); 2]
                }
                (None, None) => unreachable!(),
            },
        };
        self.drawn.insert(name.to_owned(), v.clone());
        v
    }

    fn get(&mut self, name: &str) -> String {
        self.obj(name)[0].clone()
    }

    fn part(&mut self, name: &str, i: usize) -> String {
        self.obj(name)[i].clone()
    }

    /// `template` with each `{name}` or `{name.1}` filled in.
    fn path(&mut self, template: &str) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(at) = rest.find('{') {
            out.push_str(&rest[..at]);
            let end = rest[at..].find('}').unwrap() + at;
            let key = &rest[at + 1..end];
            let (name, part) = match key.split_once('.') {
                Some((n, p)) => (n, p.parse().unwrap()),
                None => (key, 0),
            };
            out.push_str(&self.part(name, part));
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// Node `i`'s API with its admin token; the answer must be a success.
async fn made(net: &TestNet, i: usize, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, v) = net.call(i, method, path, body).await;
    assert!(status.is_success(), "{path} at node {i}: {status} {v}");
    v
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_owned()
}

async fn enrol(net: &TestNet, i: usize, name: &str) -> String {
    let member = made(
        net,
        i,
        Method::POST,
        "/api/v1/members",
        Some(json!({ "holder_name": name, "date_of_birth": MEMBER_DOB,
            "contact": if name == MEMBER_NAME { MEMBER_CONTACT } else { "+62 811 000 000" },
            "sector": "construction", "employer": "PT Contoh",
            "origin_country": "ID", "destination_country": "MY" })),
    )
    .await;
    id_of(&member)
}

async fn consent(net: &TestNet, i: usize, member: &str, to: &str, purpose: &str) -> String {
    let c = made(
        net,
        i,
        Method::POST,
        &format!("/api/v1/members/{member}/consents"),
        Some(json!({ "given": "in_person", "recipient": to, "purposes": [purpose],
            "data_categories": ["name", "contact"], "legal_basis": "the worker's explicit consent" })),
    )
    .await;
    id_of(&c)
}

/// A complaint from the public form with the worker's name, contact and
/// story; its id and receipt code.
async fn public_case(net: &TestNet) -> (String, String) {
    let (status, filed) = reqwest::Client::new()
        .post(net.url(0, "/api/v1/public/complaints"))
        .json(
            &json!({ "kind": "complaint", "categories": ["document_retention"],
            "destination_country": "MY", "employer": EMPLOYER,
            "name": WORKER_NAME, "contact": WORKER_CONTACT, "description": NARRATIVE }),
        )
        .send()
        .await
        .map(|r| (r.status(), r))
        .unwrap();
    assert_eq!(status, 201);
    let filed: Value = filed.json().await.unwrap();
    let reference = filed["reference"].as_str().unwrap();
    let cases = made(net, 0, Method::GET, "/api/v1/cases", None).await;
    let case = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["reference"] == reference)
        .unwrap();
    (
        id_of(case),
        filed["receipt_code"].as_str().unwrap().to_owned(),
    )
}

async fn login(net: &TestNet, http: &reqwest::Client, username: &str) -> Session {
    let a = http
        .post(net.url(0, "/login"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(a.status(), 303, "login of {username}");
    let cookie = a.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .strip_prefix("uf_session=")
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    let dashboard = http
        .get(net.url(0, "/"))
        .header("cookie", format!("uf_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    Session {
        csrf: staffweb::csrf_of(&dashboard),
        cookie,
    }
}

/// Everything the table's rows name, with `wanted` fresh objects of each pool.
async fn make_fixtures(
    net: &TestNet,
    http: &reqwest::Client,
    wanted: &HashMap<&'static str, usize>,
) -> (Fixtures, Vec<Who>) {
    let n = |pool: &str| wanted.get(pool).copied().unwrap_or(0) + 1;
    let mut fx = Fixtures::default();
    let state = net.node(0).state().clone();

    // From MTUC: files for KSPI to accept, decline or keep, and cases
    // referred to KSPI, on their way while KSPI makes the rest.
    let files = n("incoming") + n("accepted") + 2;
    let mut sent = Vec::new();
    for _ in 0..files {
        let member = enrol(net, 1, TRANSFER_NAME).await;
        let c = consent(net, 1, &member, "KSPI", "representation in Malaysia").await;
        let t = made(
            net,
            1,
            Method::POST,
            "/api/v1/transfers",
            Some(json!({ "member": member, "destination": "KSPI", "consent": c })),
        )
        .await;
        sent.push((id_of(&t), member));
    }
    let mut referrals = Vec::new();
    for _ in 0..n("referred_case") {
        let case = made(
            net,
            1,
            Method::POST,
            "/api/v1/cases",
            Some(
                json!({ "kind": "complaint", "how": "hotline", "categories": ["unpaid_wages"],
                "origin_country": "ID", "destination_country": "MY", "worker_name": "Budi",
                "description": "Overtime unpaid at a plant in Johor." }),
            ),
        )
        .await;
        let id = id_of(&case);
        let step = |what: &str| format!("/api/v1/cases/{id}/{what}");
        made(
            net,
            1,
            Method::POST,
            &step("transition"),
            Some(json!({ "to": "verified" })),
        )
        .await;
        made(
            net,
            1,
            Method::POST,
            &step("consent"),
            Some(
                json!({ "given": "in_person", "contact_allowed": true, "affiliates": ["KSPI"],
                "purposes": ["recover unpaid wages"], "fields": ["description"] }),
            ),
        )
        .await;
        let referred = made(
            net,
            1,
            Method::POST,
            &step("referrals"),
            Some(json!({ "affiliate": "KSPI" })),
        )
        .await;
        referrals.push(referred["referrals"][0]["id"].as_str().unwrap().to_owned());
    }

    // Staff of KSPI: for each role an account, its session and its own token.
    let mut people = vec![Who::nobody("no credential")];
    for (role, username, display) in [
        (Role::Admin, "ada", "Ada"),
        (Role::CaseOfficer, "cora", "Cora"),
        (Role::Organiser, "olga", "Olga"),
        (Role::Viewer, "vic", "Vic"),
    ] {
        let token = net.staff_token(0, username, display, role).await;
        let me = Principal::Staff {
            username: username.into(),
            display_name: display.into(),
            role,
            token: None,
        };
        let spare = state
            .accounts()
            .create_api_token(&me, "spare")
            .await
            .unwrap()
            .1
            .id;
        let holder = me.holder();
        let session = login(net, http, username).await;
        people.push(Who {
            label: format!("{} session", role.as_str()),
            holder: Some(holder),
            session: Some(session),
            username: Some(username.into()),
            spare_token: Some(spare),
            ..Who::nobody("")
        });
        people.push(Who {
            label: format!("{} API token", role.as_str()),
            holder: Some(holder),
            token_name: Some(
                unionfed_node::credentials::principal_of_token(&state, &token)
                    .unwrap()
                    .unwrap()
                    .audit_name(),
            ),
            bearer: Some(token),
            ..Who::nobody("")
        });
    }
    people.push(Who {
        label: "node admin token".into(),
        holder: Some(Holder::AdminToken),
        bearer: Some(net.tokens[0].clone()),
        token_name: Some(Principal::AdminToken.audit_name()),
        ..Who::nobody("")
    });
    let partner = made(
        net,
        0,
        Method::POST,
        "/api/v1/partners",
        Some(json!({ "name": "Tenaganita", "kind": "ngo", "country": "MY" })),
    )
    .await;
    let partner_token = partner["token"].as_str().unwrap().to_owned();
    let partner_id = partner["partner"]["id"].as_str().unwrap().to_owned();
    people.push(Who {
        label: "partner token".into(),
        holder: Some(Holder::Partner),
        token_name: Some(
            unionfed_node::credentials::principal_of_token(&state, &partner_token)
                .unwrap()
                .unwrap()
                .audit_name(),
        ),
        bearer: Some(partner_token.clone()),
        ..Who::nobody("")
    });
    people.push(Who {
        bearer: Some(net.tokens[1].clone()),
        ..Who::nobody("MTUC's admin token")
    });
    state
        .accounts()
        .create_user(
            &Principal::AdminToken,
            NewUser {
                username: "lou".into(),
                display_name: "Lou".into(),
                role: Role::Viewer,
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();

    // The directory: a shelter the partner runs, with staff notes.
    let shelter = made(
        net,
        0,
        Method::POST,
        "/api/v1/directory",
        Some(
            json!({ "country": "MY", "kind": "shelter", "name": "Harbour shelter",
            "contact": "+60 3 0000 0000", "notes": SERVICE_NOTES, "partner": partner_id }),
        ),
    )
    .await;
    let shelter = id_of(&shelter);
    fx.one("shelter", vec![shelter.clone()]);

    // Members.
    let member = enrol(net, 0, MEMBER_NAME).await;
    consent(net, 0, &member, "MTUC", CONSENT_PURPOSE).await;
    fx.one("card", vec![net.card(0, &member).await]);
    fx.one("member", vec![member.clone()]);
    fx.one("edit_member", vec![enrol(net, 0, "Edi Pratama").await]);
    fx.one("status_member", vec![enrol(net, 0, "Susi Handayani").await]);
    made(
        net,
        0,
        Method::POST,
        "/api/v1/breaches",
        Some(json!({ "happened": BREACH_TEXT, "data": "names and phone numbers", "people": 120 })),
    )
    .await;
    let mut pool = Vec::new();
    for _ in 0..n("breach") {
        let b = made(
            net,
            0,
            Method::POST,
            "/api/v1/breaches",
            Some(json!({ "happened": "an e-mail to the wrong address", "data": "one case", "people": 1 })),
        )
        .await;
        pool.push(vec![id_of(&b)]);
    }
    fx.pool("breach", pool);
    let mut pool = Vec::new();
    for _ in 0..n("erasable_member") {
        pool.push(vec![enrol(net, 0, "Wulan Sari").await]);
    }
    fx.pool("erasable_member", pool);
    let mut pool = Vec::new();
    for _ in 0..n("dues_member") {
        pool.push(vec![enrol(net, 0, "Rini Susanti").await]);
    }
    fx.pool("dues_member", pool);
    let mut pool = Vec::new();
    for _ in 0..n("consent") {
        pool.push(vec![
            member.clone(),
            consent(net, 0, &member, "MTUC", "representation").await,
        ]);
    }
    fx.pool("consent", pool);
    let mut pool = Vec::new();
    for _ in 0..n("transferable") {
        let m = enrol(net, 0, "Tono Wijaya").await;
        let c = consent(net, 0, &m, "MTUC", "representation").await;
        pool.push(vec![m, c]);
    }
    fx.pool("transferable", pool);

    // Cases: one the worker follows with their receipt code, one staff
    // work on (verified, consented to the shelter, referred there), one
    // with a file, and fresh ones to move or erase.
    let (follow, receipt) = public_case(net).await;
    made(
        net,
        0,
        Method::POST,
        &format!("/api/v1/cases/{follow}/messages"),
        Some(json!({ "text": TO_WORKER })),
    )
    .await;
    fx.one("receipt", vec![receipt]);
    let (work, _) = public_case(net).await;
    let step = |what: &str| format!("/api/v1/cases/{work}/{what}");
    made(
        net,
        0,
        Method::POST,
        &step("transition"),
        Some(json!({ "to": "verified" })),
    )
    .await;
    made(
        net,
        0,
        Method::POST,
        &step("actions"),
        Some(json!({ "action": "note", "note": CASE_NOTE })),
    )
    .await;
    made(
        net,
        0,
        Method::POST,
        &step("consent"),
        Some(
            json!({ "given": "in_person", "contact_allowed": true, "services": [shelter],
            "purposes": ["a safe place to stay"], "fields": ["worker_name", "description"] }),
        ),
    )
    .await;
    let referred = made(
        net,
        0,
        Method::POST,
        &step("referrals"),
        Some(json!({ "service": shelter })),
    )
    .await;
    fx.one(
        "work_referral",
        vec![referred["referrals"][0]["id"].as_str().unwrap().to_owned()],
    );
    fx.one("work_case", vec![work.clone()]);
    let file_case = id_of(&made(net, 0, Method::POST, "/api/v1/cases", Some(staff_case())).await);
    let attached = reqwest::Client::new()
        .post(net.url(
            0,
            &format!("/api/v1/cases/{file_case}/attachments?name=contract.pdf"),
        ))
        .bearer_auth(&net.tokens[0])
        .header("content-type", "application/pdf")
        .body(pdf())
        .send()
        .await
        .unwrap();
    assert_eq!(attached.status(), 200);
    let attached: Value = attached.json().await.unwrap();
    fx.one(
        "file_sha",
        vec![attached["attachments"][0]["sha256"]
            .as_str()
            .unwrap()
            .to_owned()],
    );
    fx.one("file_case", vec![file_case]);
    let mut pool = Vec::new();
    for _ in 0..n("new_case") {
        pool.push(vec![id_of(
            &made(net, 0, Method::POST, "/api/v1/cases", Some(staff_case())).await,
        )]);
    }
    fx.pool("new_case", pool);
    let (_, referral) = net
        .call_as(
            0,
            &partner_token,
            Method::POST,
            "/api/v1/partner/referrals",
            Some(json!({ "kind": "complaint", "categories": ["unpaid_wages"],
                "destination_country": "MY", "worker_name": "Sri Wahyuni",
                "description": "Referred by the NGO." })),
        )
        .await;
    fx.one("partner_case", vec![id_of(&referral)]);

    // Partners, accounts and tokens to revoke or disable.
    let mut pool = Vec::new();
    for k in 0..n("revocable_partner") {
        let p = made(
            net,
            0,
            Method::POST,
            "/api/v1/partners",
            Some(json!({ "name": format!("Spare partner {k}"), "kind": "other" })),
        )
        .await;
        pool.push(vec![p["partner"]["id"].as_str().unwrap().to_owned()]);
    }
    fx.pool("revocable_partner", pool);
    let mut pool = Vec::new();
    for k in 0..n("dummy_user") {
        let name = format!("dummy{k}");
        state
            .accounts()
            .create_user(
                &Principal::AdminToken,
                NewUser {
                    username: name.clone(),
                    display_name: name.clone(),
                    role: Role::Viewer,
                    password: PASSWORD.into(),
                },
            )
            .await
            .unwrap();
        pool.push(vec![name]);
    }
    fx.pool("dummy_user", pool);
    net.staff_token(0, "tess", "Tess", Role::Organiser).await;
    let tess = Principal::Staff {
        username: "tess".into(),
        display_name: "Tess".into(),
        role: Role::Organiser,
        token: None,
    };
    let mut pool = Vec::new();
    for _ in 0..n("dummy_token") {
        let id = state
            .accounts()
            .create_api_token(&tess, "to revoke")
            .await
            .unwrap()
            .1
            .id;
        pool.push(vec!["tess".to_owned(), id]);
    }
    fx.pool("dummy_token", pool);
    let charter = std::fs::read(net.dir(0).join("charter.ufc")).unwrap();
    fx.one("charter", vec![hex::encode(charter)]);

    // What MTUC sent has arrived: files waiting for a decision, two of
    // them accepted (one for the transfer log read, the rest to end).
    for (id, _) in &sent {
        wait_for(60, "a file from MTUC at KSPI", || async {
            let (status, t) = net
                .call(0, Method::GET, &format!("/api/v1/transfers/{id}"), None)
                .await;
            (status == 200 && t["status"]["state"] == "received").then_some(())
        })
        .await;
    }
    let mut sent = sent.into_iter();
    let (shown, asked) = sent.next().unwrap();
    fx.one("shown_transfer", vec![shown]);
    fx.one("asked_member", vec![asked]);
    let (represented_transfer, represented) = sent.next().unwrap();
    let mut accept = vec![represented_transfer.clone()];
    fx.one("represented", vec![represented]);
    let accepted: Vec<Vec<String>> = sent
        .by_ref()
        .take(n("accepted"))
        .map(|t| vec![t.0])
        .collect();
    accept.extend(accepted.iter().map(|t| t[0].clone()));
    fx.pool("accepted", accepted);
    fx.pool("incoming", sent.map(|t| vec![t.0]).collect());
    for id in accept {
        made(
            net,
            0,
            Method::POST,
            &format!("/api/v1/transfers/{id}/accept"),
            None,
        )
        .await;
    }
    let here = wait_for(60, "MTUC's referrals at KSPI", || async {
        let (_, cases) = net.call(0, Method::GET, "/api/v1/cases", None).await;
        let by_handoff: HashMap<String, String> = cases
            .as_array()?
            .iter()
            .filter_map(|c| {
                let handoff = c["referred_from"]["handoff"].as_str()?;
                Some((handoff.to_owned(), id_of(c)))
            })
            .collect();
        referrals
            .iter()
            .map(|r| by_handoff.get(r).cloned().map(|c| vec![c]))
            .collect::<Option<Vec<_>>>()
    })
    .await;
    fx.pool("referred_case", here);
    (fx, people)
}

// --- asking ---------------------------------------------------------------------------

struct Answer {
    status: u16,
    location: String,
    cookie: String,
    body: String,
}

async fn ask(
    http: &reqwest::Client,
    net: &TestNet,
    who: &Who,
    door: Door,
    method: Method,
    path: &str,
    body: Body,
) -> Answer {
    let method_is_post = method == Method::POST;
    let mut r = http.request(method, net.url(0, path));
    if let Some(token) = &who.bearer {
        r = r.bearer_auth(token);
    }
    if let Some(s) = &who.session {
        r = r.header("cookie", format!("uf_session={}", s.cookie));
    }
    let csrf = who
        .session
        .as_ref()
        .filter(|_| door == Door::Page)
        .map(|s| s.csrf.clone());
    // A staff page's form without fields still carries the CSRF token.
    let body = match body {
        Body::None if door == Door::Page && method_is_post => Body::Form(Vec::new()),
        b => b,
    };
    r = match body {
        Body::None => r,
        Body::Json(v) => r.json(&v),
        Body::Form(mut pairs) => {
            if let Some(c) = csrf {
                pairs.push(("csrf", c));
            }
            r.form(&pairs)
        }
        Body::Raw {
            content_type,
            bytes,
            headers,
        } => {
            for (k, v) in headers {
                r = r.header(k, v);
            }
            r.header("content-type", content_type).body(bytes)
        }
        Body::Upload {
            name,
            content_type,
            bytes,
        } => {
            let boundary = "----unionfedmatrixboundary";
            let mut b = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: {content_type}\r\n\r\n",
                csrf.unwrap_or_default()
            )
            .into_bytes();
            b.extend_from_slice(&bytes);
            b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            r.header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(b)
        }
    };
    let r = r.send().await.unwrap();
    let header = |n: &str| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .unwrap_or_default()
    };
    let (location, cookie) = (header("location"), header("set-cookie"));
    let status = r.status().as_u16();
    let bytes = r.bytes().await.unwrap();
    Answer {
        status,
        location,
        cookie,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Where the answer differs from what the table says, if it does.
fn judge(row: &Row, who: &Who, expected: Expect, a: &Answer) -> Option<String> {
    let api_error = || {
        serde_json::from_str::<Value>(&a.body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    let fine = match expected {
        Expect::Unauthorized => {
            let code = if who.bearer.is_some() {
                "wrong_token"
            } else {
                "missing_token"
            };
            a.status == 401 && api_error() == code
        }
        Expect::ToLogin => a.status == 303 && a.location == "/login",
        Expect::Forbidden if row.door == Door::Api => a.status == 403 && api_error() == "forbidden",
        Expect::Forbidden => a.status == 403 && a.body.contains("Your role does not allow this."),
        Expect::Granted(reach) => {
            let succeeded = match row.ok {
                Some(s) => a.status == s,
                None => {
                    (200..300).contains(&a.status) || (a.status == 303 && a.location != "/login")
                }
            };
            let ended = !(row.ends_session && row.door == Door::Page)
                || a.cookie.starts_with("uf_session=;");
            if !succeeded || !ended {
                false
            } else if let Some(m) = row.hides.iter().find(|m| a.body.contains(**m)) {
                return Some(format!("this door should never show {m:?}"));
            } else if reach == Reach::Masked {
                if let Some(m) = row.shows.iter().find(|m| a.body.contains(**m)) {
                    return Some(format!("a masked answer shows {m:?}"));
                }
                true
            } else {
                if let Some(m) = row.shows.iter().find(|m| !a.body.contains(**m)) {
                    return Some(format!("a full answer lacks {m:?}"));
                }
                true
            }
        }
    };
    (!fine).then(|| {
        let excerpt: String = a.body.chars().take(160).collect();
        format!(
            "got {}{} {}",
            a.status,
            if a.location.is_empty() {
                String::new()
            } else {
                format!(" → {}", a.location)
            },
            excerpt.replace('\n', " ")
        )
    })
}

fn audit_head(net: &TestNet) -> u64 {
    net.node(0)
        .state()
        .audit_newest_first()
        .next()
        .map_or(0, |r| r.unwrap().seq)
}

fn audit_since(net: &TestNet, seq: u64) -> Vec<AuditRecord> {
    net.node(0)
        .state()
        .audit_newest_first()
        .map(Result::unwrap)
        .take_while(|r| r.seq > seq)
        .collect()
}

/// Whether the trail holds what the answer should have left in it.
fn audit_problem(row: &Row, who: &Who, expected: Expect, new: &[AuditRecord]) -> Option<String> {
    let action = row.action?;
    let name = audit_name(row, who);
    match expected {
        Expect::Granted(reach) if action.personal() && !action.changes() => {
            let mine: Vec<&AuditRecord> = new.iter().filter(|r| r.actor == name).collect();
            if mine.len() != 1 {
                let seen: Vec<String> = mine.iter().map(|r| r.action.clone()).collect();
                return Some(format!(
                    "{} audit records name {name:?} ({seen:?}), not one",
                    mine.len()
                ));
            }
            let masked_noted = mine[0]
                .detail
                .as_deref()
                .is_some_and(|d| d.contains("without personal fields"));
            (reach == Reach::Masked && !masked_noted)
                .then(|| format!("the masked read is recorded as {:?}", mine[0].detail))
        }
        Expect::Forbidden if action.personal() => {
            let refused = format!("refused_{}", action.audit_name());
            (!new.iter().any(|r| r.actor == name && r.action == refused))
                .then(|| format!("no {refused} record names {name:?}"))
        }
        _ => None,
    }
}

// --- the matrix -----------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_door_answers_every_principal_as_the_policy_table_says() {
    let started = Instant::now();
    let mut net = TestNet::prepare_tuned(2, |c| c.public_rate_limit_per_minute = u32::MAX);
    net.start(0).await;
    net.start(1).await;
    net.connect_all().await;
    net.wait_connected().await;
    let http = staffweb::client();
    let rows = table();
    for a in Action::ALL {
        // Only a signed handoff between nodes delivers one; no HTTP door does.
        let by_handoff = a == Action::DeliverHandoff;
        let covered = rows.iter().any(|r| r.action == Some(a));
        assert!(
            covered != by_handoff,
            "no row of the matrix exercises {a:?}"
        );
    }

    // How many fresh objects the callers the table lets in need.
    let counting: Vec<Who> = {
        let mut kinds = vec![Who::nobody("no credential")];
        for role in [
            Holder::Admin,
            Holder::CaseOfficer,
            Holder::Organiser,
            Holder::Viewer,
        ] {
            kinds.push(Who {
                holder: Some(role),
                session: Some(Session {
                    cookie: String::new(),
                    csrf: String::new(),
                }),
                ..Who::nobody("")
            });
            kinds.push(Who {
                holder: Some(role),
                token_name: Some(String::new()),
                ..Who::nobody("")
            });
        }
        for holder in [Holder::AdminToken, Holder::Partner] {
            kinds.push(Who {
                holder: Some(holder),
                token_name: Some(String::new()),
                ..Who::nobody("")
            });
        }
        kinds.push(Who::nobody("another affiliate"));
        kinds
    };
    let wanted = RefCell::new(HashMap::new());
    for r in &rows {
        for who in &counting {
            let mut fill = Fill {
                fixtures: None,
                wanted: Some(&wanted),
                fresh: matches!(expect(r, who), Expect::Granted(_)),
                who,
                drawn: HashMap::new(),
            };
            fill.path(r.path);
            let _ = (r.body)(&mut fill);
        }
    }
    let (fixtures, mut people) = make_fixtures(&net, &http, &wanted.into_inner()).await;
    assert_eq!(people.len(), counting.len());
    let ready = started.elapsed();

    let mut problems = Vec::new();
    let mut checked = 0;
    for r in &rows {
        for me in &mut people {
            let who = &*me;
            let expected = expect(r, who);
            let mut fill = Fill {
                fixtures: Some(&fixtures),
                wanted: None,
                fresh: matches!(expected, Expect::Granted(_)),
                who,
                drawn: HashMap::new(),
            };
            let path = fill.path(r.path);
            let body = (r.body)(&mut fill);
            let json_body = matches!(body, Body::Json(_));
            let before = audit_head(&net);
            let answer = ask(&http, &net, who, r.door, r.method.clone(), &path, body).await;
            let new = audit_since(&net, before);
            let door = match r.door {
                Door::Api => "API",
                Door::Page => "page",
                Door::Open => "open",
            };
            let what = format!(
                "{door} {} {} as {}: expected {expected:?}",
                r.method, path, who.label
            );
            if let Some(p) = judge(r, who, expected, &answer) {
                problems.push(format!("{what}, {p}"));
            } else if let Some(p) = audit_problem(r, who, expected, &new) {
                problems.push(format!("{what}, {p}"));
            }
            checked += 1;
            // A refused caller learns nothing from a body that does not
            // parse: the same refusal, recorded the same way.
            if json_body && r.door == Door::Api && matches!(expected, Expect::Forbidden) {
                let broken = Body::Raw {
                    content_type: "application/json",
                    bytes: b"{\"half\": ".to_vec(),
                    headers: Vec::new(),
                };
                let before = audit_head(&net);
                let answer = ask(&http, &net, who, r.door, r.method.clone(), &path, broken).await;
                let new = audit_since(&net, before);
                let what = format!("{what}, with a body that does not parse");
                if let Some(p) = judge(r, who, expected, &answer) {
                    problems.push(format!("{what}, {p}"));
                } else if let Some(p) = audit_problem(r, who, expected, &new) {
                    problems.push(format!("{what}, {p}"));
                }
                checked += 1;
            }
            // A new session for the next row, where the answer ended it.
            if r.ends_session && who.session.is_some() {
                let username = who.username.clone().unwrap();
                me.session = Some(login(&net, &http, &username).await);
            }
        }
    }
    println!(
        "the matrix: {} rows × {} principals = {checked} answers checked; \
         fixtures ready after {:.1}s, all done after {:.1}s",
        rows.len(),
        people.len(),
        ready.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    net.shutdown().await;
    assert!(
        problems.is_empty(),
        "{} answers differ from the policy table:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
