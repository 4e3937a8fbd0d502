//! The summaries' pages. The public page of a summary is complete without JavaScript:
//! the shell sends it without the hydration scripts ([`is_read_only`]), so a reader
//! downloads no WASM, and its two buttons (draft from the record, publish) are plain
//! forms that work either way.

use chrono::NaiveDate;
use domain::summary::{Summary, SummaryForm};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use super::api::{
    GenerateSummary, PublishSummary, RevertSummary, SummaryEditor, SummaryHistory, SummaryPage,
    day_label, day_segment, get_summary_editor, get_summary_history, get_summary_page, page_path,
    update_summary,
};
use crate::components::{Field, Rendered, TextArea, TextInput, hackfest_page};
use crate::editor::{EditorPage, url_error, use_editor};
use crate::hackfest::api::HackfestScope;
use crate::page::page::revisions_and_diff;
use domain::page::RevisionSummary;

/// Is `path` a summary's public page (sent without the hydration scripts)?
pub fn is_read_only(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/h/") else {
        return false;
    };
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    match parts[..] {
        [_, "summary"] => true,
        [_, "summary", day] => day != "edit",
        _ => false,
    }
}

fn day_param() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get("day").unwrap_or_default()
}

fn crumbs(slug: &str, title: &str) -> impl IntoView + use<> {
    view! {
        <nav class="crumbs" aria-label="Breadcrumb">
            <a href=format!("/h/{slug}")>{title.to_owned()}</a>" › "
            <a href=format!("/h/{slug}/summary")>"Summaries"</a>
        </nav>
    }
}

/// A plain form that drafts (or brings up to date) a summary from the record.
fn generate_form(slug: &str, day: Option<NaiveDate>, label: &'static str) -> impl IntoView + use<> {
    use leptos::server_fn::ServerFn;
    view! {
        <form class="inline" method="post" action=GenerateSummary::PATH>
            <input type="hidden" name="slug" value=slug.to_owned() />
            <input type="hidden" name="day" value=day_segment(day) />
            <button type="submit" class="button">{label}</button>
        </form>
    }
}

/// A plain form that publishes the saved text of summary `id` (at `version`).
fn publish_form(
    slug: &str,
    id: uuid::Uuid,
    version: i64,
    label: &'static str,
) -> impl IntoView + use<> {
    use leptos::server_fn::ServerFn;
    view! {
        <form class="inline" method="post" action=PublishSummary::PATH>
            <input type="hidden" name="slug" value=slug.to_owned() />
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="version" value=version.to_string() />
            <button type="submit" class="button primary">{label}</button>
        </form>
    }
}

#[component]
pub fn SummaryView() -> impl IntoView {
    hackfest_page(
        day_param(),
        get_summary_page,
        None,
        |w, page| view! { <SummaryPageView w page /> },
    )
}

#[component]
fn SummaryPageView(w: HackfestScope, page: SummaryPage) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let SummaryPage {
        hackfest,
        role,
        day,
        published,
        draft,
        draft_html,
        days,
        url,
    } = page;
    let _ = w;
    let slug = hackfest.slug.clone();
    let organizer = role.can_organize();
    let heading = published
        .as_ref()
        .map(|p| p.title.clone())
        .or_else(|| draft.as_ref().map(|d| d.title.clone()))
        .unwrap_or_else(|| format!("{} — {}", day_label(day), hackfest.title));
    let description = published
        .as_ref()
        .map(|p| p.excerpt.clone())
        .unwrap_or_default();
    let edit = format!("/h/{slug}/summary/{}/edit", day_segment(day));
    let error = url_error(GenerateSummary::PATH).or_else(|| url_error(PublishSummary::PATH));
    // The draft differs from what is published (or nothing is).
    let unpublished = draft.as_ref().is_some_and(|d| {
        published
            .as_ref()
            .is_none_or(|p| d.published_revision != Some(p.revision) || d.revision > p.revision)
    });
    view! {
        <Title text=heading.clone() />
        <Meta property="og:type" content="article" />
        <Meta property="og:title" content=heading.clone() />
        <Meta property="og:url" content=url />
        <Meta property="og:site_name" content="Hackfest" />
        <Meta property="og:description" content=description.clone() />
        <Meta name="description" content=description />
        <Link rel="alternate" type_="application/atom+xml" title=format!("Summaries of {}", hackfest.title)
            href=format!("/h/{slug}/summary.atom") />
        <Link rel="alternate" type_="application/json" href=format!("/h/{slug}/summary.json?day={}", day_segment(day)) />
        <article class="page narrow summary">
            {crumbs(&slug, &hackfest.title)}
            <h1>{heading}</h1>
            {error.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {match &published {
                Some(p) => view! {
                    <p class="meta">
                        <span>{format!("Published {} {} · revision {}", p.published_local.format("%-d %B %Y, %H:%M"), hackfest.time_zone, p.revision)}</span>
                    </p>
                    <div class="summary-text"><Rendered html=p.body_html.clone() empty="This summary is empty." /></div>
                }.into_any(),
                None => view! { <p class="notice">"Not published yet."</p> }.into_any(),
            }}
            {(unpublished || (draft.is_none() && organizer)).then(|| view! {
                <section class="draft" aria-labelledby="draft-head">
                    <div class="section-head">
                        <h2 id="draft-head">"Draft"<span class="badge">"members only"</span></h2>
                        {organizer.then(|| view! {
                            <div class="actions">
                                {draft.as_ref().map(|d| publish_form(&slug, d.id, d.version, "Publish this draft"))}
                                {draft.is_some().then(|| view! { <a class="button" href=edit.clone()>"Edit"</a> })}
                                {generate_form(&slug, day, if draft.is_some() { "Bring up to date from the record" } else { "Draft from the record" })}
                            </div>
                        })}
                    </div>
                    {match &draft {
                        Some(_) => view! { <div class="summary-text"><Rendered html=draft_html.clone() empty="The draft is empty." /></div> }.into_any(),
                        None => view! { <p class="empty">"No draft yet. One is drafted from the record when the day ends."</p> }.into_any(),
                    }}
                </section>
            })}
            <nav class="summary-days" aria-label="Summaries of this hackfest">
                <h2>"Summaries"</h2>
                <ul>
                    {days.into_iter().map(|d| {
                        let here = d.day == day;
                        let label = day_label(d.day);
                        let state = if d.published { "" } else if d.draft { " (draft)" } else { " (none yet)" };
                        view! {
                            <li>
                                {if d.published || d.draft {
                                    view! { <a href=page_path(&slug, d.day) aria-current=here.then_some("page")>{label}</a> }.into_any()
                                } else {
                                    view! { <span class="muted">{label}</span> }.into_any()
                                }}
                                <span class="muted">{state}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <p><a href=format!("/h/{slug}/summary.atom")>"Atom feed"</a></p>
            </nav>
        </article>
    }
    .into_any()
}

crate::form_signals!(Fields for SummaryForm { title, body });

#[component]
pub fn SummaryEditorView() -> impl IntoView {
    hackfest_page(
        day_param(),
        get_summary_editor,
        None,
        |_, data| view! { <SummaryEditorPage data /> },
    )
}

/// (field, saved now, yours) for the conflict view.
fn conflict_rows(current: &Summary, mine: SummaryForm) -> Vec<(String, String, String)> {
    vec![
        ("title".into(), current.title.clone(), mine.title),
        ("body".into(), current.body.clone(), mine.body),
    ]
}

#[component]
fn SummaryEditorPage(data: SummaryEditor) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let SummaryEditor {
        hackfest,
        role,
        day,
        summary,
        missing,
    } = data;
    let slug = hackfest.slug.clone();
    let Some(summary) = summary else {
        return view! {
            <Title text=format!("Summary: {} · {}", day_label(day), hackfest.title) />
            <section class="page narrow">
                {crumbs(&slug, &hackfest.title)}
                <h1>{format!("Summary: {}", day_label(day))}</h1>
                <p class="empty">"There is no draft yet."</p>
                {role.can_organize().then(|| generate_form(&slug, day, "Draft from the record"))}
            </section>
        }
        .into_any();
    };
    let fields = Fields::new(SummaryForm {
        title: summary.title.clone(),
        body: summary.body.clone(),
    });
    let id = summary.id;
    let to = page_path(&slug, day);
    let navigate = leptos_router::hooks::use_navigate();
    let s_slug = slug.clone();
    let editor = use_editor(
        summary.version,
        {
            let slug = slug.clone();
            move |version, form: SummaryForm| update_summary(slug.clone(), id, version, form)
        },
        |f: &SummaryForm| f.parse().map(|_| ()),
        |s: &Summary| s.version,
        move |s: Summary| navigate(&page_path(&s_slug, s.day), Default::default()),
    );
    let errors = editor.errors;
    let publish_error =
        url_error(PublishSummary::PATH).or_else(|| url_error(GenerateSummary::PATH));
    let version = summary.version;
    let state = match summary.published_revision {
        Some(r) if r == summary.revision => {
            format!("Published (revision {r}); the text below is what readers see.")
        }
        Some(r) => format!(
            "Revision {r} is published; this text (revision {}) is not yet.",
            summary.revision
        ),
        None => "A draft: only members of the hackfest see it.".to_owned(),
    };
    view! {
        <EditorPage heading="Edit summary" hackfest=(slug.clone(), hackfest.title.clone()) list=("summary", "Summaries")
            what="summary" editor rows=conflict_rows mine=move || fields.get() put=move |s: Summary| fields.set(SummaryForm { title: s.title, body: s.body })
            role submit="Save draft" back=to.clone() id=Some(id)>
            <p class="meta">{state}</p>
            <Field id="title" label="Title" errors><TextInput id="title" sig=fields.title errors /></Field>
            <Field id="body" label="Text (Markdown)" errors hint="Drafted from the record; edit freely. Bringing it up to date again replaces only the sections you have not edited.">
                <TextArea id="body" sig=fields.body errors rows=24 />
            </Field>
        </EditorPage>
        <section class="page narrow">
            {publish_error.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {(!missing.is_empty()).then(|| view! {
                <section class="missing" aria-labelledby="missing-head">
                    <h2 id="missing-head">"In the record, not in your text"</h2>
                    <p class="hint">"Copy what belongs in the summary into the text above."</p>
                    {missing.into_iter().map(|(heading, lines)| view! {
                        <h3>{heading}</h3>
                        <pre class="lines">{lines.join("\n")}</pre>
                    }).collect_view()}
                </section>
            })}
            {role.can_organize().then(|| view! {
                <div class="actions">
                    {publish_form(&slug, id, version, "Publish the saved text")}
                    {generate_form(&slug, day, "Bring up to date from the record")}
                    <a class="button" href=format!("/h/{slug}/summary/{}/history", day_segment(day))>"History"</a>
                </div>
            })}
        </section>
    }
    .into_any()
}

#[component]
pub fn SummaryHistoryView() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let day = day_param();
    let key = move || {
        let n = |k: &str| {
            query
                .read()
                .get(k)
                .and_then(|v| v.trim().parse::<i64>().ok())
        };
        (day(), n("from"), n("to"))
    };
    hackfest_page(
        key,
        |slug, (day, from, to)| get_summary_history(slug, day, from, to),
        None,
        |_, h| view! { <SummaryHistoryPage h /> },
    )
}

#[component]
fn SummaryHistoryPage(h: SummaryHistory) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    let SummaryHistory {
        hackfest,
        role,
        summary,
        revisions,
        diff,
        diff_error,
    } = h;
    let slug = hackfest.slug.clone();
    let base = format!("/h/{slug}/summary/{}", day_segment(summary.day));
    let latest = revisions
        .first()
        .map(|r| r.number)
        .unwrap_or(summary.revision);
    let (from, to) = diff
        .as_ref()
        .map(|d| (d.from.number, d.to.number))
        .unwrap_or(((latest - 1).max(1), latest));
    let organizer = role.can_organize();
    let error = url_error(RevertSummary::PATH);
    let (published, id, version) = (summary.published_revision, summary.id, summary.version);
    let crumbs_view = crumbs(&slug, &hackfest.title);
    view! {
        <Title text=format!("History of {}", summary.title) />
        <section class="page narrow">
            {crumbs_view}
            <h1>"History of " <a href=page_path(&slug, summary.day)>{summary.title.clone()}</a></h1>
            {error.map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
            {revisions_and_diff(
                &format!("{base}/history"),
                revisions,
                (from, to),
                ("State", move |r: &RevisionSummary| {
                    if published == Some(r.number) { "published".to_owned() } else { String::new() }
                }),
                organizer.then_some(move |r: &RevisionSummary| {
                    let n = r.number;
                    (n != latest).then(|| view! {
                        <form method="post" action=RevertSummary::PATH>
                            <input type="hidden" name="slug" value=slug.clone() />
                            <input type="hidden" name="id" value=id.to_string() />
                            <input type="hidden" name="version" value=version.to_string() />
                            <input type="hidden" name="number" value=n.to_string() />
                            <button type="submit" class="button small" aria-label=format!("Revert to revision {n}")>"Revert to this"</button>
                        </form>
                    }).into_any()
                }),
                diff,
                diff_error,
            )}
        </section>
    }
    .into_any()
}

/// `/h/:slug/summary`: the week's summary and the list of days; `…/summary/:day` a
/// day's (`week` is the week's); `…/:day/edit` the editor.
#[component(transparent)]
pub fn SummaryRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::{Outlet, ParentRoute, Route};
    use leptos_router::{SsrMode, path};
    let ssr = SsrMode::Async;
    view! {
        <ParentRoute path=path!("summary") view=Outlet ssr=ssr.clone()>
            <Route path=path!("") view=SummaryView ssr=ssr.clone() />
            <Route path=path!(":day") view=SummaryView ssr=ssr.clone() />
            <Route path=path!(":day/edit") view=SummaryEditorView ssr=ssr.clone() />
            <Route path=path!(":day/history") view=SummaryHistoryView ssr=ssr.clone() />
        </ParentRoute>
    }
    .into_inner()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_the_reading_pages_go_without_scripts() {
        use super::is_read_only;
        assert!(is_read_only("/h/flock/summary"));
        assert!(is_read_only("/h/flock/summary/2026-03-23"));
        assert!(is_read_only("/h/flock/summary/week/"));
        assert!(!is_read_only("/h/flock/summary/2026-03-23/edit"));
        assert!(!is_read_only("/h/flock/goals"));
        assert!(!is_read_only("/summary"));
    }
}
