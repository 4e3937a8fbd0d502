//! Markdown for wiki pages, notes, outcomes and summaries: pulldown-cmark renders
//! (tables, task lists, footnotes, strikethrough), then ammonia sanitises the whole
//! HTML, because pulldown-cmark passes raw HTML through (SECURITY 21–22).

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

/// The most Markdown one text may hold, in characters.
pub const MAX_CHARS: usize = 100_000;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        // Every link: no window.opener, no referrer to other sites.
        .link_rel(Some("noopener noreferrer"))
        // Task-list checkboxes, read-only.
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .add_tag_attribute_values("input", "disabled", [""]);
    b
});

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
}

/// Renders Markdown to HTML that is safe to insert into a page.
pub fn render(markdown: &str) -> String {
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(markdown, options()));
    sanitize(&raw)
}

/// Sanitises HTML (idempotent: sanitising twice changes nothing).
pub fn sanitize(html: &str) -> String {
    CLEANER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The output carries nothing that can run script.
    fn assert_inert(input: &str) {
        let out = render(input).to_ascii_lowercase();
        assert!(!out.contains("<script"), "{input:?} → {out}");
        // No script URL in any attribute (as link text, "javascript:" is harmless words).
        for scheme in ["javascript:", "vbscript:", "data:"] {
            assert!(
                !out.contains(&format!("=\"{scheme}")),
                "{input:?} → {out} has a {scheme} URL"
            );
        }
        for bad in [
            "<iframe",
            "<object",
            "<embed",
            "<form",
            "<button",
            "<base",
            "<meta",
            "<style",
            "<svg",
            "<math",
            "formaction",
            "http-equiv",
        ] {
            assert!(!out.contains(bad), "{input:?} → {out} contains {bad}");
        }
        // No on* event handler attribute on any element.
        for (i, _) in out.match_indices(" on") {
            let rest = &out[i + 3..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            let is_handler = !name.is_empty() && rest[name.len()..].starts_with('=');
            assert!(!is_handler, "{input:?} → {out} has an on{name} attribute");
        }
        assert_eq!(
            sanitize(&render(input)),
            render(input),
            "sanitising twice changes nothing"
        );
    }

    #[test]
    fn security_21_vectors_render_inert() {
        for v in [
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
        ] {
            assert_inert(v);
        }
    }

    #[test]
    fn links_get_noopener_noreferrer() {
        let out = render(
            "[Fedora](https://fedoraproject.org) and <a href=\"https://x.example\" target=\"_blank\">x</a>",
        );
        assert_eq!(
            out.matches("rel=\"noopener noreferrer\"").count(),
            2,
            "{out}"
        );
    }

    #[test]
    fn markdown_features_survive() {
        let out = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n\n~~old~~ text[^1]\n\n[^1]: note",
        );
        for want in [
            "<table>",
            "<td>1</td>",
            "type=\"checkbox\"",
            "checked",
            "<del>old</del>",
        ] {
            assert!(out.contains(want), "{want} missing from {out}");
        }
    }
}
