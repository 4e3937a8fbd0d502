use domain::FieldErrors;
use domain::page::{LineChange, Page, PageForm, RevisionDiff, RevisionSummary};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::api::{
    WikiEditor, WikiHistory, WikiIndex, WikiPage, create_page, get_wiki_editor, get_wiki_history,
    get_wiki_index, get_wiki_page, revert_page, update_page,
};
use crate::components::{ErrorPage, Field, ReadOnlyNotice, Rendered, TextArea, TextInput};
use crate::editor::{EditorPage, use_editor};
use crate::error::AppError;
use crate::question::page::QuestionSection;

fn param(name: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.read().get(name).unwrap_or_default()
}

/// A time on the hackfest's wall clock (as the sessions show it); UTC if the server
/// did not send the local time.
fn when(t: chrono::DateTime<chrono::Utc>, local: Option<chrono::NaiveDateTime>) -> impl IntoView {
    let shown = match local {
        Some(l) => l.format("%a %-d %b %Y, %H:%M").to_string(),
        None => t.format("%Y-%m-%d %H:%M UTC").to_string(),
    };
    view! { <time datetime=t.to_rfc3339()>{shown}</time> }
}

/// Waits for `resource`, then renders `ok` with it, or the error page.
fn loaded<T, V>(
    resource: Resource<Result<T, AppError>>,
    ok: impl Fn(T) -> V + Copy + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    // Transition, not Suspense: a live refetch keeps the page on screen until the new
    // data is there.
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match resource.await {
                    Ok(t) => ok(t).into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The changes a wiki list or history shows.
const WIKI: &[&str] = &["hackfest.wiki."];
/// A page also shows its questions and the decisions they link to.
const WIKI_PAGE: &[&str] = &["hackfest.wiki.", "hackfest.question.", "hackfest.decision."];

fn crumbs(slug: &str, hackfest_title: &str) -> impl IntoView + use<> {
    view! {
        <nav class="crumbs" aria-label="Breadcrumb">
            <a href=format!("/h/{slug}")>{hackfest_title.to_owned()}</a>" › "
            <a href=format!("/h/{slug}/pages")>"Wiki"</a>
        </nav>
    }
}

// --- list -----------------------------------------------------------------

#[component]
pub fn WikiIndexPage() -> impl IntoView {
    let slug = param("slug");
    let index = Resource::new(slug, get_wiki_index);
    crate::live::refetch_on_changes_to(slug, WIKI, move || index.refetch());
    loaded(index, |w| view! { <WikiIndexView w /> })
}

#[component]
fn WikiIndexView(w: WikiIndex) -> impl IntoView {
    let slug = w.hackfest.slug.clone();
    let can_edit = w.role.can_edit_content();
    view! {
        <Title text=format!("Wiki · {}", w.hackfest.title) />
        <section class="page narrow wiki">
            <nav class="crumbs" aria-label="Breadcrumb"><a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a></nav>
            <div class="section-head">
                <h1>"Wiki"</h1>
                {can_edit.then(|| view! { <a class="button primary" href=format!("/h/{slug}/pages/new")>"New page"</a> })}
            </div>
            {(!can_edit).then(|| view! { <ReadOnlyNotice role=w.role /> })}
            {if w.pages.is_empty() {
                view! { <p class="empty">"No pages yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="items wiki-pages">
                        {w.pages.into_iter().map(|p| view! {
                            <li class="item">
                                <a href=format!("/h/{slug}/pages/{}", p.slug)>{p.title.clone()}</a>
                                <p class="meta"><span>{format!("Revision {} · ", p.version)}{when(p.updated_at, p.updated_local)}</span></p>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
    .into_any()
}

// --- one page, with its questions -------------------------------------------

#[component]
pub fn WikiPageView() -> impl IntoView {
    let (slug, page) = (param("slug"), param("page"));
    let data = Resource::new(move || (slug(), page()), |(s, p)| get_wiki_page(s, p));
    // Someone else's change shows at once, unless this person is typing an answer or
    // a question: then a notice offers the new version, and their text stays.
    let stale = RwSignal::new(false);
    crate::live::refetch_on_changes_to(slug, WIKI_PAGE, move || {
        if crate::live::typing() {
            stale.set(true);
        } else {
            stale.set(false);
            data.refetch();
        }
    });
    let show = move |_| {
        stale.set(false);
        data.refetch();
    };
    view! {
        <p class="notice live-stale" role="status" hidden=move || !stale.get()>
            "This page was changed by someone else. "
            <button type="button" class="button small" on:click=show>"Show the new version"</button>
        </p>
        {loaded(data, |w| view! { <WikiPageContent w /> })}
    }
}

#[component]
fn WikiPageContent(w: WikiPage) -> impl IntoView {
    let WikiPage {
        hackfest,
        page,
        questions,
        decisions,
        role,
    } = w;
    let slug = hackfest.slug.clone();
    let can_edit = role.can_edit_content();
    let base = format!("/h/{slug}/pages/{}", page.slug);
    view! {
        <Title text=format!("{} · {}", page.title, hackfest.title) />
        <article class="page narrow wiki">
            {crumbs(&slug, &hackfest.title)}
            <div class="section-head">
                <h1>{page.title.clone()}</h1>
                {can_edit.then(|| view! { <a class="button" href=format!("{base}/edit")>"Edit"</a> })}
            </div>
            <p class="meta">
                <span>{format!("Revision {} · updated ", page.version)}{when(page.updated_at, page.updated_local)}</span>
                <a href=format!("{base}/history")>"History"</a>
            </p>
            <Rendered html=page.body_html.clone() empty="This page is empty." />
            <QuestionSection slug=slug.clone() page_id=page.id can_edit role decisions questions />
        </article>
    }
    .into_any()
}

// --- create and edit ----------------------------------------------------------

#[component]
pub fn NewWikiPage() -> impl IntoView {
    let slug = param("slug");
    let data = Resource::new(slug, |s| get_wiki_editor(s, None));
    loaded(data, |w| view! { <PageEditor w /> })
}

#[component]
pub fn EditWikiPage() -> impl IntoView {
    let (slug, page) = (param("slug"), param("page"));
    let data = Resource::new(
        move || (slug(), page()),
        |(s, p)| get_wiki_editor(s, Some(p)),
    );
    loaded(data, |w| view! { <PageEditor w /> })
}

#[derive(Clone, Copy)]
struct Fields {
    slug: RwSignal<String>,
    title: RwSignal<String>,
    body: RwSignal<String>,
    comment: RwSignal<String>,
}

impl Fields {
    fn get(&self) -> PageForm {
        PageForm {
            slug: self.slug.get_untracked(),
            title: self.title.get_untracked(),
            body: self.body.get_untracked(),
            comment: self.comment.get_untracked(),
        }
    }

    /// Takes the saved page's values; the comment stays as typed.
    fn put(&self, p: &Page) {
        self.slug.set(p.slug.clone());
        self.title.set(p.title.clone());
        self.body.set(p.body.clone());
    }
}

fn check(f: &PageForm) -> Result<(), FieldErrors> {
    f.parse().map(|_| ())
}

/// (field, saved now, yours) for the conflict view.
fn conflict_rows(current: &Page, mine: PageForm) -> Vec<(String, String, String)> {
    vec![
        (
            "title".to_owned(),
            current.title.clone(),
            mine.title.trim().to_owned(),
        ),
        (
            "slug".to_owned(),
            current.slug.clone(),
            mine.slug.trim().to_owned(),
        ),
        (
            "body".to_owned(),
            current.body.clone(),
            mine.body.trim_end().to_owned(),
        ),
    ]
}

#[component]
fn PageEditor(w: WikiEditor) -> impl IntoView {
    let WikiEditor {
        hackfest,
        page,
        role,
    } = w;
    let query = use_query_map();
    let slug = hackfest.slug.clone();
    let id = page.as_ref().map(|p| p.id);
    let start = page
        .as_ref()
        .map(Page::to_form)
        .unwrap_or_else(|| PageForm {
            title: query.read_untracked().get("title").unwrap_or_default(),
            ..Default::default()
        });
    let fields = Fields {
        slug: RwSignal::new(start.slug),
        title: RwSignal::new(start.title),
        body: RwSignal::new(start.body),
        comment: RwSignal::new(start.comment),
    };
    let navigate = use_navigate();
    let to = slug.clone();
    let editor = use_editor(
        page.as_ref().map(|p| p.version).unwrap_or(0),
        {
            let slug = slug.clone();
            move |version, form: PageForm| {
                let slug = slug.clone();
                async move {
                    match id {
                        Some(id) => update_page(slug, id, version, form).await,
                        None => create_page(slug, form).await,
                    }
                }
            }
        },
        check,
        |p: &Page| p.version,
        move |p: Page| navigate(&format!("/h/{to}/pages/{}", p.slug), Default::default()),
    );
    let errors = editor.errors;
    let can_edit = role.can_edit_content();
    let heading = match (page.is_some(), can_edit) {
        (true, true) => "Edit page",
        (true, false) => "Page source",
        (false, _) => "New page",
    };
    let back = match &page {
        Some(p) => format!("/h/{slug}/pages/{}", p.slug),
        None => format!("/h/{slug}/pages"),
    };
    let submit = if page.is_some() {
        "Save page"
    } else {
        "Create page"
    };
    view! {
        <div class="wiki">
        <EditorPage heading hackfest=(slug.clone(), hackfest.title.clone()) list=("pages", "Wiki") what="page" editor
            rows=conflict_rows mine=move || fields.get() put=move |p: Page| fields.put(&p)
            role submit back id>
            <Field id="title" label="Title" errors><TextInput id="title" sig=fields.title errors /></Field>
            <Field id="slug" label="Address (slug)" errors hint="Lowercase letters a–z, digits and hyphens. Leave blank to make it from the title.">
                <TextInput id="slug" sig=fields.slug errors />
            </Field>
            <Field id="body" label="Body (Markdown)" errors hint="Link to other pages with [[Page title]] or [[slug]].">
                <TextArea id="body" sig=fields.body errors rows=18 />
            </Field>
            <Field id="comment" label="What did you change?" errors hint="Shown in the page history (optional).">
                <TextInput id="comment" sig=fields.comment errors />
            </Field>
        </EditorPage>
        </div>
    }
    .into_any()
}

// --- history, diff, revert ------------------------------------------------------

#[component]
pub fn WikiHistoryPage() -> impl IntoView {
    let (slug, page) = (param("slug"), param("page"));
    let query = use_query_map();
    let number = move |k: &str| {
        query
            .read()
            .get(k)
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    let data = Resource::new(
        move || (slug(), page(), number("from"), number("to")),
        |(s, p, a, b)| get_wiki_history(s, p, a, b),
    );
    crate::live::refetch_on_changes_to(slug, WIKI, move || data.refetch());
    loaded(data, |w| view! { <HistoryView w /> })
}

#[component]
fn HistoryView(w: WikiHistory) -> impl IntoView {
    let WikiHistory {
        hackfest,
        page,
        revisions,
        diff,
        diff_error,
        role,
    } = w;
    let slug = hackfest.slug.clone();
    let base = format!("/h/{slug}/pages/{}", page.slug);
    let latest = revisions.first().map(|r| r.number).unwrap_or(page.version);
    let (from, to) = diff
        .as_ref()
        .map(|d| (d.from.number, d.to.number))
        .unwrap_or(((latest - 1).max(1), latest));
    let can_edit = role.can_edit_content();
    let failure = RwSignal::new(
        crate::editor::url_error(<super::api::RevertPage as leptos::server_fn::ServerFn>::PATH)
            .map(|e| e.to_string()),
    );
    let navigate = use_navigate();
    let revert = Action::new({
        let slug = slug.clone();
        move |(number, version): &(i64, i64)| revert_page(slug.clone(), page.id, *version, *number)
    });
    Effect::new({
        let base = base.clone();
        move |_| {
            match revert.value().get() {
            Some(Ok(_)) => navigate(&base, Default::default()),
            Some(Err(AppError::Conflict { .. })) => failure.set(Some(
                "The page was changed since this list was loaded. Reload to see the newest revisions, then revert again."
                    .into(),
            )),
            Some(Err(e)) => failure.set(Some(e.to_string())),
            None => {}
        }
        }
    });
    let pending = revert.pending();
    let version = page.version;
    let page_id = page.id;
    let slug_for_form = slug.clone();
    view! {
        <Title text=format!("History of {} · {}", page.title, hackfest.title) />
        <section class="page narrow wiki">
            {crumbs(&slug, &hackfest.title)}
            <h1>"History of " <a href=base.clone()>{page.title.clone()}</a></h1>
            <p class="form-error" role="alert" hidden=move || failure.with(Option::is_none)>{move || failure.get()}</p>
            {(!can_edit).then(|| view! { <ReadOnlyNotice role /> })}
            {revisions_and_diff(
                &format!("{base}/history"),
                revisions,
                (from, to),
                ("Comment", |r: &RevisionSummary| r.comment.clone()),
                can_edit.then_some(move |r: &RevisionSummary| {
                    let n = r.number;
                    (n != latest).then(|| view! {
                        // A plain form post without JavaScript (the server
                        // sends the browser back here); with it, no reload.
                        <form method="post" action="/api/pages/revert"
                            on:submit=move |ev: SubmitEvent| {
                                ev.prevent_default();
                                failure.set(None);
                                revert.dispatch((n, version));
                            }>
                            <input type="hidden" name="slug" value=slug_for_form.clone() />
                            <input type="hidden" name="id" value=page_id.to_string() />
                            <input type="hidden" name="version" value=version.to_string() />
                            <input type="hidden" name="number" value=n.to_string() />
                            <button type="submit" class="button small" disabled=move || pending.get()
                                aria-label=format!("Revert to revision {n}")>
                                "Revert to this"
                            </button>
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

/// What every history page shows below its heading (the wiki's, a summary's): the
/// revisions, newest first, with two radio columns choosing what to compare (a plain
/// GET form to `compare`, so it works without JavaScript), the author and time, one
/// column of the kind's own (`note`: its header and text), an action cell per revision
/// for those who may (revert), then the comparison.
pub fn revisions_and_diff<N, A>(
    compare: &str,
    revisions: Vec<RevisionSummary>,
    (from, to): (i64, i64),
    note: (&'static str, N),
    action: Option<A>,
    diff: Option<RevisionDiff>,
    diff_error: Option<String>,
) -> impl IntoView + use<N, A>
where
    N: Fn(&RevisionSummary) -> String,
    A: Fn(&RevisionSummary) -> AnyView,
{
    let (note_head, note_of) = note;
    let has_action = action.is_some();
    view! {
        <form id="compare" class="compare" method="get" action=compare.to_owned()></form>
        <div class="table-scroll">
        <table class="revisions">
            <caption>"Revisions, newest first. Choose two to compare."</caption>
            <thead>
                <tr>
                    <th scope="col">"From"</th>
                    <th scope="col">"To"</th>
                    <th scope="col">"Revision"</th>
                    <th scope="col">"Author and time"</th>
                    <th scope="col">{note_head}</th>
                    {has_action.then(|| view! { <th scope="col"><span class="visually-hidden">"Revert"</span></th> })}
                </tr>
            </thead>
            <tbody>
                {revisions.into_iter().map(|r| {
                    let n = r.number;
                    view! {
                        <tr id=format!("rev-{n}")>
                            <td><input type="radio" form="compare" name="from" value=n.to_string() checked=n == from aria-label=format!("Compare from revision {n}") /></td>
                            <td><input type="radio" form="compare" name="to" value=n.to_string() checked=n == to aria-label=format!("Compare to revision {n}") /></td>
                            <th scope="row">{n}</th>
                            <td><strong>{r.author.clone()}</strong><br />{when(r.created_at, r.created_local)}</td>
                            <td class="comment">{note_of(&r)}</td>
                            {action.as_ref().map(|a| view! { <td>{a(&r)}</td> })}
                        </tr>
                    }.into_any()
                }).collect_view()}
            </tbody>
        </table>
        </div>
        <button type="submit" form="compare" class="button">"Compare selected revisions"</button>
        {diff_error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        {diff.map(|d| view! { <DiffView d /> })}
    }
}

#[component]
pub fn DiffView(d: RevisionDiff) -> impl IntoView {
    let RevisionDiff {
        from,
        to,
        title,
        hunks,
        added,
        removed,
    } = d;
    let label = |r: &RevisionSummary| format!("revision {} ({})", r.number, r.author);
    let summary = format!(
        "{} line{} added, {} removed",
        added,
        if added == 1 { "" } else { "s" },
        removed
    );
    let same = hunks.is_empty() && title.is_none();
    view! {
        <section class="diff" aria-labelledby="diff-head">
            <h2 id="diff-head">{format!("Changes from {} to {}", label(&from), label(&to))}</h2>
            <p class="meta">{summary}</p>
            {title.map(|(old, new)| view! {
                <p class="title-change">"Title: " <del>{old}</del> " → " <ins>{new}</ins></p>
            })}
            {same.then(|| view! { <p class="empty">"These revisions have the same content."</p> })}
            {(!hunks.is_empty()).then(|| view! {
                <div class="table-scroll">
                <table class="diff-lines">
                    <caption class="visually-hidden">"Line by line: removed lines are marked −, added lines +."</caption>
                    <thead>
                        <tr>
                            <th scope="col">{format!("Line in {}", from.number)}</th>
                            <th scope="col">{format!("Line in {}", to.number)}</th>
                            <th scope="col"><span class="visually-hidden">"Change"</span></th>
                            <th scope="col">"Text"</th>
                        </tr>
                    </thead>
                    {hunks.into_iter().map(|lines| view! {
                        <tbody>
                            {lines.into_iter().map(|l| {
                                let kind = match l.change {
                                    LineChange::Same => "same",
                                    LineChange::Added => "added",
                                    LineChange::Removed => "removed",
                                };
                                view! {
                                    <tr class=kind>
                                        <td class="num">{l.old_line.map(|n| n.to_string())}</td>
                                        <td class="num">{l.new_line.map(|n| n.to_string())}</td>
                                        <td class="sign"><span aria-hidden="true">{l.change.sign()}</span><span class="visually-hidden">{l.change.label()}</span></td>
                                        <td class="text">{l.text}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    }).collect_view()}
                </table>
                </div>
            })}
        </section>
    }
    .into_any()
}

/// `/h/:slug/pages/…`: the index, a new page, a page, its editor and history.
#[component(transparent)]
pub fn WikiRoutes() -> impl leptos_router::MatchNestedRoutes + Clone {
    use leptos_router::components::{Outlet, ParentRoute, Route};
    use leptos_router::{SsrMode, path};
    let ssr = SsrMode::Async;
    view! {
        <ParentRoute path=path!("pages") view=Outlet ssr=ssr.clone()>
            <Route path=path!("") view=WikiIndexPage ssr=ssr.clone() />
            <Route path=path!("new") view=NewWikiPage ssr=ssr.clone() />
            <Route path=path!(":page") view=WikiPageView ssr=ssr.clone() />
            <Route path=path!(":page/edit") view=EditWikiPage ssr=ssr.clone() />
            <Route path=path!(":page/history") view=WikiHistoryPage ssr=ssr.clone() />
        </ParentRoute>
    }
    .into_inner()
}
