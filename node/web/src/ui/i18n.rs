//! Translation catalogs (Fluent, `admin-ui/locales/<lang>/main.ftl`),
//! compiled into the binary so a node needs no files to speak ten languages.
//! The language follows the `uf_lang` cookie (set by the switcher), then
//! the browser's `Accept-Language`, then English.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::FluentResource;
use std::sync::OnceLock;
use unic_langid::LanguageIdentifier;

/// Every language shipped, English first (the reference catalog): the
/// public pages' messages and the staff pages' messages.
pub const CATALOGS: [(&str, &str, &str); 10] = [
    (
        "en",
        include_str!("../../../../admin-ui/locales/en/main.ftl"),
        include_str!("../../../../admin-ui/locales/en/staff.ftl"),
    ),
    (
        "id",
        include_str!("../../../../admin-ui/locales/id/main.ftl"),
        include_str!("../../../../admin-ui/locales/id/staff.ftl"),
    ),
    (
        "ms",
        include_str!("../../../../admin-ui/locales/ms/main.ftl"),
        include_str!("../../../../admin-ui/locales/ms/staff.ftl"),
    ),
    (
        "fil",
        include_str!("../../../../admin-ui/locales/fil/main.ftl"),
        include_str!("../../../../admin-ui/locales/fil/staff.ftl"),
    ),
    (
        "vi",
        include_str!("../../../../admin-ui/locales/vi/main.ftl"),
        include_str!("../../../../admin-ui/locales/vi/staff.ftl"),
    ),
    (
        "th",
        include_str!("../../../../admin-ui/locales/th/main.ftl"),
        include_str!("../../../../admin-ui/locales/th/staff.ftl"),
    ),
    (
        "km",
        include_str!("../../../../admin-ui/locales/km/main.ftl"),
        include_str!("../../../../admin-ui/locales/km/staff.ftl"),
    ),
    (
        "my",
        include_str!("../../../../admin-ui/locales/my/main.ftl"),
        include_str!("../../../../admin-ui/locales/my/staff.ftl"),
    ),
    (
        "lo",
        include_str!("../../../../admin-ui/locales/lo/main.ftl"),
        include_str!("../../../../admin-ui/locales/lo/staff.ftl"),
    ),
    (
        "tet",
        include_str!("../../../../admin-ui/locales/tet/main.ftl"),
        include_str!("../../../../admin-ui/locales/tet/staff.ftl"),
    ),
];

/// The countries' names, in the order of [`CATALOGS`]: `country-XX` for
/// every code of ISO 3166-1, from the Unicode CLDR
/// (`admin-ui/locales/refresh-countries.py` regenerates them).
pub const COUNTRY_NAMES: [&str; 10] = [
    include_str!("../../../../admin-ui/locales/en/countries.ftl"),
    include_str!("../../../../admin-ui/locales/id/countries.ftl"),
    include_str!("../../../../admin-ui/locales/ms/countries.ftl"),
    include_str!("../../../../admin-ui/locales/fil/countries.ftl"),
    include_str!("../../../../admin-ui/locales/vi/countries.ftl"),
    include_str!("../../../../admin-ui/locales/th/countries.ftl"),
    include_str!("../../../../admin-ui/locales/km/countries.ftl"),
    include_str!("../../../../admin-ui/locales/my/countries.ftl"),
    include_str!("../../../../admin-ui/locales/lo/countries.ftl"),
    include_str!("../../../../admin-ui/locales/tet/countries.ftl"),
];

/// The parsed catalogs.
pub struct Catalogs {
    langs: Vec<LanguageIdentifier>,
    bundles: Vec<FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for Catalogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogs")
            .field("langs", &self.langs)
            .finish_non_exhaustive()
    }
}

/// Parses one catalog; every syntax error is reported with the language.
fn parse(
    tag: &str,
    texts: &[&str],
) -> Result<(LanguageIdentifier, FluentBundle<FluentResource>), String> {
    let lang: LanguageIdentifier = tag
        .parse()
        .map_err(|e| format!("{tag} is not a language tag: {e}"))?;
    let mut bundle = FluentBundle::new_concurrent(vec![lang.clone()]);
    // The pages are HTML; Unicode isolation marks would only add bytes.
    bundle.set_use_isolating(false);
    for text in texts {
        let resource = FluentResource::try_new((*text).to_owned())
            .map_err(|(_, errors)| format!("catalog {tag} has syntax errors: {errors:?}"))?;
        bundle
            .add_resource(resource)
            .map_err(|errors| format!("catalog {tag} repeats keys: {errors:?}"))?;
    }
    Ok((lang, bundle))
}

impl Catalogs {
    fn load() -> Result<Catalogs, String> {
        let mut langs = Vec::new();
        let mut bundles = Vec::new();
        for ((tag, main, staff), countries) in CATALOGS.into_iter().zip(COUNTRY_NAMES) {
            let (lang, bundle) = parse(tag, &[main, staff, countries])?;
            langs.push(lang);
            bundles.push(bundle);
        }
        Ok(Catalogs { langs, bundles })
    }

    /// The message `key` in language `lang` (an index into [`CATALOGS`]),
    /// falling back to English, then to the key itself.
    pub fn get(&self, lang: usize, key: &str) -> String {
        self.get_with(lang, key, &[])
    }

    /// Like [`Catalogs::get`], with the message's `{ $name }` variables.
    pub fn get_with(&self, lang: usize, key: &str, args: &[(&str, &str)]) -> String {
        let mut fluent_args = fluent_bundle::FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, *value);
        }
        for bundle in [self.bundles.get(lang), self.bundles.first()]
            .into_iter()
            .flatten()
        {
            if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return bundle
                    .format_pattern(pattern, Some(&fluent_args), &mut errors)
                    .into_owned();
            }
        }
        key.to_owned()
    }

    /// The language to use: a valid cookie choice, else the best match for
    /// `Accept-Language`, else English.
    pub fn negotiate(&self, cookie: Option<&str>, accept: Option<&str>) -> usize {
        if let Some(i) = cookie.and_then(|c| CATALOGS.iter().position(|(tag, _, _)| *tag == c)) {
            return i;
        }
        let requested = fluent_langneg::accepted_languages::parse(accept.unwrap_or(""));
        let Some(default) = self.langs.first() else {
            return 0;
        };
        let chosen = fluent_langneg::negotiate_languages(
            &requested,
            &self.langs,
            Some(default),
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        chosen
            .first()
            .and_then(|c| self.langs.iter().position(|l| &l == c))
            .unwrap_or(0)
    }

    pub fn tag(&self, lang: usize) -> &'static str {
        CATALOGS.get(lang).map_or("en", |(tag, _, _)| tag)
    }
}

/// The catalogs, parsed once. The catalogs are part of the binary and
/// checked by the tests, so a parse failure here is a build defect; the
/// node then serves the keys themselves rather than failing.
pub fn catalogs() -> &'static Catalogs {
    static CATALOGS_ONCE: OnceLock<Catalogs> = OnceLock::new();
    CATALOGS_ONCE.get_or_init(|| {
        Catalogs::load().unwrap_or_else(|e| {
            tracing::error!(error = %e, "translation catalogs are broken; pages show message keys");
            Catalogs {
                langs: Vec::new(),
                bundles: Vec::new(),
            }
        })
    })
}

/// What a template needs to speak the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: usize,
}

impl Tr {
    pub fn get(&self, key: &str) -> String {
        catalogs().get(self.lang, key)
    }

    /// A message with variables, e.g. `t.with("case-change-pending", &[("to", "MTUC")])`.
    pub fn with(&self, key: &str, args: &[(&str, &str)]) -> String {
        catalogs().get_with(self.lang, key, args)
    }

    /// `lang="..."` for the page.
    pub fn tag(&self) -> &'static str {
        catalogs().tag(self.lang)
    }

    /// The fonts the node serves for this language's script, to preload:
    /// a text laid out before its font arrived may stay drawn as boxes.
    pub fn fonts(&self) -> &'static [&'static str] {
        match self.tag() {
            "my" => &["noto-sans-myanmar-400.woff2", "noto-sans-myanmar-700.woff2"],
            "km" => &["noto-sans-khmer-400.woff2", "noto-sans-khmer-700.woff2"],
            "lo" => &["noto-sans-lao-400.woff2", "noto-sans-lao-700.woff2"],
            _ => &[],
        }
    }

    /// The name of a country in the reader's language; the code itself for
    /// one that is no country (what a peer signed may hold any two letters).
    pub fn country(&self, code: &str) -> String {
        let key = format!("country-{code}");
        let name = catalogs().get(self.lang, &key);
        if name == key {
            code.to_owned()
        } else {
            name
        }
    }

    /// `country` for an optional code; an em dash for none.
    pub fn country_or_dash(&self, code: &Option<unionfed_protocol::CountryCode>) -> String {
        code.map_or_else(|| "—".to_owned(), |c| self.country(c.as_str()))
    }

    /// The choices of a country list, the region's countries first, each
    /// group sorted by name in the reader's language; `selected` is marked.
    pub fn countries(&self, selected: &str) -> CountryChoices {
        let option = |code: &'static str| CountryOption {
            code,
            name: self.country(code),
            selected: code == selected,
        };
        let by_name = |a: &CountryOption, b: &CountryOption| a.name.cmp(&b.name);
        let mut region: Vec<_> = unionfed_core::countries::REGION
            .into_iter()
            .map(option)
            .collect();
        region.sort_by(by_name);
        let mut others: Vec<_> = unionfed_core::countries::CODES
            .into_iter()
            .filter(|c| !unionfed_core::countries::REGION.contains(c))
            .map(option)
            .collect();
        others.sort_by(by_name);
        CountryChoices { region, others }
    }

    /// The language whose tag or own name is `said` (as a member's
    /// preferred language may be written: "my", "Burmese" in its own
    /// script, "Bahasa Indonesia"), if the pages have it.
    pub fn language_named(said: &str) -> Option<Tr> {
        let said = said.trim().to_lowercase();
        if said.is_empty() {
            return None;
        }
        CATALOGS
            .iter()
            .enumerate()
            .position(|(i, (tag, _, _))| {
                let name = catalogs().get(i, "language-name").to_lowercase();
                let english = ENGLISH_NAMES
                    .iter()
                    .find(|(t, _)| t == tag)
                    .map_or(&[][..], |(_, names)| names);
                *tag == said
                    || name == said
                    || said.starts_with(&format!("{tag}-"))
                    || english.contains(&said.as_str())
            })
            .map(|lang| Tr { lang })
    }

    /// Every language, in its own name, for the switcher.
    pub fn languages(&self) -> Vec<LangOption> {
        CATALOGS
            .iter()
            .enumerate()
            .map(|(i, (tag, _, _))| LangOption {
                tag,
                name: catalogs().get(i, "language-name"),
                chosen: i == self.lang,
            })
            .collect()
    }
}

/// What staff may have typed for each language in English, lower case.
const ENGLISH_NAMES: &[(&str, &[&str])] = &[
    ("en", &["english"]),
    ("fil", &["filipino", "tagalog"]),
    ("id", &["indonesian"]),
    ("km", &["khmer", "cambodian"]),
    ("lo", &["lao", "laotian"]),
    ("ms", &["malay", "bahasa malaysia"]),
    ("my", &["burmese", "myanmar"]),
    ("tet", &["tetum", "tetun"]),
    ("th", &["thai"]),
    ("vi", &["vietnamese"]),
];

/// A country list in two groups: the region's countries, then the others.
#[derive(Debug, Clone)]
pub struct CountryChoices {
    pub region: Vec<CountryOption>,
    pub others: Vec<CountryOption>,
}

/// One country of a list.
#[derive(Debug, Clone)]
pub struct CountryOption {
    pub code: &'static str,
    pub name: String,
    pub selected: bool,
}

/// One entry of the language switcher.
#[derive(Debug, Clone)]
pub struct LangOption {
    pub tag: &'static str,
    pub name: String,
    pub chosen: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(text: &str) -> BTreeSet<String> {
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.starts_with(' ') && l.contains(" = "))
            .filter_map(|l| l.split(" = ").next().map(str::to_owned))
            .collect()
    }

    #[test]
    fn every_catalog_parses_and_has_every_key_english_has() {
        let (_, en_main, en_staff) = CATALOGS[0];
        for (english, pick) in [(keys(en_main), 1), (keys(en_staff), 2)] {
            assert!(english.len() > 50, "{}", english.len());
            for (tag, main, staff) in CATALOGS {
                parse(tag, &[main, staff]).unwrap();
                let here = keys(if pick == 1 { main } else { staff });
                let missing: Vec<&String> = english.difference(&here).collect();
                assert!(missing.is_empty(), "catalog {tag} lacks {missing:?}");
                let extra: Vec<&String> = here.difference(&english).collect();
                assert!(
                    extra.is_empty(),
                    "catalog {tag} has keys English lacks: {extra:?}"
                );
            }
        }
    }

    /// Every key a template or a page handler names literally
    /// (`t.get("...")`, `"error-..."` passed on) is in the English catalog,
    /// so no page shows a bare key.
    #[test]
    fn every_key_the_pages_name_is_in_english() {
        let (_, en_main, en_staff) = CATALOGS[0];
        let mut english = keys(en_main);
        english.extend(keys(en_staff));
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
        let mut sources = Vec::new();
        for dir in ["admin-ui/templates", "node/web/src/ui"] {
            for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
                let path = entry.unwrap().path();
                sources.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
        let mut missing = Vec::new();
        for (path, text) in &sources {
            for (start, _) in text.match_indices("get(\"") {
                let rest = &text[start + 5..];
                let Some(end) = rest.find('"') else { continue };
                let key = &rest[..end];
                let literal = !key.is_empty()
                    && key.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'
                    });
                if literal && key.contains('-') && !english.contains(key) {
                    missing.push(format!("{path}: {key}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys not in the English catalog: {missing:#?}"
        );
    }

    #[test]
    fn every_country_has_a_name_in_every_language() {
        let c = Catalogs::load().unwrap();
        for (lang, (tag, _, _)) in CATALOGS.iter().enumerate() {
            for code in unionfed_core::countries::CODES {
                let key = format!("country-{code}");
                let name = c.get(lang, &key);
                assert!(name != key && !name.trim().is_empty(), "{tag} lacks {key}");
            }
        }
        let my = Tr {
            lang: CATALOGS.iter().position(|(t, _, _)| *t == "my").unwrap(),
        };
        assert_eq!(my.country("MY"), "မလေးရှား");
        assert_eq!(Tr { lang: 0 }.country("MA"), "Morocco");
        assert_eq!(Tr { lang: 0 }.country("XX"), "XX");
        for (said, tag) in [
            ("my", "my"),
            ("Burmese", "my"),
            ("မြန်မာဘာသာ", "my"),
            (" Bahasa Indonesia ", "id"),
            ("id-ID", "id"),
            ("Tagalog", "fil"),
        ] {
            assert_eq!(
                Tr::language_named(said).map(|t| t.tag()),
                Some(tag),
                "{said}"
            );
        }
        assert!(Tr::language_named("Klingon").is_none());
        assert!(Tr::language_named("").is_none());
        let list = Tr { lang: 0 }.countries("MY");
        assert_eq!(list.region.len(), unionfed_core::countries::REGION.len());
        assert_eq!(list.region.len() + list.others.len(), 249);
        assert!(list
            .region
            .iter()
            .any(|o| o.code == "MY" && o.selected && o.name == "Malaysia"));
        assert_eq!(
            list.region
                .iter()
                .chain(&list.others)
                .filter(|o| o.selected)
                .count(),
            1
        );
    }

    #[test]
    fn the_language_follows_the_choice_then_the_browser() {
        let c = Catalogs::load().unwrap();
        let index = |tag: &str| CATALOGS.iter().position(|(t, _, _)| *t == tag).unwrap();
        assert_eq!(
            c.negotiate(None, Some("id-ID,id;q=0.9,en;q=0.8")),
            index("id")
        );
        assert_eq!(c.negotiate(None, Some("th")), index("th"));
        assert_eq!(c.negotiate(None, Some("de-DE, fr")), 0);
        assert_eq!(c.negotiate(None, None), 0);
        assert_eq!(c.negotiate(Some("km"), Some("id")), index("km"));
        assert_eq!(c.negotiate(Some("xx"), Some("vi")), index("vi"));
        assert_eq!(c.get(index("id"), "follow-send"), "Kirim");
        assert_eq!(c.get(index("id"), "no-such-key"), "no-such-key");
    }
}
