//! The public pages under `/p`: check a card, file a complaint, follow it
//! with the receipt code. Plain HTML forms, no script, in the reader's
//! language; nothing about the reader is logged or stored.

use super::i18n::{catalogs, Tr, CATALOGS};
use super::{page, FormFields};
use crate::api::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::convert::Infallible;
use unionfed_core::access::Principal;
use unionfed_core::card_check;
use unionfed_core::cases::public::{PublicComplaint, ReceiptQuery, WorkerMessage};
use unionfed_core::cases::taxonomy::{Category, RiskFlag};
use unionfed_core::cases::CaseKind;
use unionfed_core::error::NodeError;

/// The reader's language, from the `uf_lang` cookie or `Accept-Language`.
#[derive(Debug, Clone, Copy)]
pub struct PageLang(pub Tr);

/// Whose public pages these are: the union's name and how to reach it,
/// from the configuration, in the header of every page.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    pub name: String,
    pub contact: Option<String>,
}

impl Site {
    /// The message `key` with `{ $union }` naming this union.
    pub(crate) fn said(&self, t: &Tr, key: &str) -> String {
        t.with(key, &[("union", &self.name)])
    }
}

pub(crate) fn site(state: &AppState) -> Site {
    Site {
        name: state.config.name.clone(),
        contact: state.config.public_contact.clone(),
    }
}

pub(crate) fn lang_of(headers: &HeaderMap) -> Tr {
    let cookie = super::cookie(headers, "uf_lang");
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Tr {
        lang: catalogs().negotiate(cookie.as_deref(), accept),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(PageLang(lang_of(&parts.headers)))
    }
}

#[derive(Template)]
#[template(path = "p_home.html")]
struct HomePage {
    t: Tr,
    site: Site,
    back: &'static str,
}

#[derive(Template)]
#[template(path = "p_error.html")]
struct ErrorPage {
    t: Tr,
    site: Site,
    back: &'static str,
    message: String,
}

#[derive(Template)]
#[template(path = "p_privacy.html")]
struct PrivacyPage {
    t: Tr,
    site: Site,
    back: &'static str,
    who: String,
    keep: String,
    contact: Option<String>,
}

/// What the union keeps of what a worker sends here, for how long, and
/// whom to ask: named from the node's configuration.
pub(crate) async fn privacy(State(state): State<AppState>, PageLang(t): PageLang) -> Response {
    let config = &state.config;
    let who = t.with(
        "privacy-who",
        &[
            ("union", &config.name),
            ("country", &t.country(config.country.as_str())),
        ],
    );
    let keep = t.with(
        "privacy-keep",
        &[("days", &config.case_retention_days.to_string())],
    );
    let contact = config
        .privacy_contact
        .as_ref()
        .map(|c| t.with("privacy-contact", &[("contact", c)]));
    page(
        StatusCode::OK,
        PrivacyPage {
            t,
            site: site(&state),
            back: "/p/privacy",
            who,
            keep,
            contact,
        }
        .render(),
    )
}

pub(crate) async fn home(State(state): State<AppState>, PageLang(t): PageLang) -> Response {
    let site = site(&state);
    page(
        StatusCode::OK,
        HomePage {
            t,
            site,
            back: "/p",
        }
        .render(),
    )
}

/// An error page in the reader's language.
pub(crate) fn error_page(t: Tr, status: StatusCode, key: &str, back: &'static str) -> Response {
    error_page_with(t, status, &t.get(key), back)
}

/// An error page with a message already in the reader's language.
pub(crate) fn error_page_with(
    t: Tr,
    status: StatusCode,
    message: &str,
    back: &'static str,
) -> Response {
    page(
        status,
        ErrorPage {
            t,
            // Said where no node is at hand: the pages' own title.
            site: Site {
                name: t.get("site-title"),
                contact: None,
            },
            back,
            message: message.to_owned(),
        }
        .render(),
    )
}

/// The page the rate limiter answers with on `/p`.
pub(crate) fn too_many(headers: &HeaderMap) -> Response {
    error_page(
        lang_of(headers),
        StatusCode::TOO_MANY_REQUESTS,
        "error-too-many",
        "/p",
    )
}

// --- card check ------------------------------------------------------------------

/// A card verdict in the reader's language, for the public and staff pages.
pub(crate) struct VerdictView {
    /// Whether the code could be read at all: an unreadable code is not
    /// a false card, and is said to be neither valid nor invalid.
    pub readable: bool,
    pub valid: bool,
    /// The issuing union: its name, code and country.
    pub issuer: Option<String>,
    pub holder: Option<String>,
    pub status: String,
    /// Each representing union: its name, code and country.
    pub representing: Vec<String>,
    pub valid_until: Option<String>,
    /// Since when the holder is a member, and until when the membership
    /// runs, as the issuer last signed it.
    pub member_since: Option<String>,
    pub membership_until: Option<String>,
    /// Renewed since the card was issued; renewal overdue.
    pub notes: Vec<String>,
    pub problems: Vec<String>,
    /// What was pasted, to correct when it could not be read.
    pub entered: String,
}

/// Checks a pasted or scanned card against this node's replica.
pub(crate) fn check_card(
    state: &AppState,
    t: Tr,
    text: &str,
) -> (VerdictView, card_check::CardVerdict) {
    let v = state.check_card(text);
    let mut problems: Vec<String> = Vec::new();
    for p in &v.problems {
        let line = t.get(problem_key(p.code));
        if !problems.contains(&line) {
            problems.push(line);
        }
    }
    let status_key = match (v.reason.as_deref(), v.status.as_deref()) {
        (Some("erased"), _) => "status-erased".to_owned(),
        (_, status) => format!("status-{}", status.unwrap_or("unknown")),
    };
    let held = state.charter();
    let union = |code: &str| {
        let listed = code
            .parse::<unionfed_protocol::AffiliateId>()
            .ok()
            .and_then(|id| held.charter.affiliate(&id).cloned());
        match listed {
            Some(a) => format!("{} ({code}), {}", a.name, t.country(a.country.as_str())),
            None => code.to_owned(),
        }
    };
    let day = |s: u64| unionfed_core::cases::reports::day_string(unionfed_protocol::Timestamp(s));
    let mut notes = Vec::new();
    if let Some(until) = v.renewed_until {
        notes.push(t.with("card-renewed", &[("day", &day(until))]));
    }
    if let Some(since) = v.renewal_overdue_since {
        notes.push(t.with("card-renewal-due", &[("day", &day(since))]));
    }
    let view = VerdictView {
        readable: v.issuer.is_some() || v.member_id.is_some(),
        valid: v.valid,
        issuer: v.issuer.as_deref().map(union),
        holder: v.holder_name.clone(),
        status: t.get(&status_key),
        representing: v.representing.iter().map(|r| union(r)).collect(),
        valid_until: v.expires_at.map(day),
        member_since: v.member_since.map(day),
        membership_until: v.valid_until.map(day),
        notes,
        problems,
        entered: text.trim().chars().take(4000).collect(),
    };
    (view, v)
}

#[derive(Template)]
#[template(path = "p_card.html")]
struct CardPage {
    t: Tr,
    site: Site,
    back: &'static str,
    verdict: Option<VerdictView>,
    /// Shown on the staff page only; the public page says no member id.
    member: Option<(String, String)>,
    /// A verdict on a code that could be read (else the form again).
    read: bool,
}

pub(crate) async fn card_form(State(state): State<AppState>, PageLang(t): PageLang) -> Response {
    super::page_with_scanner(
        StatusCode::OK,
        CardPage {
            t,
            site: site(&state),
            back: "/p/card",
            verdict: None,
            member: None,
            read: false,
        }
        .render(),
    )
}

/// The catalog key that explains a card problem to a worker.
fn problem_key(code: &str) -> &'static str {
    match code {
        "bad_signature" | "unknown_signer" | "key_not_valid_at" | "signer_mismatch" => {
            "card-problem-forged"
        }
        "card_expired" | "card_not_yet_valid" => "card-problem-expired",
        "card_no_attestation" => "card-problem-unknown-member",
        "card_holder_mismatch" => "card-problem-changed",
        "card_status" => "card-problem-status",
        _ => "card-problem-unreadable",
    }
}

pub(crate) async fn card_check(
    State(state): State<AppState>,
    PageLang(t): PageLang,
    FormFields(form): FormFields,
) -> Response {
    let (view, _) = check_card(&state, t, &form.one("card"));
    page(
        StatusCode::OK,
        CardPage {
            t,
            site: site(&state),
            back: "/p/card",
            read: view.readable,
            verdict: Some(view),
            member: None,
        }
        .render(),
    )
}

// --- complaint --------------------------------------------------------------------

struct Choice {
    code: String,
    label: String,
    chosen: bool,
}

struct FieldError {
    field: &'static str,
    message: String,
}

#[derive(Default)]
struct ComplaintForm {
    kind: String,
    description: String,
    employer: String,
    country: String,
    name: String,
    contact: String,
}

#[derive(Template)]
#[template(path = "p_complaint.html")]
struct ComplaintPage {
    t: Tr,
    site: Site,
    back: &'static str,
    category_error: Option<String>,
    description_error: Option<String>,
    country_error: Option<String>,
    errors: Vec<FieldError>,
    form: ComplaintForm,
    categories: Vec<Choice>,
    risks: Vec<Choice>,
}

fn complaint_page(
    t: Tr,
    site: Site,
    form: ComplaintForm,
    chosen: &[String],
    risks: &[String],
    errors: Vec<FieldError>,
) -> Response {
    let categories = choices(
        t,
        "cat",
        Category::ALL.iter().map(unionfed_core::cases::code_of),
        chosen,
    );
    let risk_choices = choices(
        t,
        "risk",
        RiskFlag::ALL.iter().map(unionfed_core::cases::code_of),
        risks,
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page(
        status,
        ComplaintPage {
            t,
            site,
            back: "/p/complaint",
            category_error: message_for(&errors, "categories"),
            description_error: message_for(&errors, "description"),
            country_error: message_for(&errors, "country"),
            errors,
            form,
            categories,
            risks: risk_choices,
        }
        .render(),
    )
}

/// Check boxes labelled `<prefix>-<code>` from the catalog.
fn choices(
    t: Tr,
    prefix: &str,
    codes: impl Iterator<Item = String>,
    chosen: &[String],
) -> Vec<Choice> {
    codes
        .map(|code| Choice {
            label: t.get(&format!("{prefix}-{code}")),
            chosen: chosen.contains(&code),
            code,
        })
        .collect()
}

fn message_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

pub(crate) async fn complaint_form(
    State(state): State<AppState>,
    PageLang(t): PageLang,
) -> Response {
    complaint_page(
        t,
        site(&state),
        ComplaintForm::default(),
        &[],
        &[],
        Vec::new(),
    )
}

#[derive(Template)]
#[template(path = "p_filed.html")]
struct FiledPage {
    t: Tr,
    site: Site,
    back: &'static str,
    code: String,
    reference: String,
    /// The worker said they are in danger: what to do now.
    danger: Option<Danger>,
    /// Hours within which the union will answer.
    answer_within: String,
}

/// For a worker who ticked a risk: the help the directory lists in the
/// country of work (or of this union), to reach at once.
struct Danger {
    country: String,
    /// (kind, name, contact) of each service.
    help: Vec<(String, String, String)>,
}

pub(crate) async fn complaint_submit(
    State(state): State<AppState>,
    PageLang(t): PageLang,
    FormFields(fields): FormFields,
) -> Response {
    let form = ComplaintForm {
        kind: fields.one("kind"),
        description: fields.one("description"),
        employer: fields.one("employer"),
        country: fields.one("country").trim().to_uppercase(),
        name: fields.one("name"),
        contact: fields.one("contact"),
    };
    let chosen = fields.all("category");
    let risks = fields.all("risk");
    let mut errors = Vec::new();
    let categories: Vec<Category> = chosen
        .iter()
        .filter_map(|c| unionfed_core::cases::from_code(c))
        .collect();
    let risk_flags: Vec<RiskFlag> = risks
        .iter()
        .filter_map(|c| unionfed_core::cases::from_code(c))
        .collect();
    if categories.is_empty() {
        errors.push(FieldError {
            field: "categories",
            message: t.get("error-category"),
        });
    }
    if form.description.trim().is_empty() {
        errors.push(FieldError {
            field: "description",
            message: t.get("error-description"),
        });
    }
    let country = if form.country.is_empty() {
        None
    } else {
        match form.country.parse() {
            Ok(c) if unionfed_core::countries::is_country(c) => Some(c),
            _ => {
                errors.push(FieldError {
                    field: "country",
                    message: t.get("error-country"),
                });
                None
            }
        }
    };
    if !errors.is_empty() {
        return complaint_page(t, site(&state), form, &chosen, &risks, errors);
    }
    let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let input = PublicComplaint {
        kind: if form.kind == "inquiry" {
            CaseKind::Inquiry
        } else {
            CaseKind::Complaint
        },
        categories,
        risk_flags,
        origin_country: None,
        destination_country: country,
        sector: None,
        employer: optional(&form.employer),
        recruitment_agency: None,
        name: optional(&form.name),
        contact: optional(&form.contact),
        description: form.description.clone(),
        passphrase: optional(&fields.one("passphrase")),
    };
    match state
        .cases()
        .file_complaint(&Principal::Public, input)
        .await
    {
        Ok((case, code)) => {
            let danger = (!case.risk_flags.is_empty()).then(|| {
                let country = case.destination_country.unwrap_or(state.config.country);
                let help = state
                    .cases()
                    .directory(&Principal::Public, Some(country), None)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|s| s.contact.is_some())
                    .map(|s| {
                        let kind = t.get(&format!(
                            "org-kind-{}",
                            unionfed_core::cases::code_of(&s.kind)
                        ));
                        (kind, s.name, s.contact.unwrap_or_default())
                    })
                    .collect();
                Danger {
                    country: t.country(country.as_str()),
                    help,
                }
            });
            page(
                StatusCode::CREATED,
                FiledPage {
                    t,
                    site: site(&state),
                    back: "/p/complaint",
                    answer_within: t.with(
                        "complaint-answer-within",
                        &[("hours", &case.priority.first_response_hours().to_string())],
                    ),
                    code,
                    reference: case.reference,
                    danger,
                }
                .render(),
            )
        }
        Err(NodeError::Invalid(_)) => error_page(
            t,
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-description",
            "/p/complaint",
        ),
        Err(e) => {
            tracing::error!(error = %e, "a public complaint could not be stored");
            error_page(
                t,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-heading",
                "/p/complaint",
            )
        }
    }
}

// --- follow my case -----------------------------------------------------------------

struct MessageView {
    class: &'static str,
    from: String,
    day: String,
    text: String,
}

struct FollowView {
    reference: String,
    status: String,
    handled_by: Option<String>,
    messages: Vec<MessageView>,
}

#[derive(Template)]
#[template(path = "p_follow.html")]
struct FollowPage {
    t: Tr,
    site: Site,
    back: &'static str,
    error: Option<String>,
    view: Option<FollowView>,
    code: String,
    passphrase: String,
    sent: bool,
}

pub(crate) async fn follow_form(State(state): State<AppState>, PageLang(t): PageLang) -> Response {
    page(
        StatusCode::OK,
        FollowPage {
            t,
            site: site(&state),
            back: "/p/case",
            error: None,
            view: None,
            code: String::new(),
            passphrase: String::new(),
            sent: false,
        }
        .render(),
    )
}

fn follow_page(
    t: Tr,
    site: Site,
    query: ReceiptQuery,
    found: Result<unionfed_core::cases::public::PublicCaseView, NodeError>,
    sent: bool,
) -> Response {
    let (status, error, view) = match found {
        Ok(v) => {
            let view = FollowView {
                reference: v.reference,
                status: t.get(&format!("case-status-{}", v.status.as_str())),
                handled_by: v.handled_by.map(|h| {
                    format!(
                        "{} ({})",
                        h.affiliate,
                        t.get(&format!("case-status-{}", h.status.as_str()))
                    )
                }),
                messages: v
                    .messages
                    .into_iter()
                    .map(|m| MessageView {
                        class: if m.from == "union" { "union" } else { "worker" },
                        from: t.get(if m.from == "union" {
                            "follow-from-union"
                        } else {
                            "follow-from-you"
                        }),
                        day: unionfed_core::cases::reports::day_string(m.day),
                        text: m.text,
                    })
                    .collect(),
            };
            (StatusCode::OK, None, Some(view))
        }
        Err(NodeError::NoReceiptMatch | NodeError::Invalid(_)) => {
            (StatusCode::NOT_FOUND, Some(t.get("error-not-found")), None)
        }
        Err(e) => {
            tracing::error!(error = %e, "a receipt lookup failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Some(t.get("error-heading")),
                None,
            )
        }
    };
    page(
        status,
        FollowPage {
            t,
            site,
            back: "/p/case",
            error,
            // The code stays to be corrected; the secret word does not.
            code: query.receipt_code,
            passphrase: if view.is_some() {
                query.passphrase.unwrap_or_default()
            } else {
                String::new()
            },
            view,
            sent,
        }
        .render(),
    )
}

fn receipt_query(fields: &super::Fields) -> ReceiptQuery {
    ReceiptQuery {
        receipt_code: fields.one("receipt_code"),
        passphrase: Some(fields.one("passphrase")).filter(|p| !p.is_empty()),
    }
}

pub(crate) async fn follow(
    State(state): State<AppState>,
    PageLang(t): PageLang,
    FormFields(fields): FormFields,
) -> Response {
    let query = receipt_query(&fields);
    let found = state.cases().follow_case(&Principal::Public, &query).await;
    follow_page(t, site(&state), query, found, false)
}

pub(crate) async fn follow_message(
    State(state): State<AppState>,
    PageLang(t): PageLang,
    FormFields(fields): FormFields,
) -> Response {
    let query = receipt_query(&fields);
    let text = fields.one("text");
    if text.trim().is_empty() {
        let found = state.cases().follow_case(&Principal::Public, &query).await;
        return follow_page(t, site(&state), query, found, false);
    }
    let sent = state
        .cases()
        .message_from_worker(
            &Principal::Public,
            WorkerMessage {
                receipt_code: query.receipt_code.clone(),
                passphrase: query.passphrase.clone(),
                text,
            },
        )
        .await;
    let ok = sent.is_ok();
    follow_page(t, site(&state), query, sent, ok)
}

// --- language ------------------------------------------------------------------------

/// Remembers the chosen language for a year and goes back to the page.
pub(crate) async fn choose_language(FormFields(fields): FormFields) -> Response {
    let lang = fields.one("lang");
    let back = fields.one("back");
    // Only a page of this node (not the API), in characters a Location
    // header can hold.
    let back = if back.starts_with('/')
        && !back.starts_with("/api/")
        && !back.contains("//")
        && !back.contains('\\')
        && back.bytes().all(|b| b.is_ascii_graphic())
    {
        back
    } else {
        "/p".to_owned()
    };
    let mut response = Redirect::to(&back).into_response();
    if let Some((tag, _, _)) = CATALOGS.iter().find(|(tag, _, _)| *tag == lang) {
        if let Ok(v) =
            format!("uf_lang={tag}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly").parse()
        {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    response
}

// --- know your rights -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "p_rights.html")]
struct RightsPage {
    t: Tr,
    site: Site,
    back: &'static str,
    countries: Vec<(String, bool)>,
    unions: Vec<String>,
    services: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct RightsQuery {
    #[serde(default)]
    country: String,
}

/// The rights every migrant worker has, with the unions of the federation
/// in the country of work (from the charter) and the services there (from
/// this node's directory).
pub(crate) async fn rights(
    State(state): State<AppState>,
    PageLang(t): PageLang,
    query: Result<axum::extract::Query<RightsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let held = state.charter();
    let mut countries: Vec<String> = held
        .charter
        .affiliates
        .iter()
        .map(|a| a.country.as_str().to_owned())
        .collect();
    countries.sort();
    countries.dedup();
    let wanted = query
        .map(|q| q.0.country.trim().to_uppercase())
        .unwrap_or_default();
    let chosen = if countries.contains(&wanted) {
        wanted
    } else {
        state.config.country.as_str().to_owned()
    };
    let unions = held
        .charter
        .affiliates
        .iter()
        .filter(|a| a.country.as_str() == chosen)
        .map(|a| format!("{} ({})", a.name, a.id))
        .collect();
    let services = chosen
        .parse()
        .ok()
        .and_then(|c| {
            state
                .cases()
                .directory(&Principal::Public, Some(c), None)
                .ok()
        })
        .unwrap_or_default()
        .into_iter()
        .map(|s| match s.contact {
            Some(contact) => format!("{}: {contact}", s.name),
            None => s.name,
        })
        .collect();
    page(
        StatusCode::OK,
        RightsPage {
            t,
            site: site(&state),
            back: "/p/rights",
            countries: countries
                .into_iter()
                .map(|c| (c.clone(), c == chosen))
                .collect(),
            unions,
            services,
        }
        .render(),
    )
}
