//! The public pages over real HTTP: the language follows the browser and
//! the switcher, a complaint is filed and followed with its receipt code,
//! a card is checked at another affiliate, every page is small.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod testnet;

use reqwest::{redirect, Method};
use serde_json::json;
use testnet::TestNet;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

async fn get(net: &TestNet, path: &str, lang: &str) -> (u16, String) {
    let r = client()
        .get(net.url(0, path))
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(
    net: &TestNet,
    i: usize,
    path: &str,
    lang: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let r = client()
        .post(net.url(i, path))
        .header("accept-language", lang)
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in {html}"))
        + start.len();
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap()]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_language_follows_the_browser_and_the_switcher_remembers_it() {
    let net = TestNet::new(2).await;
    let (status, html) = get(&net, "/p", "id-ID,id;q=0.9,en;q=0.5").await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<html lang="id">"#), "{html}");
    assert!(html.contains("Apa yang bisa serikat bantu?"));
    let (_, html) = get(&net, "/p", "th-TH").await;
    assert!(html.contains(r#"<html lang="th">"#) && html.contains("ตรวจสอบบัตรสมาชิก"));
    let (_, html) = get(&net, "/p", "de-DE").await;
    assert!(
        html.contains(r#"<html lang="en">"#),
        "unknown languages fall back to English"
    );

    // The switcher sets a cookie and goes back to the page it was on.
    let r = client()
        .post(net.url(0, "/p/lang"))
        .form(&[("lang", "km"), ("back", "/p/card")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/p/card");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("uf_lang=km;") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let html = client()
        .get(net.url(0, "/p/card"))
        .header("cookie", "uf_lang=km")
        .header("accept-language", "id")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"<html lang="km">"#) && html.contains("ពិនិត្យកាតសមាជិក"));
    // It never sends anyone off the site.
    // Nor does a broken address break the answer.
    for back in [
        "https://evil.example/",
        "//evil.example/p",
        "/api/v1/cases",
        "/p\r\nSet-Cookie: x=1",
        "/p/ca\u{7f}rd",
    ] {
        let r = client()
            .post(net.url(0, "/p/lang"))
            .form(&[("lang", "vi"), ("back", back)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/p", "{back}");
    }
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complaint_filed_on_the_page_is_followed_with_its_receipt_code() {
    let net = TestNet::new(2).await;
    // Mistakes are shown beside their fields, in the reader's language, and keep what was typed.
    let (status, html) = post(
        &net,
        0,
        "/p/complaint",
        "id",
        &[
            ("kind", "complaint"),
            ("employer", "PT Contoh"),
            ("country", "Malaysia"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        html.contains("Tolong pilih setidaknya satu topik."),
        "{html}"
    );
    assert!(html.contains("Tolong tulis apa yang terjadi."));
    assert!(html.contains(r#"aria-describedby="description-error""#));
    assert!(html.contains(r#"value="PT Contoh""#));
    // The country is chosen from names in the reader's language, never typed.
    assert!(
        html.contains(r#"<option value="MY">Malaysia</option>"#),
        "{html}"
    );
    assert!(html.contains(r#"<option value="MA">Maroko</option>"#));
    assert!(html.contains("Pilih negara dari daftar."));
    assert!(!html.contains(r#"name="country" maxlength"#));
    // A forged code that names no country is refused beside the field.
    let (status, html) = post(
        &net,
        0,
        "/p/complaint",
        "id",
        &[
            ("kind", "complaint"),
            ("category", "unpaid_wages"),
            ("description", "Gaji tidak dibayar."),
            ("country", "XX"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains(r#"aria-describedby="country-error""#),
        "{html}"
    );
    let (_, cases) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    assert_eq!(cases, json!([]), "nothing was filed");
    // A shelter in Malaysia, from the directory, for a worker in danger.
    let (status, body) = net
        .call(
            0,
            Method::POST,
            "/api/v1/directory",
            Some(
                json!({ "country": "MY", "kind": "shelter", "name": "Rumah Perlindungan Johor",
                "contact": "+60 7 000 0000" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");

    let (status, html) = post(
        &net,
        0,
        "/p/complaint",
        "id",
        &[
            ("kind", "complaint"),
            ("category", "document_retention"),
            ("category", "no_rest_day"),
            ("risk", "detention"),
            (
                "description",
                "Paspor saya ditahan majikan <b>dan</b> saya tidak boleh keluar.",
            ),
            ("country", "MY"),
            ("passphrase", "melati"),
        ],
    )
    .await;
    assert_eq!(status, 201, "{html}");
    assert!(html.contains("Kode tanda terima Anda"));
    // She said she is held: what to do now comes first, with the help in
    // the country of work and when the union will answer.
    assert!(html.contains("Jika Anda dalam bahaya sekarang"), "{html}");
    assert!(
        html.contains("<strong>Rumah Perlindungan Johor</strong> (Rumah aman)")
            && html.contains(r#"<a href="tel:+60 7 000 0000">"#),
        "{html}"
    );
    assert!(
        html.contains("Serikat akan menjawab dalam 24 jam."),
        "{html}"
    );
    let code = between(&html, r#"<p class="code" id="receipt-code">"#, "</p>").to_owned();
    assert_eq!(code.len(), 19, "{code}");

    let (_, cases) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    let case = &cases[0];
    assert_eq!(
        case["categories"],
        json!(["document_retention", "no_rest_day"])
    );
    assert_eq!(case["risk_flags"], json!(["detention"]));
    assert_eq!(case["priority"], "urgent");
    assert_eq!(case["destination_country"], "MY");
    assert_eq!(case["worker"]["anonymous"], true);
    let id = case["id"].as_str().unwrap();
    net.call(
        0,
        Method::POST,
        &format!("/api/v1/cases/{id}/messages"),
        Some(json!({ "text": "Kami akan datang hari Minggu." })),
    )
    .await;

    // Following the case: the status in Indonesian and the officer's message.
    let (status, html) = post(
        &net,
        0,
        "/p/case",
        "id",
        &[("receipt_code", &code), ("passphrase", "melati")],
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("diterima, menunggu diperiksa"), "{html}");
    assert!(html.contains("Kami akan datang hari Minggu."));
    let (status, html) = post(
        &net,
        0,
        "/p/case/message",
        "id",
        &[
            ("receipt_code", &code),
            ("passphrase", "melati"),
            ("text", "Terima kasih, saya tunggu."),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Pesan Anda sudah terkirim.") && html.contains("Terima kasih, saya tunggu.")
    );
    // A wrong passphrase shows the same page with a clear message and no case.
    let (status, html) = post(
        &net,
        0,
        "/p/case",
        "id",
        &[("receipt_code", &code), ("passphrase", "mawar")],
    )
    .await;
    assert_eq!(status, 404);
    assert!(html.contains("Kami tidak menemukan kasus") && !html.contains("Kami akan datang"));
    // What the worker typed is shown as text, never as markup.
    let (_, case) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert!(case["description"].as_str().unwrap().contains("<b>dan</b>"));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_is_checked_on_the_public_page_of_another_affiliate() {
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let (_, member) = net
        .call(
            0,
            Method::POST,
            "/api/v1/members",
            Some(json!({ "holder_name": "Siti <Rahayu>" })),
        )
        .await;
    let id = member["id"].as_str().unwrap();
    let (_, card) = net
        .call(0, Method::GET, &format!("/api/v1/members/{id}/card"), None)
        .await;
    let card = card["card"].as_str().unwrap().to_owned();
    let html = testnet::wait_for(60, "the card to verify at MTUC", || async {
        let (_, html) = post(&net, 1, "/p/card", "ms", &[("card", &card)]).await;
        html.contains("Kad ini sah.").then_some(html)
    })
    .await;
    assert!(html.contains("KSPI"), "{html}");
    assert!(
        html.contains("Siti &#60;Rahayu&#62;"),
        "the name is escaped: {html}"
    );
    assert!(html.contains("aktif"));
    // The verdict names the issuing union with its country, the dates of
    // the membership, and the date the card is valid until.
    assert!(html.contains("(KSPI), Indonesia"), "{html}");
    for said in ["Ahli sejak", "Keahlian sah sehingga", "Kad sah sehingga"] {
        assert!(html.contains(said), "{said}: {html}");
    }
    // A code that cannot be read is not called false: shown to a police
    // officer, that would harm the worker. The text stays to correct.
    for unreadable in ["UF1:NOT-A-CARD", &card[..card.len() / 2]] {
        let (status, html) = post(&net, 1, "/p/card", "ms", &[("card", unreadable)]).await;
        assert_eq!(status, 200);
        assert!(html.contains("Kod ini tidak dapat dibaca."), "{html}");
        assert!(!html.contains("Kad ini tidak sah."), "{html}");
        assert!(!html.contains("Keahlian"), "no membership row: {html}");
        assert!(
            html.contains(&format!(">{unreadable}</textarea>")),
            "{html}"
        );
    }
    // A code broken over lines, as a message app or a PDF copies it, reads.
    let broken = format!("{}\r\n{}", &card[..30], &card[30..]);
    let (_, html) = post(&net, 1, "/p/card", "ms", &[("card", &broken)]).await;
    assert!(html.contains("Kad ini sah."), "{html}");
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_pages_are_small_safe_and_rate_limited_in_the_readers_language() {
    let mut net = TestNet::prepare_tuned(2, |c| c.public_rate_limit_per_minute = 8);
    net.start(0).await;
    net.start(1).await;
    let css = client()
        .get(net.url(0, "/static/public.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    let css_len = css.bytes().await.unwrap().len();
    let js = client()
        .get(net.url(0, "/static/scan.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        js.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let js_len = js.bytes().await.unwrap().len();
    for path in [
        "/p",
        "/p/card",
        "/p/complaint",
        "/p/case",
        "/p/rights",
        "/p/privacy",
    ] {
        let r = client()
            .get(net.url(0, path))
            .header("accept-language", "my")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let h = r.headers().clone();
        assert!(h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "no-store");
        let body = r.text().await.unwrap();
        // No inline script anywhere; only the card check loads one, ours.
        let scripts = body.matches("<script").count();
        let ours = body
            .matches(r#"<script src="/static/scan.js" defer></script>"#)
            .count();
        assert_eq!(scripts, ours, "{path} has an inline script");
        assert_eq!(ours, usize::from(path == "/p/card"), "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert_eq!(
            csp.contains("script-src 'self'"),
            path == "/p/card",
            "{path}: {csp}"
        );
        let weight = body.len() + css_len + if ours > 0 { js_len } else { 0 };
        assert!(
            weight < 60 * 1024,
            "{path} weighs {weight} bytes with its stylesheet"
        );
        assert!(body.contains(r#"name="viewport""#));
    }
    // The ninth request in a minute from one address gets a page, not JSON, in Burmese.
    let mut limited = None;
    for _ in 0..12 {
        let r = client()
            .get(net.url(0, "/p/case"))
            .header("accept-language", "my")
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            limited = Some(r.text().await.unwrap());
            break;
        }
    }
    let html = limited.expect("the limit never kicked in");
    assert!(html.contains("ဤနေရာမှ ကြိုးစားမှု များလွန်းပါသည်"), "{html}");
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn know_your_rights_names_the_unions_and_services_of_the_country_of_work() {
    let net = TestNet::new(2).await;
    net.call(
        0,
        Method::POST,
        "/api/v1/directory",
        Some(json!({ "country": "MY", "kind": "shelter",
        "name": "Shelter of hope", "contact": "+60 3 0000 0000" })),
    )
    .await;
    let (status, html) = get(&net, "/p/rights?country=MY", "vi").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Hiểu quyền của bạn") && html.contains("Hộ chiếu"),
        "{html}"
    );
    assert!(
        html.contains("(MTUC)") && !html.contains("(KSPI)"),
        "the unions of Malaysia only: {html}"
    );
    assert!(html.contains("Shelter of hope: +60 3 0000 0000"));
    // An unknown country falls back to the node's own.
    let (_, html) = get(&net, "/p/rights?country=ZZ", "en").await;
    assert!(html.contains("(KSPI)") && html.contains("Know your rights"));
    net.shutdown().await;
}

/// Every public page links to the privacy notice, which names the union,
/// its country, how long a closed case is kept and whom to ask, from the
/// node's configuration, in the reader's language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_privacy_notice_names_the_union_and_its_data_protection_contact() {
    let mut net = TestNet::prepare_tuned(2, |c| {
        if c.affiliate.as_str() == "KSPI" {
            c.privacy_contact =
                Some("Petugas pelindungan data, dpo@kspi.example, +62 21 555 0100".into());
            c.case_retention_days = 365;
        }
    });
    net.start(0).await;
    net.start(1).await;
    let (status, home) = get(&net, "/p", "id").await;
    assert_eq!(status, 200);
    assert!(
        home.contains(r#"<a href="/p/privacy">Privasi</a>"#),
        "{home}"
    );
    let (status, notice) = get(&net, "/p/privacy", "id").await;
    assert_eq!(status, 200, "{notice}");
    let name = &net.configs[0].name;
    assert!(
        notice.contains(name.as_str()),
        "the union is named: {notice}"
    );
    assert!(
        notice.contains("di Indonesia"),
        "its country, in Indonesian: {notice}"
    );
    assert!(notice.contains("setelah 365 hari"), "{notice}");
    assert!(notice.contains("dpo@kspi.example"), "{notice}");
    // Without a contact configured, the notice says where to ask.
    let other = reqwest::Client::new()
        .get(net.url(1, "/p/privacy"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        other.contains("Ask at the union office for its data protection contact."),
        "{other}"
    );
    net.shutdown().await;
}
