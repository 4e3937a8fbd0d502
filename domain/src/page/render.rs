//! Page Markdown with `[[Page title]]` / `[[slug]]` / `[[target|shown text]]` links.
//!
//! pulldown-cmark parses the links itself (`ENABLE_WIKILINKS`), so a `[[…]]` inside
//! code stays code and the shown text is escaped by its HTML writer like any text.
//! Every link's target is replaced by a path this module builds from a validated
//! slug (or a percent-encoded title), never by what was typed; then the whole HTML
//! goes through the same ammonia sanitiser as all Markdown (`markdown::sanitize`).

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

use super::{PageSummary, slugify};
use crate::markdown;
use crate::text::urlencode;

/// The options of `markdown::render`, plus wiki links.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_WIKILINKS
}

/// The page a `[[target]]` names: by slug, then by title (ignoring case), then by the
/// slug the title would get.
pub fn resolve<'a>(target: &str, pages: &'a [PageSummary]) -> Option<&'a PageSummary> {
    let t = target.trim();
    let lower = t.to_lowercase();
    let derived = slugify(t);
    pages
        .iter()
        .find(|p| p.slug == t)
        .or_else(|| pages.iter().find(|p| p.title.to_lowercase() == lower))
        .or_else(|| {
            pages
                .iter()
                .find(|p| !derived.is_empty() && p.slug == derived)
        })
}

/// Where a link to a missing page goes: the create form with the title filled in.
fn create_href(hackfest_slug: &str, title: &str) -> String {
    format!(
        "/h/{hackfest_slug}/pages/new?title={}",
        urlencode(title.trim())
    )
}

/// Renders page Markdown to safe HTML. `hackfest_slug` must be a valid hackfest slug
/// (it is, coming from the database); `pages` are the hackfest's pages, for `[[links]]`.
pub fn render(markdown_text: &str, hackfest_slug: &str, pages: &[PageSummary]) -> String {
    let mut events: Vec<Event> = Vec::new();
    // For each open image: whether it was a `![[…]]` turned into a plain link.
    let mut images: Vec<bool> = Vec::new();
    // Inside a `[[slug]]` to an existing page: show the page's title instead of the text.
    let mut replace_text: Option<(String, bool)> = None;
    for ev in Parser::new_ext(markdown_text, options()) {
        match ev {
            Event::Start(Tag::Link {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => {
                events.push(Event::Start(wiki_link(
                    &dest_url,
                    hackfest_slug,
                    pages,
                    has_pothole,
                    &mut replace_text,
                )));
            }
            Event::Start(Tag::Image {
                link_type: LinkType::WikiLink { has_pothole },
                dest_url,
                ..
            }) => {
                images.push(true);
                events.push(Event::Start(wiki_link(
                    &dest_url,
                    hackfest_slug,
                    pages,
                    has_pothole,
                    &mut replace_text,
                )));
            }
            Event::Start(Tag::Image { .. }) => {
                images.push(false);
                events.push(ev);
            }
            Event::End(TagEnd::Image) => {
                let converted = images.pop().unwrap_or(false);
                events.push(Event::End(if converted {
                    TagEnd::Link
                } else {
                    TagEnd::Image
                }));
                replace_text = None;
            }
            Event::End(TagEnd::Link) => {
                events.push(ev);
                replace_text = None;
            }
            Event::Text(_) if replace_text.is_some() => {
                if let Some((title, pending)) = replace_text.as_mut()
                    && *pending
                {
                    events.push(Event::Text(CowStr::from(std::mem::take(title))));
                    *pending = false;
                }
            }
            other => events.push(other),
        }
    }
    let mut raw = String::with_capacity(markdown_text.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    let clean = markdown::sanitize(&raw);
    // Mark links to missing pages. The sanitiser drops every `class`, so the mark is
    // added afterwards, as a fixed attribute in front of a fixed, sanitised prefix.
    let missing = format!("<a href=\"/h/{hackfest_slug}/pages/new?title=");
    clean.replace(
        &missing,
        &format!("<a class=\"missing\" href=\"/h/{hackfest_slug}/pages/new?title="),
    )
}

fn wiki_link<'a>(
    target: &str,
    hackfest_slug: &str,
    pages: &[PageSummary],
    has_pothole: bool,
    replace_text: &mut Option<(String, bool)>,
) -> Tag<'a> {
    let (href, title) = match resolve(target, pages) {
        Some(p) => {
            if !has_pothole && p.slug == target.trim() {
                *replace_text = Some((p.title.clone(), true));
            }
            (
                format!("/h/{hackfest_slug}/pages/{}", p.slug),
                String::new(),
            )
        }
        None => (
            create_href(hackfest_slug, target),
            "This page does not exist yet: create it".to_owned(),
        ),
    };
    Tag::Link {
        link_type: LinkType::Inline,
        dest_url: CowStr::from(href),
        title: CowStr::from(title),
        id: CowStr::from(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use uuid::Uuid;

    fn pages() -> Vec<PageSummary> {
        vec![PageSummary {
            id: Uuid::nil(),
            slug: "openshift".into(),
            title: "OpenShift".into(),
            version: 1,
            updated_at: Utc::now(),
            updated_local: None,
        }]
    }

    fn r(md: &str) -> String {
        render(md, "ci-infra", &pages())
    }

    #[test]
    fn links_resolve_by_title_and_slug() {
        let by_title = r("See [[OpenShift]].");
        assert!(
            by_title.contains("href=\"/h/ci-infra/pages/openshift\""),
            "{by_title}"
        );
        assert!(by_title.contains(">OpenShift</a>"), "{by_title}");
        let by_slug = r("See [[openshift]].");
        assert!(
            by_slug.contains(">OpenShift</a>"),
            "the page title is shown: {by_slug}"
        );
        let any_case = r("[[openSHIFT]] and [[openshift|the cluster]]");
        assert_eq!(
            any_case.matches("/h/ci-infra/pages/openshift\"").count(),
            2,
            "{any_case}"
        );
        assert!(any_case.contains(">the cluster</a>"), "{any_case}");
        assert!(!any_case.contains("missing"), "{any_case}");
    }

    #[test]
    fn missing_pages_link_to_the_create_form() {
        let out = r("Ask on [[Fedora Messaging & Bus]].");
        assert!(
            out.contains(
                "<a class=\"missing\" href=\"/h/ci-infra/pages/new?title=Fedora%20Messaging%20%26%20Bus\""
            ),
            "{out}"
        );
        assert!(out.contains(">Fedora Messaging &amp; Bus</a>"), "{out}");
    }

    #[test]
    fn code_is_left_alone() {
        let out = r("`[[OpenShift]]`\n\n```\n[[OpenShift]]\n```");
        assert!(!out.contains("<a"), "{out}");
        assert_eq!(out.matches("[[OpenShift]]").count(), 2, "{out}");
    }

    #[test]
    fn ordinary_markdown_still_works() {
        let out =
            r("# Title\n\n[Fedora](https://fedoraproject.org) ![logo](https://x.example/l.png)");
        assert!(out.contains("<h1>Title</h1>"), "{out}");
        assert!(out.contains("href=\"https://fedoraproject.org\""), "{out}");
        assert!(
            out.contains("<img src=\"https://x.example/l.png\""),
            "{out}"
        );
    }

    /// The output carries nothing that can run script (SECURITY 21), the same checks
    /// as `markdown`'s own tests, and sanitising twice changes nothing (22) but the
    /// `missing` class this module adds.
    fn assert_inert(input: &str) {
        let html = r(input);
        let out = html.to_ascii_lowercase();
        assert!(!out.contains("<script"), "{input:?} → {out}");
        // Text may say "onerror=" or "<iframe" (escaped); tags and attributes may not.
        for tag in tags(&out) {
            let name: String = tag[1..]
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                ![
                    "script", "iframe", "object", "embed", "form", "button", "base", "meta",
                    "style", "svg", "math", "noscript",
                ]
                .contains(&name.as_str()),
                "{input:?} → {out} has a <{name}> element"
            );
            for (attr, value) in attributes(tag) {
                assert!(
                    !attr.starts_with("on") && attr != "formaction" && attr != "http-equiv",
                    "{input:?} → {out} has an {attr} attribute"
                );
                if attr == "href" || attr == "src" {
                    // Relative, or http(s)/mailto. A scheme is a letter then letters,
                    // digits, + - . (WHATWG URL); `java%09script:` is a relative path.
                    let head = &value[..value.find(['/', '?', '#']).unwrap_or(value.len())];
                    if let Some((scheme, _)) = head.split_once(':').filter(|(s, _)| {
                        s.starts_with(|c: char| c.is_ascii_alphabetic())
                            && s.chars()
                                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    }) {
                        assert!(
                            ["http", "https", "mailto"].contains(&scheme),
                            "{input:?} → {out} has a {scheme}: URL"
                        );
                    }
                }
            }
        }
        // Sanitising again changes nothing but the one mark added after sanitising.
        assert_eq!(
            markdown::sanitize(&html),
            html.replace(" class=\"missing\"", ""),
            "sanitising twice changes nothing"
        );
    }

    /// The tags of serialised HTML (text has its `<` escaped), quotes respected.
    fn tags(html: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let b = html.as_bytes();
        let mut i = 0;
        while let Some(start) = html[i..].find('<').map(|s| s + i) {
            let mut j = start + 1;
            let mut quote = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (None, b'"' | b'\'') => quote = Some(b[j]),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    _ => {}
                }
                j += 1;
            }
            out.push(&html[start..j.min(b.len())]);
            i = j.min(b.len());
            if i >= b.len() {
                break;
            }
        }
        out
    }

    /// The attributes of one tag: (name, value).
    fn attributes(tag: &str) -> Vec<(String, String)> {
        let mut attrs = Vec::new();
        let mut rest = tag.trim_start_matches('<').trim_start_matches('/');
        rest = rest.trim_start_matches(|c: char| !c.is_whitespace());
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() {
                return attrs;
            }
            let name: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '=')
                .collect();
            rest = &rest[name.len()..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                rest = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => match after[1..].find(q) {
                        Some(e) => {
                            value = after[1..e + 1].to_owned();
                            &after[e + 2..]
                        }
                        None => "",
                    },
                    _ => {
                        let v: String = after.chars().take_while(|c| !c.is_whitespace()).collect();
                        let rest = &after[v.len()..];
                        value = v;
                        rest
                    }
                };
            }
            attrs.push((name, value));
        }
    }

    #[test]
    fn the_checker_sees_what_it_looks_for() {
        let raw =
            "<p>x</p><img src=x onerror=alert(1)><a href='javascript:alert(1)' title=\"a>b\">";
        let t = tags(raw);
        assert_eq!(t.len(), 4, "{t:?}");
        assert!(attributes(t[2]).iter().any(|(n, _)| n == "onerror"));
        assert_eq!(
            attributes(t[3])[0],
            ("href".into(), "javascript:alert(1)".into())
        );
        assert_eq!(attributes(t[3])[1], ("title".into(), "a>b".into()));
    }

    const VECTORS: &[&str] = &[
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "<javascript:alert(1)>",
        "[x]\n\n[x]: javascript:alert(1)",
        "![x](data:text/html;base64,PHNjcmlwdD4=)",
        "<img src=x onerror=alert(1)>",
        "<a onmouseover=alert(1)>x</a>",
        "<iframe src=https://evil.example></iframe>",
        "<object data=x></object>",
        "<embed src=x>",
        "<form action=https://evil.example><input name=a></form>",
        "<button formaction=javascript:alert(1)>x</button>",
        "<base href=https://evil.example/>",
        "<meta http-equiv=refresh content=\"0;url=https://evil.example\">",
        "<style>body{display:none}</style>",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
    ];

    #[test]
    fn security_21_vectors_render_inert() {
        for v in VECTORS {
            assert_inert(v);
        }
    }

    #[test]
    fn security_21_vectors_render_inert_inside_wiki_links() {
        for v in VECTORS {
            // As the target, as the shown text, as an "image", and around an existing page.
            assert_inert(&format!("[[{v}]]"));
            assert_inert(&format!("[[OpenShift|{v}]]"));
            assert_inert(&format!("[[{v}|x]]"));
            assert_inert(&format!("![[{v}]]"));
            assert_inert(&format!("[[OpenShift]]{v}[[OpenShift]]"));
            assert_inert(&format!("[{v}]([[OpenShift]])"));
        }
        for v in [
            "[[javascript:alert(1)]]",
            "[[JaVaScRiPt:alert(1)|x]]",
            "![[data:text/html;base64,PHNjcmlwdD4=]]",
            "[[\" onmouseover=\"alert(1)]]",
            "[[x\" onerror=\"alert(1)|y]]",
            "[[</a><script>alert(1)</script>]]",
            "[[<img src=x onerror=alert(1)>]]",
            "[[vbscript:msgbox(1)]]",
            "[[/h/other/pages/x]]",
            "[[//evil.example]]",
        ] {
            assert_inert(v);
        }
    }

    #[test]
    fn a_title_with_markup_is_escaped_in_the_create_link() {
        let out = r("[[</textarea><img src=x onerror=alert(1)>]]");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("class=\"missing\""), "{out}");
    }
}
