use domain::meeting::minutes::ItemKind;
use domain::meeting::types::Preview;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{ImportPage, get_import_page, preview_minutes};
use crate::components::{Field, TextArea, hackfest_page, id_param, parse_id};
use crate::hackfest::api::HackfestScope;

/// `/h/:slug/sessions/:id/import`: paste a MeetBot log or its text minutes, preview
/// what it creates, import it. A plain form, with or without JavaScript: the server
/// answers a preview with this page and the list under the typed log, an import with
/// the session's page.
#[component]
pub fn ImportMinutesPage() -> impl IntoView {
    hackfest_page(
        id_param(),
        |slug, id| async move { get_import_page(slug, parse_id(&id, "Session")?).await },
        None,
        |w, data| view! { <ImportMinutesForm w data /> },
    )
}

fn kind_label(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Agreed => "Decision (agreed)",
        ItemKind::Rejected => "Decision (rejected)",
        ItemKind::Action => "Action item",
        ItemKind::Info => "Note",
        ItemKind::Idea => "Note (idea)",
        ItemKind::Help => "Note (help)",
        ItemKind::Link => "Note (link)",
    }
}

#[component]
fn ImportMinutesForm(w: HackfestScope, data: ImportPage) -> impl IntoView {
    let slug = w.hackfest.slug.clone();
    let (posted_errors, _) = crate::editor::posted_outcome();
    let errors = RwSignal::new(posted_errors);
    let (log, map) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let session = format!("/h/{slug}/sessions/{}", data.session_id);
    let here = format!("/h/{slug}/sessions/{}/import", data.session_id);
    // A posted log is previewed on the server, under the form.
    let posted = crate::editor::posted_value("log").filter(|l| !l.trim().is_empty());
    let preview = posted.map(|l| {
        let (slug, id) = (slug.clone(), data.session_id);
        let m = crate::editor::posted_value("map").unwrap_or_default();
        Resource::new(
            || (),
            move |_| preview_minutes(slug.clone(), id, l.clone(), m.clone()),
        )
    });
    let op_message = errors.with_untracked(|e| e.get("op").map(str::to_owned));
    view! {
        <Title text=format!("Import a meeting · {}", data.title) />
        <section class="page narrow">
            <nav class="crumbs" aria-label="Breadcrumb">
                <a href=format!("/h/{slug}")>{w.hackfest.title.clone()}</a>" › "
                <a href=format!("/h/{slug}/sessions")>"Sessions"</a>" › "
                <a href=session.clone()>{data.title.clone()}</a>
            </nav>
            <h1>"Import a meeting"</h1>
            <p class="lead">
                "Paste the MeetBot log of this session's meeting (" <code>"[14:02:11] <nick> #agreed …"</code>
                ") or its text minutes. " <code>"#agreed"</code> " and " <code>"#rejected"</code>
                " become decisions, " <code>"#action"</code> " action items, " <code>"#info"</code> ", "
                <code>"#idea"</code> ", " <code>"#help"</code> " and " <code>"#link"</code>
                " the session's notes under their " <code>"#topic"</code> ". Importing the same log again creates nothing new."
            </p>
            <form class="form" method="post" action=here.clone() novalidate data-posted=crate::editor::posted_json()>
                <input type="hidden" name="id" value=data.session_id.to_string() />
                <input type="hidden" name="version" value=data.version.to_string() />
                <Field id="log" label="MeetBot log or text minutes" errors hint="Up to 1 MB: one meeting at a time.">
                    <TextArea id="log" sig=log errors rows=14 />
                </Field>
                <Field id="map" label="Nicks to map" errors hint="“nick = username”, one per line: the owner of the actions that name a nick with no account here.">
                    <TextArea id="map" sig=map errors rows=3 />
                </Field>
                <div class="actions">
                    <button type="submit" class="button" name="form[op]" value="preview">"Preview"</button>
                    <button type="submit" class="button primary" name="form[op]" value="import">"Import"</button>
                    <a class="button" href=session.clone()>"Cancel"</a>
                </div>
            </form>
            // A file, as a plain form: its text comes back in the log above, previewed.
            <form class="form" method="post" action=here.clone() enctype="multipart/form-data">
                <input type="hidden" name="id" value=data.session_id.to_string() />
                <input type="hidden" name="version" value=data.version.to_string() />
                <input type="hidden" name="form[map]" value="" />
                <input type="hidden" name="form[op]" value="preview" />
                <div class="field">
                    <label for="log-file">"Or upload the log as a file"</label>
                    <p class="hint" id="log-file-hint">"A .log or .txt file up to 1 MB. It is read and previewed here; nothing is imported until you choose Import."</p>
                    <input id="log-file" type="file" name="form[log]" accept=".log,.txt,text/plain" aria-describedby="log-file-hint" />
                </div>
                <div class="actions"><button type="submit" class="button">"Preview the file"</button></div>
            </form>
            {preview.map(|p| view! {
                <Suspense fallback=|| view! { <p class="loading">"Reading the log…"</p> }>
                    {
                        let op_message = op_message.clone();
                        move || {
                            let op_message = op_message.clone();
                            Suspend::new(async move {
                                p.await.ok().map(|pv| view! { <PreviewList pv op_message /> })
                            })
                        }
                    }
                </Suspense>
            })}
        </section>
    }
}

/// What the import will create, line by line.
#[component]
fn PreviewList(pv: Preview, op_message: Option<String>) -> impl IntoView {
    let c = pv.counts();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let summary = format!(
        "Importing creates {}, {} and {}{}.",
        plural(c.decisions, "decision", "decisions"),
        plural(c.actions, "action item", "action items"),
        plural(c.notes, "note", "notes"),
        if c.already > 0 {
            format!(" ({} already imported)", c.already)
        } else {
            String::new()
        },
    );
    view! {
        <section class="import-preview" aria-labelledby="preview-head">
            <h2 id="preview-head">{match &pv.title { Some(t) => format!("Preview: {t}"), None => "Preview".to_owned() }}</h2>
            {op_message.map(|m| view! { <p class="notice" role="status">{m}</p> })}
            <p data-testid="import-counts"><strong>{summary}</strong></p>
            {(!pv.unknown.is_empty()).then(|| view! {
                <p class="notice">{format!(
                    "No account here for: {}. Map them under “Nicks to map” to make them the owners of their actions; otherwise those actions have no owner.",
                    pv.unknown.join(", ")
                )}</p>
            })}
            <div class="table-scroll">
                <table class="figures import-items">
                    <thead><tr><th scope="col">"Becomes"</th><th scope="col">"Text"</th><th scope="col">"Owner"</th><th scope="col">"From"</th></tr></thead>
                    <tbody>
                        {pv.items.into_iter().map(|p| {
                            let from = format!(
                                "line {}, {}{}",
                                p.item.source.line,
                                p.item.source.nick,
                                p.item.source.time.as_deref().map(|t| format!(", {t}")).unwrap_or_default()
                            );
                            view! {
                                <tr class:already=p.already>
                                    <td>{kind_label(p.item.kind)}{p.already.then(|| view! { " " <span class="badge">"already imported"</span> })}</td>
                                    <td>{p.item.topic.map(|t| view! { <span class="topic">{t}</span><br /> })}{p.item.text}</td>
                                    <td>{p.owner.unwrap_or_default()}</td>
                                    <td class="source">{from}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(!pv.skipped.is_empty()).then(|| view! {
                <p class="meta">{format!(
                    "Not taken (a chair's command from someone who is no chair, an #undo with nothing before it, an empty item): {} {}.",
                    if pv.skipped.len() == 1 { "line" } else { "lines" },
                    pv.skipped.iter().map(|s| s.line.to_string()).collect::<Vec<_>>().join(", ")
                )}</p>
            })}
        </section>
    }
}
