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
        // Task-list checkboxes, read-only: an <input> keeps only these attributes with
        // exactly these values; [`drop_live_inputs`] then removes every one that is
        // not a disabled checkbox. No other form control is allowed.
        .add_tags(["input"])
        .add_tag_attribute_values("input", "type", ["checkbox"])
        .add_tag_attribute_values("input", "checked", [""])
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
    drop_live_inputs(&CLEANER.clean(html).to_string())
}

/// Removes each `<input>` of ammonia's output that is not a disabled checkbox, and
/// writes the rest in one form: `<input type="checkbox" [checked=""] disabled="">`.
///
/// After [`CLEANER`], an input tag is serialised as `<input`, then ` name="value"` for
/// each of `type`, `checked`, `disabled` it kept, then `>`. Text cannot hold such a tag
/// (`<` in text is `&lt;`), nor can an attribute value (a quote there is `&quot;`), so
/// only a real tag parses; an `<input` that does not parse is attribute text and stays.
fn drop_live_inputs(html: &str) -> String {
    const TAG: &str = "<input";
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(TAG) {
        out.push_str(&rest[..at]);
        let after = &rest[at + TAG.len()..];
        match parse_input(after) {
            Some((checkbox, checked, disabled, r)) => {
                if checkbox && disabled {
                    out.push_str(if checked {
                        r#"<input type="checkbox" checked="" disabled="">"#
                    } else {
                        r#"<input type="checkbox" disabled="">"#
                    });
                }
                rest = r;
            }
            None => {
                out.push_str(TAG);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The attributes of a serialised input tag after `<input`: (a checkbox, checked,
/// disabled, the text after `>`), or `None` if `s` is not such a tag.
fn parse_input(mut s: &str) -> Option<(bool, bool, bool, &str)> {
    let (mut checkbox, mut checked, mut disabled) = (false, false, false);
    loop {
        if let Some(r) = s.strip_prefix('>') {
            return Some((checkbox, checked, disabled, r));
        }
        let r = s.strip_prefix(' ')?;
        let (name, r) = r.split_once("=\"")?;
        let (value, r) = r.split_once('"')?;
        match name {
            "type" => checkbox = value.eq_ignore_ascii_case("checkbox"),
            "checked" => checked = true,
            "disabled" => disabled = true,
            _ if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {}
            _ => return None,
        }
        s = r;
    }
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

    /// Every `<input …>` tag of `html`.
    fn inputs(html: &str) -> Vec<&str> {
        html.match_indices("<input")
            .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1])
            .collect()
    }

    #[test]
    fn task_lists_are_disabled_checkboxes() {
        let out = render("- [x] done\n- [ ] todo");
        assert_eq!(
            inputs(&out),
            [
                "<input type=\"checkbox\" checked=\"\" disabled=\"\">",
                "<input type=\"checkbox\" disabled=\"\">",
            ],
            "{out}"
        );
        assert_eq!(sanitize(&out), out, "sanitising twice changes nothing");
    }

    /// An `<input>` survives only as a disabled checkbox; no other form control does.
    #[test]
    fn no_form_controls_but_disabled_checkboxes() {
        for v in [
            "<input>",
            "<input type=text name=q value=x>",
            "<input type=submit formaction=https://evil.example value=Go>",
            "<input type=hidden name=csrf value=x>",
            "<input type=image src=https://evil.example/x.png formaction=https://evil.example>",
            "<input type=password name=p>",
            "<input type=file>",
            "<input type=checkbox>",
            "<input type=checkbox checked name=agree>",
            "<input disabled>",
            "<input disabled type=text>",
            "<input type=checkbox disabled=disabled>",
            "x <input type=checkbox> y <input type=text disabled> z",
            "<form action=https://evil.example method=post><input name=a></form>",
            "<button type=submit formaction=https://evil.example>Go</button>",
            "<select name=s><option value=1>one</option><optgroup label=g></optgroup></select>",
            "<textarea name=t>text</textarea>",
            "<label for=agree>Agree</label>",
            "<fieldset><legend>L</legend></fieldset>",
            "<output for=a>1</output>",
            "<datalist id=d><option value=a></datalist>",
            "<keygen name=k>",
            "<isindex prompt=x>",
            "<progress value=1></progress><meter value=1></meter>",
        ] {
            let out = render(v);
            assert!(inputs(&out).is_empty(), "{v:?} → {out}");
            let lower = out.to_ascii_lowercase();
            for bad in [
                "<form",
                "<button",
                "<select",
                "<option",
                "<optgroup",
                "<textarea",
                "<label",
                "<fieldset",
                "<legend",
                "<output",
                "<datalist",
                "<keygen",
                "<isindex",
                "<progress",
                "<meter",
                "formaction",
                "name=",
                "value=",
                " for=",
            ] {
                assert!(!lower.contains(bad), "{v:?} → {out} contains {bad}");
            }
            assert_eq!(
                sanitize(&out),
                out,
                "{v:?}: sanitising twice changes nothing"
            );
        }
        // A disabled checkbox keeps only its type, checked and disabled.
        for v in [
            "<input type=checkbox disabled checked name=n value=v formaction=x onclick=alert(1) form=f>",
            "<INPUT TYPE=CHECKBOX CHECKED DISABLED>",
        ] {
            let out = render(v);
            assert_eq!(
                inputs(&out),
                ["<input type=\"checkbox\" checked=\"\" disabled=\"\">"],
                "{v:?} → {out}"
            );
            assert_eq!(
                sanitize(&out),
                out,
                "{v:?}: sanitising twice changes nothing"
            );
        }
        // A task next to a text box: the task's checkbox stays, the text box goes.
        let out = render("- [x] <input type=text name=q>");
        assert_eq!(
            inputs(&out),
            ["<input type=\"checkbox\" checked=\"\" disabled=\"\">"],
            "{out}"
        );
        // "<input>" in an attribute's text is text, not a control.
        let out = render("<abbr title=\"<input type=text>\">x</abbr>");
        assert!(inputs(&out).is_empty(), "{out}");
        assert!(out.contains("&lt;input type=text&gt;"), "{out}");
    }
}
