//! Member pages for staff: search, enrol, a member's record with status
//! changes and transfer log, and a printable card with its QR code.
//! Organisers and admins change members; a viewer sees no personal field.

use super::i18n::Tr;
use super::page;
use super::staff::{message_page, Me, Staff, StaffForm};
use crate::api::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use unionfed_core::access::Action;
use unionfed_core::error::NodeError;
use unionfed_core::members::{MemberRecord, NewMember, StatusChange, WorkDetails};
use unionfed_protocol::entry::MemberStatus;
use unionfed_protocol::MemberId;

/// The first 8 of a member id's 32 digits, enough to tell members apart on a page.
pub(crate) fn short_id(id: &MemberId) -> String {
    id.to_string()[..8].to_owned()
}

/// What a viewer sees in place of a member's name.
pub(crate) fn hidden_name(t: Tr, id: &MemberId) -> String {
    format!("{} {}", t.get("member-id"), short_id(id))
}

/// The name staff see: in its place, the short id when the domain took it
/// out (a masked record has no name).
fn shown_name(t: Tr, m: &MemberRecord) -> String {
    if m.holder_name.is_empty() {
        hidden_name(t, &m.id)
    } else {
        m.holder_name.clone()
    }
}

fn status_text(t: Tr, s: MemberStatus) -> String {
    t.get(&format!("status-{}", s.as_str()))
}

struct Row {
    id: String,
    name: String,
    status: String,
    home: String,
    since: String,
    /// For a member of this union; another union's member runs as it signs.
    valid_until: String,
}

#[derive(Template)]
#[template(path = "s_members.html")]
struct MembersPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    q: String,
    rows: Vec<Row>,
    may_enrol: bool,
    renewals: Vec<RenewalRow>,
}

/// A member whose renewal is due, on the members page.
struct RenewalRow {
    id: String,
    name: String,
    valid_until: String,
    lapses_on: String,
    /// The membership has run out; it is in its grace period.
    overdue: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Search {
    #[serde(default)]
    q: String,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    staff: Staff,
    search: Result<Query<Search>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = search.map(|Query(s)| s.q).unwrap_or_default();
    let at = unionfed_core::node::now();
    let (members, due) = match state.members().members_page(&staff.who, &q, 500, at) {
        Ok(m) => m,
        Err(e) => return staff.error_page(e),
    };
    let rows = members
        .iter()
        .map(|m| Row {
            id: m.id.to_string(),
            name: shown_name(staff.t, m),
            status: status_text(staff.t, m.status),
            home: m
                .home
                .as_ref()
                .map_or(staff.t.get("member-this-union"), ToString::to_string),
            since: unionfed_core::cases::reports::day_string(m.member_since),
            valid_until: if m.home.is_none() {
                unionfed_core::cases::reports::day_string(m.valid_until)
            } else {
                "—".into()
            },
        })
        .collect();
    let renewals = due
        .iter()
        .map(|d| RenewalRow {
            id: d.member.id.to_string(),
            name: shown_name(staff.t, &d.member),
            valid_until: unionfed_core::cases::reports::day_string(d.member.valid_until),
            lapses_on: unionfed_core::cases::reports::day_string(d.lapses_at),
            overdue: d.member.valid_until <= at,
        })
        .collect();
    page(
        StatusCode::OK,
        MembersPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            q,
            rows,
            may_enrol: staff.who.may(Action::ChangeMember),
            renewals,
        }
        .render(),
    )
}

#[derive(Default)]
struct EnrolForm {
    holder_name: String,
    date_of_birth: String,
    contact: String,
    sector: String,
    employer: String,
    origin_country: String,
    destination_country: String,
}

#[derive(Template)]
#[template(path = "s_member_new.html")]
struct EnrolPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    error: Option<String>,
    form: EnrolForm,
}

fn enrol_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    error: Option<String>,
    form: EnrolForm,
) -> Response {
    page(
        status,
        EnrolPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            error,
            form,
        }
        .render(),
    )
}

pub(crate) async fn new_form(State(state): State<AppState>, staff: Staff) -> Response {
    if let Some(r) = staff.unless_may(&state, Action::ChangeMember, "new member") {
        return r;
    }
    enrol_page(&state, &staff, StatusCode::OK, None, EnrolForm::default())
}

pub(crate) async fn enrol(
    State(state): State<AppState>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    if let Some(r) = staff.unless_may(&state, Action::ChangeMember, "new member") {
        return r;
    }
    let form = EnrolForm {
        holder_name: f.one("holder_name"),
        date_of_birth: f.one("date_of_birth"),
        contact: f.one("contact"),
        sector: f.one("sector"),
        employer: f.one("employer"),
        origin_country: f.one("origin_country").trim().to_uppercase(),
        destination_country: f.one("destination_country").trim().to_uppercase(),
    };
    let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let country = |s: &str| -> Result<Option<unionfed_protocol::CountryCode>, String> {
        match optional(s) {
            None => Ok(None),
            Some(c) => c
                .parse()
                .map(Some)
                .map_err(|_| staff.t.get("error-country")),
        }
    };
    let (origin, destination) = match (
        country(&form.origin_country),
        country(&form.destination_country),
    ) {
        (Ok(o), Ok(d)) => (o, d),
        (Err(e), _) | (_, Err(e)) => {
            return enrol_page(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(e),
                form,
            )
        }
    };
    let input = NewMember {
        holder_name: form.holder_name.clone(),
        date_of_birth: optional(&form.date_of_birth),
        contact: optional(&form.contact),
        sector: optional(&form.sector),
        employer: optional(&form.employer),
        work: WorkDetails::default(),
        origin_country: origin,
        destination_country: destination,
    };
    match state.members().enrol(&staff.who, input).await {
        Ok(record) => Redirect::to(&format!("/members/{}?enrolled=1", record.id)).into_response(),
        Err(NodeError::Invalid(m)) => enrol_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(staff.input_error(&m)),
            form,
        ),
        Err(e) => staff.error_page(e),
    }
}

struct MemberView {
    id: String,
    name: String,
    status: String,
    since: String,
    valid_until: String,
    home: String,
    represented_by: Vec<String>,
    fields: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "s_member.html")]
struct MemberPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    m: MemberView,
    notice: Option<String>,
    error: Option<String>,
    may_change: bool,
    /// May export everything held about the member (their access request).
    may_export: bool,
    /// May erase the member (admins); not offered once erased.
    may_erase: bool,
    statuses: Vec<(&'static str, String, bool)>,
    transfers: Vec<String>,
    /// (field, label key, value) of the details an organiser may change.
    editable: Vec<(&'static str, &'static str, String)>,
    sees_personal: bool,
    consents: Vec<ConsentRow>,
    /// Everything the consent and transfer forms offer.
    moves: super::member_moves::MoveChoices,
    dues: DuesSection,
}

/// What the member page says about dues and renewal.
struct DuesSection {
    /// Shown: a member of this union, to a reader of personal fields.
    shown: bool,
    /// "Lapses on ... unless dues renew it", for an active membership.
    lapses: Option<String>,
    /// Dues may be recorded: not for a revoked or erased membership.
    payable: bool,
    /// The renewal form's hint, naming the day the membership runs to.
    hint: String,
    /// (from, until, amount, receipt, recorded) of each period paid.
    periods: Vec<[String; 5]>,
    /// The form's first and last day: what was entered, else the day
    /// after the membership runs out (today if that has passed) and one
    /// membership period on.
    from: String,
    until: String,
    amount: String,
    receipt: String,
}

fn dues_section(
    state: &AppState,
    t: Tr,
    r: &MemberRecord,
    shown: bool,
    entered: &super::Fields,
) -> DuesSection {
    use unionfed_core::cases::reports::day_string as day;
    let now = unionfed_core::node::now();
    const DAY: u64 = 86_400;
    let start = r
        .valid_until
        .max(unionfed_protocol::Timestamp(now.secs() / DAY * DAY));
    let end = unionfed_protocol::Timestamp(
        start.secs() + (u64::from(state.config.membership_validity_days) - 1) * DAY,
    );
    let or = |field: &str, default: String| {
        let v = entered.one(field);
        if v.trim().is_empty() {
            default
        } else {
            v
        }
    };
    let lapses = (r.status == MemberStatus::Active).then(|| {
        t.with(
            "dues-lapses",
            &[("day", &day(state.members().lapses_at(r)))],
        )
    });
    DuesSection {
        shown: shown && r.home.is_none(),
        lapses,
        payable: r.status != MemberStatus::Revoked
            && r.holder_name != unionfed_core::members::ERASED_NAME,
        hint: t.with("dues-hint", &[("day", &day(r.valid_until))]),
        periods: r
            .dues
            .iter()
            .map(|p| {
                [
                    p.from.clone(),
                    p.until.clone(),
                    p.amount.clone().unwrap_or_default(),
                    p.receipt.clone().unwrap_or_default(),
                    day(p.recorded_at),
                ]
            })
            .collect(),
        from: or("dues_from", day(start)),
        until: or("dues_until", day(end)),
        amount: entered.one("dues_amount"),
        receipt: entered.one("dues_receipt"),
    }
}

/// One consent as the member page lists it.
pub(crate) struct ConsentRow {
    pub id: String,
    pub recipient: String,
    pub purposes: String,
    pub data: String,
    pub when: String,
    /// Not yet withdrawn: it may be withdrawn, and may carry a transfer.
    pub in_force: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Shown {
    #[serde(default)]
    enrolled: Option<String>,
    #[serde(default)]
    dues: Option<String>,
}

/// When a consent was recorded, and withdrawn if it was.
fn consent_when(t: Tr, c: &unionfed_core::transfers::Consent) -> String {
    let day = unionfed_core::cases::reports::day_string;
    let withdrawn = c
        .withdrawn_at
        .map(|w| format!(" ({} {})", t.get("consent-withdrawn"), day(w)))
        .unwrap_or_default();
    day(c.recorded_at) + &withdrawn
}

pub(crate) fn parse_id(id: &str) -> Option<MemberId> {
    id.parse().ok()
}

pub(crate) fn member_page(
    state: &AppState,
    staff: &Staff,
    id: &MemberId,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    member_page_with(state, staff, id, notice, error, None)
}

/// The member page again after a refused consent or transfer form, with
/// what was entered in it.
pub(crate) fn member_page_entered(
    state: &AppState,
    staff: &Staff,
    id: &MemberId,
    error: Option<String>,
    entered: Option<&super::Fields>,
) -> Response {
    member_page_with(state, staff, id, None, error, entered)
}

fn member_page_with(
    state: &AppState,
    staff: &Staff,
    id: &MemberId,
    notice: Option<String>,
    error: Option<String>,
    entered: Option<&super::Fields>,
) -> Response {
    let (view, recorded, moved) = match state.members().member_file(&staff.who, id) {
        Ok(v) => v,
        Err(NodeError::NotFound { .. }) => {
            return message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(e) => return staff.error_page(e),
    };
    let t = staff.t;
    let r = &view.record;
    let sees_personal = !staff.who.masked(Action::ReadMember);
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let fields = if sees_personal {
        vec![
            ("member-dob", opt(&r.date_of_birth)),
            ("member-contact", opt(&r.contact)),
            ("member-sector", opt(&r.sector)),
            ("member-employer", opt(&r.employer)),
            ("member-origin", t.country_or_dash(&r.origin_country)),
            (
                "member-destination",
                t.country_or_dash(&r.destination_country),
            ),
        ]
    } else {
        Vec::new()
    };
    let transfers = moved
        .iter()
        .map(|x| {
            format!(
                "{} · {} → {} · {}",
                unionfed_core::cases::reports::day_string(x.created_at),
                x.origin,
                x.destination,
                x.status.name()
            )
        })
        .collect();
    let is_home = r.home.is_none();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let editable = vec![
        ("holder_name", "member-name", r.holder_name.clone()),
        ("contact", "member-contact", text(&r.contact)),
        ("sector", "member-sector", text(&r.sector)),
        ("employer", "member-employer", text(&r.employer)),
    ];
    let consents = recorded
        .iter()
        .map(|c| ConsentRow {
            id: c.id.to_string(),
            recipient: c.recipient.to_string(),
            purposes: c.purposes.join(", "),
            data: c.data_categories.join(", "),
            when: consent_when(t, c),
            in_force: c.withdrawn_at.is_none(),
        })
        .collect();
    let entered = entered.cloned().unwrap_or_default();
    let dues = dues_section(state, t, r, sees_personal, &entered);
    let moves = super::member_moves::choices(state, t, &recorded, &moved, entered);
    page(
        StatusCode::OK,
        MemberPage {
            t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            m: MemberView {
                id: r.id.to_string(),
                name: shown_name(t, r),
                status: status_text(t, r.status),
                since: unionfed_core::cases::reports::day_string(r.member_since),
                valid_until: unionfed_core::cases::reports::day_string(r.valid_until),
                home: r
                    .home
                    .as_ref()
                    .map_or(t.get("member-this-union"), ToString::to_string),
                represented_by: view
                    .represented_by
                    .iter()
                    .map(|b| b.affiliate.to_string())
                    .collect(),
                fields,
            },
            notice,
            error,
            may_change: staff.who.may(Action::ChangeMember) && is_home,
            may_export: staff.who.may(Action::ExportMember),
            may_erase: staff.who.may(Action::EraseMember)
                && r.holder_name != unionfed_core::members::ERASED_NAME,
            statuses: [
                MemberStatus::Active,
                MemberStatus::Suspended,
                MemberStatus::Lapsed,
                MemberStatus::Revoked,
            ]
            .into_iter()
            .map(|s| (s.as_str(), status_text(t, s), s == r.status))
            .collect(),
            transfers,
            editable,
            sees_personal,
            consents,
            moves,
            dues,
        }
        .render(),
    )
}

pub(crate) async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    shown: Result<Query<Shown>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    let shown = shown.ok().map(|Query(s)| s);
    let notice = match shown {
        Some(Shown {
            enrolled: Some(_), ..
        }) => Some(staff.t.get("member-enrolled")),
        Some(Shown { dues: Some(_), .. }) => Some(staff.t.get("dues-saved")),
        _ => None,
    };
    member_page(&state, &staff, &id, notice, None)
}

pub(crate) async fn set_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    if let Some(r) = staff.unless_may(&state, Action::ChangeMember, &id.to_string()) {
        return r;
    }
    let Ok(status) = f.one("status").parse::<MemberStatus>() else {
        return member_page(&state, &staff, &id, None, Some(staff.t.get("error-input")));
    };
    let change = StatusChange {
        status,
        reason: f.one("reason"),
    };
    match state.members().set_status(&staff.who, &id, change).await {
        Ok(_) => Redirect::to(&format!("/members/{id}")).into_response(),
        Err(NodeError::Invalid(m)) => {
            member_page(&state, &staff, &id, None, Some(staff.input_error(&m)))
        }
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(e) => staff.error_page(e),
    }
}

/// Records dues paid for a period (which may renew the membership).
pub(crate) async fn record_dues(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    if let Some(r) = staff.unless_may(&state, Action::ChangeMember, &id.to_string()) {
        return r;
    }
    let optional = |name: &str| Some(f.one(name)).filter(|v| !v.trim().is_empty());
    let payment = unionfed_core::members::dues::DuesPayment {
        from: f.one("dues_from"),
        until: f.one("dues_until"),
        amount: optional("dues_amount"),
        receipt: optional("dues_receipt"),
    };
    match state.members().record_dues(&staff.who, &id, payment).await {
        Ok(_) => Redirect::to(&format!("/members/{id}?dues=1#dues-h")).into_response(),
        Err(NodeError::Invalid(m)) => {
            member_page_entered(&state, &staff, &id, Some(staff.input_error(&m)), Some(&f))
        }
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(e) => staff.error_page(e),
    }
}

/// Everything this node holds about the member, as a JSON file to hand
/// them: their request for access, recorded as an export.
pub(crate) async fn export(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    match unionfed_core::rights::export_member(&state, &staff.who, &id) {
        Ok(export) => match serde_json::to_vec_pretty(&export) {
            Ok(body) => (
                [
                    (
                        axum::http::header::CONTENT_TYPE,
                        "application/json".to_owned(),
                    ),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"member-{id}.json\""),
                    ),
                    (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                body,
            )
                .into_response(),
            Err(e) => staff.error_page(NodeError::Invalid(e.to_string())),
        },
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(e) => staff.error_page(e),
    }
}

#[derive(Template)]
#[template(path = "s_member_export.html")]
struct ExportPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    id: String,
    title: String,
    intro: String,
    /// (label, value) of every field of the record.
    fields: Vec<(String, String)>,
    consents: Vec<ConsentRow>,
    /// (date, from, to, state)
    transfers: Vec<(String, String, String, String)>,
    /// (reference, opened, status)
    cases: Vec<(String, String, String)>,
    /// (when, who, what, the record's own action code)
    trail: Vec<(String, String, String, String)>,
    rights: String,
    languages: Vec<super::i18n::LangOption>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExportLanguage {
    #[serde(default)]
    lang: Option<String>,
}

/// What an audit record about a member's record says, in words: the trail
/// holds action codes, which a member cannot read.
fn trail_words(t: Tr, action: &str) -> String {
    let key = if action.starts_with("refused_") {
        "export-trail-refused"
    } else if action.contains("erase") || action.contains("retention") {
        "export-trail-erase"
    } else if action.contains("export") || action.contains("print") {
        "export-trail-export"
    } else if action.contains("card") {
        "export-trail-card"
    } else if action.contains("consent") {
        "export-trail-consent"
    } else if action.contains("transfer") || action.contains("handoff") {
        "export-trail-transfer"
    } else if action.starts_with("view") || action.starts_with("list") {
        "export-trail-read"
    } else {
        "export-trail-change"
    };
    t.get(key)
}

/// Everything this node holds about the member as a page to print and hand
/// them, in the language they prefer when the pages have it (or the one
/// chosen on the page), recorded as an export.
pub(crate) async fn export_print(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    chosen: Result<Query<ExportLanguage>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    let export = match unionfed_core::rights::export_member(&state, &staff.who, &id) {
        Ok(export) => export,
        Err(NodeError::NotFound { .. }) => {
            return message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(e) => return staff.error_page(e),
    };
    let r = &export.member.record;
    let asked = chosen.ok().and_then(|Query(c)| c.lang);
    let t = asked
        .as_deref()
        .and_then(Tr::language_named)
        .or_else(|| r.work.language.as_deref().and_then(Tr::language_named))
        .unwrap_or(staff.t);
    let day = unionfed_core::cases::reports::day_string;
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let charter = state.charter();
    let union_name = |a: &unionfed_protocol::AffiliateId| {
        charter
            .charter
            .affiliates
            .iter()
            .find(|x| &x.id == a)
            .map_or_else(|| a.to_string(), |x| format!("{} ({a})", x.name))
    };
    let status = match &r.status_reason {
        Some(why) => format!("{} ({why})", status_text(t, r.status)),
        None => status_text(t, r.status),
    };
    let mut fields = vec![
        (t.get("member-name"), shown_name(t, r)),
        (t.get("member-id"), r.id.to_string()),
        (t.get("member-status"), status),
        (t.get("member-since"), day(r.member_since)),
        (t.get("member-valid-until"), day(r.valid_until)),
        (
            t.get("member-home"),
            r.home
                .as_ref()
                .map_or_else(|| union_name(&state.config.affiliate), union_name),
        ),
        (
            t.get("member-represented-by"),
            if export.member.represented_by.is_empty() {
                t.get("card-nobody")
            } else {
                export
                    .member
                    .represented_by
                    .iter()
                    .map(|b| union_name(&b.affiliate))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
        (t.get("member-dob"), opt(&r.date_of_birth)),
        (t.get("member-contact"), opt(&r.contact)),
        (t.get("member-sector"), opt(&r.sector)),
        (t.get("member-employer"), opt(&r.employer)),
        (t.get("member-origin"), t.country_or_dash(&r.origin_country)),
        (
            t.get("member-destination"),
            t.country_or_dash(&r.destination_country),
        ),
    ];
    let w = &r.work;
    for (key, value) in [
        ("data-contact", &w.destination_contact),
        ("data-job", &w.job),
        ("data-workplace", &w.workplace),
        ("data-language", &w.language),
        ("data-dues", &w.dues_paid_until),
        ("data-contract", &w.contract_summary),
    ] {
        if value.is_some() {
            fields.push((t.get(key), opt(value)));
        }
    }
    // Each period paid, as the member page lists them.
    for p in &r.dues {
        let paid = [p.amount.as_deref(), p.receipt.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ");
        fields.push((
            t.get("dues-heading"),
            format!(
                "{} – {}{}{} ({} {})",
                p.from,
                p.until,
                if paid.is_empty() { "" } else { " · " },
                paid,
                t.get("dues-recorded"),
                unionfed_core::cases::reports::day_string(p.recorded_at)
            ),
        ));
    }
    let consents = export
        .consents
        .iter()
        .map(|c| ConsentRow {
            id: c.id.to_string(),
            recipient: union_name(&c.recipient),
            purposes: c.purposes.join(", "),
            data: c
                .data_categories
                .iter()
                .map(|d| {
                    let key = format!("data-{d}");
                    let name = t.get(&key);
                    if name == key {
                        d.clone()
                    } else {
                        name
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
            when: consent_when(t, c),
            in_force: c.withdrawn_at.is_none(),
        })
        .collect();
    let transfers = export
        .transfers
        .iter()
        .map(|x| {
            (
                day(x.created_at),
                union_name(&x.origin),
                union_name(&x.destination),
                t.get(&format!("transfer-state-{}", x.status.name())),
            )
        })
        .collect();
    let cases = export
        .cases
        .iter()
        .map(|c| {
            (
                c.reference.clone(),
                day(c.created_at),
                t.get(&format!("case-status-{}", c.status.as_str())),
            )
        })
        .collect();
    let trail = export
        .trail
        .iter()
        .map(|a| {
            (
                super::staff::clock(a.at),
                a.actor.clone(),
                trail_words(t, &a.action),
                a.action.clone(),
            )
        })
        .collect();
    let contact = state
        .config
        .privacy_contact
        .clone()
        .unwrap_or_else(|| t.get("export-rights-office"));
    page(
        StatusCode::OK,
        ExportPage {
            t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            id: id.to_string(),
            title: t.with("export-title", &[("union", &state.config.name)]),
            intro: t.with("export-intro", &[("date", &day(export.exported_at))]),
            fields,
            consents,
            transfers,
            cases,
            trail,
            rights: t.with("export-rights", &[("contact", &contact)]),
            languages: t.languages(),
        }
        .render(),
    )
}

/// Erases the member at their request (admins), then shows what is left.
pub(crate) async fn erase(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    if let Some(r) = staff.unless_may(&state, Action::EraseMember, &id.to_string()) {
        return r;
    }
    if f.one("confirm") != "yes" {
        return member_page(
            &state,
            &staff,
            &id,
            None,
            Some(staff.t.get("member-erase-unconfirmed")),
        );
    }
    let request = unionfed_core::members::MemberErasure {
        reason: f.one("reason"),
    };
    match state.members().erase(&staff.who, &id, request).await {
        Ok(_) => member_page(
            &state,
            &staff,
            &id,
            Some(staff.t.get("member-erased")),
            None,
        ),
        Err(NodeError::Invalid(m)) => {
            member_page(&state, &staff, &id, None, Some(staff.input_error(&m)))
        }
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(e) => staff.error_page(e),
    }
}

#[derive(Template)]
#[template(path = "s_card.html")]
struct CardPrintPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    name: String,
    svg: String,
    card: String,
}

pub(crate) async fn card(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    let (card, name) = match state.members().issue_card(&staff.who, &id) {
        Ok(issued) => issued,
        Err(NodeError::NotFound { .. }) => {
            return message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(NodeError::Invalid(m)) => return member_page(&state, &staff, &id, None, Some(m)),
        Err(e) => return staff.error_page(e),
    };
    let Ok(svg) = unionfed_protocol::qr::svg(&card, 240) else {
        return message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading");
    };
    page(
        StatusCode::OK,
        CardPrintPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            name,
            svg,
            card,
        }
        .render(),
    )
}

#[derive(Template)]
#[template(path = "s_check.html")]
struct CheckPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    verdict: Option<super::public::VerdictView>,
    /// The member's id and issuer, when the card named them.
    member: Option<(String, String)>,
    /// This node keeps a record of the member: a link to it.
    known_here: bool,
    /// A verdict on a code that could be read (else the form again).
    read: bool,
    valid: bool,
}

fn check_page(state: &AppState, staff: &Staff, card: Option<&str>) -> Response {
    let checked = card.map(|c| super::public::check_card(state, staff.t, c));
    let member = checked
        .as_ref()
        .and_then(|(_, v)| Some((v.member_id.clone()?, v.issuer.clone()?)));
    let known_here = member
        .as_ref()
        .and_then(|(id, _)| parse_id(id))
        .is_some_and(|id| state.members().holds_member(&staff.who, &id));
    super::page_with_scanner(
        StatusCode::OK,
        CheckPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            read: checked.as_ref().is_some_and(|(view, _)| view.readable),
            valid: checked.as_ref().is_some_and(|(view, _)| view.valid),
            verdict: checked.map(|(view, _)| view),
            member,
            known_here,
        }
        .render(),
    )
}

/// The staff card check: the same verdict as the public page, with the
/// member's id and what this union can do next.
pub(crate) async fn check_form(State(state): State<AppState>, staff: Staff) -> Response {
    check_page(&state, &staff, None)
}

pub(crate) async fn check(
    State(state): State<AppState>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    check_page(&state, &staff, Some(&f.one("card")))
}

/// An organiser changes a member's name, contact, sector or employer. A new
/// name means a new attestation (cards with the old name stop verifying).
pub(crate) async fn edit(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let Some(id) = parse_id(&id) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "members-none");
    };
    let optional = |name: &str| Some(f.one(name)).filter(|v| !v.trim().is_empty());
    let patch = unionfed_core::members::MemberPatch {
        holder_name: optional("holder_name"),
        contact: optional("contact"),
        sector: optional("sector"),
        employer: optional("employer"),
        ..Default::default()
    };
    match state.members().update_member(&staff.who, &id, patch).await {
        Ok(_) => Redirect::to(&format!("/members/{id}")).into_response(),
        Err(NodeError::Invalid(m)) => {
            member_page(&state, &staff, &id, None, Some(staff.input_error(&m)))
        }
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "members-none")
        }
        Err(e) => staff.error_page(e),
    }
}
