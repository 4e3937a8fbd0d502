use domain::FieldErrors;
use domain::question::{AnswerForm, Question, QuestionForm, QuestionState};
use domain::user::Role;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use uuid::Uuid;

use super::api::{answer_question, ask_question, link_question, reopen_question};
use crate::components::{Field, ReadOnlyNotice, Rendered, TextArea};
use crate::error::AppError;

/// A wiki page's questions: the counts, each question with its answer and actions,
/// and the form to ask one (or why this person cannot).
#[component]
pub fn QuestionSection(
    slug: String,
    page_id: Uuid,
    can_edit: bool,
    role: Role,
    /// (id, title) of the hackfest's decisions, for the link select.
    decisions: Vec<(Uuid, String)>,
    questions: Vec<Question>,
) -> impl IntoView {
    let questions = RwSignal::new(questions);
    let ctx = QuestionContext {
        slug: slug.clone(),
        can_edit,
        decisions,
        list: questions,
    };
    view! {
        <section class="questions" aria-labelledby="questions-head">
            <h2 id="questions-head">"Questions"</h2>
            <p class="meta">{move || {
                let (all, now_open) = questions.with(|qs| (qs.len(), qs.iter().filter(|q| q.state == QuestionState::Open).count()));
                if all == 0 { "No questions yet.".to_owned() } else { format!("{all} asked, {now_open} open") }
            }}</p>
            <ol class="question-list">
                <For each=move || questions.get() key=|q| q.id let:q>
                    <QuestionItem q ctx=ctx.clone() />
                </For>
            </ol>
            {if can_edit {
                view! { <AskForm slug=slug.clone() page_id questions /> }.into_any()
            } else {
                view! { <ReadOnlyNotice role /> }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[derive(Clone)]
struct QuestionContext {
    slug: String,
    can_edit: bool,
    decisions: Vec<(Uuid, String)>,
    /// The page's questions: a saved question goes back in, so the counts follow.
    list: RwSignal<Vec<Question>>,
}

#[derive(Clone)]
enum QuestionOp {
    Answer(String),
    Reopen,
    Link(String),
}

#[component]
fn QuestionItem(q: Question, ctx: QuestionContext) -> impl IntoView {
    let id = q.id;
    let slug = ctx.slug.clone();
    let list = ctx.list;
    let question = RwSignal::new(q);
    let keep = move |saved: Question| {
        list.update(|qs| {
            if let Some(q) = qs.iter_mut().find(|q| q.id == saved.id) {
                *q = saved.clone();
            }
        });
        question.set(saved);
    };
    let errors = RwSignal::new(FieldErrors::new());
    let failure = RwSignal::new(None::<String>);
    let answer = RwSignal::new(question.get_untracked().answer);
    let decision = RwSignal::new(
        question
            .get_untracked()
            .decision_id
            .map(|d| d.to_string())
            .unwrap_or_default(),
    );
    let act = Action::new({
        let slug = slug.clone();
        move |(op, version): &(QuestionOp, i64)| {
            let (slug, op, version) = (slug.clone(), op.clone(), *version);
            async move {
                match op {
                    QuestionOp::Answer(a) => {
                        answer_question(slug, id, version, AnswerForm { answer: a }).await
                    }
                    QuestionOp::Reopen => reopen_question(slug, id, version).await,
                    QuestionOp::Link(d) => link_question(slug, id, version, d).await,
                }
            }
        }
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(saved)) => {
            errors.set(FieldErrors::new());
            failure.set(None);
            answer.set(saved.answer.clone());
            keep(saved);
        }
        Some(Err(AppError::Validation(e))) => errors.set(e),
        Some(Err(AppError::Conflict { current })) => {
            if let Ok(saved) = serde_json::from_value::<Question>(current) {
                answer.set(saved.answer.clone());
                decision.set(saved.decision_id.map(|d| d.to_string()).unwrap_or_default());
                keep(saved);
            }
            failure.set(Some(
                "Someone else changed this question first. It is shown as saved now; try again if still needed."
                    .into(),
            ));
        }
        Some(Err(e)) => failure.set(Some(e.to_string())),
        None => {}
    });
    let run = move |op: QuestionOp| {
        failure.set(None);
        act.dispatch((op, question.get_untracked().version));
    };
    let pending = act.pending();
    let answer_id = format!("answer-{id}");
    let decision_id = format!("decision-{id}");
    let error = move |field: &'static str| move || errors.with(|e| e.get(field).map(str::to_owned));
    let titles = ctx.decisions.clone();
    let linked = move || {
        question.with(|q| {
            q.decision_id.map(|d| {
                let title = titles
                    .iter()
                    .find(|(i, _)| *i == d)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_else(|| "a decision".into());
                (d, title)
            })
        })
    };
    let on_answer = move |ev: SubmitEvent| {
        ev.prevent_default();
        let form = AnswerForm {
            answer: answer.get_untracked(),
        };
        match form.parse() {
            Err(e) => errors.set(e),
            Ok(_) => run(QuestionOp::Answer(form.answer)),
        }
    };
    let on_link = move |ev: SubmitEvent| {
        ev.prevent_default();
        run(QuestionOp::Link(decision.get_untracked()));
    };
    let decision_slug = slug.clone();
    // The hidden arguments of the question's forms without JavaScript.
    let hidden = {
        let slug = slug.clone();
        move || {
            view! {
                <input type="hidden" name="slug" value=slug.clone() /><input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="version" value=question.with_untracked(|q| q.version.to_string()) prop:value=move || question.with(|q| q.version.to_string()) />
            }
        }
    };
    let (hidden_answer, hidden_reopen) = (hidden.clone(), hidden.clone());
    view! {
        <li class="question" id=format!("q-{id}") data-state=move || question.with(|q| q.state.as_str())>
            <h3 class="question-text">{move || question.with(|q| q.question.clone())}</h3>
            <p class="meta">
                <span class=move || format!("badge state-{}", question.with(|q| q.state.as_str()))>{move || question.with(|q| q.state.label())}</span>
                <span>"Asked by " {move || question.with(|q| q.asked_by.clone())}</span>
                {move || linked().map(|(d, t)| view! {
                    <span>"Decision: "<a href=format!("/h/{decision_slug}/decisions/{d}")>{t}</a></span>
                })}
            </p>
            {move || question.with(|q| (!q.answer.is_empty()).then(|| view! {
                <div class="answer"><Rendered html=q.answer_html.clone() /></div>
            }))}
            <p class="form-error" role="alert" hidden=move || failure.with(Option::is_none)>{move || failure.get()}</p>
            {ctx.can_edit.then(|| view! {
                <div class="question-actions">
                    {move || (question.with(|q| q.state == QuestionState::Open)).then(|| {
                        let answer_id = answer_id.clone();
                        view! {
                            <form class="form answer-form" method="post" action={<super::api::AnswerQuestion as leptos::server_fn::ServerFn>::PATH} novalidate on:submit=on_answer>{hidden_answer()}
                                <div class="field" class:invalid=move || error("answer")().is_some()>
                                    <label for=answer_id.clone()>"Answer (Markdown)"</label>
                                    <TextArea id=answer_id.clone() sig=answer errors field="answer" rows=4 />
                                    <p class="field-error" id=format!("{answer_id}-error") role="alert" hidden=move || error("answer")().is_none()>{error("answer")}</p>
                                </div>
                                <button type="submit" class="button primary" disabled=move || pending.get()>"Save answer"</button>
                            </form>
                        }.into_any()
                    })}
                    {move || (question.with(|q| q.state == QuestionState::Answered)).then(|| view! {
                        <form method="post" action={<super::api::ReopenQuestion as leptos::server_fn::ServerFn>::PATH} on:submit=move |ev: SubmitEvent| { ev.prevent_default(); run(QuestionOp::Reopen) }>{hidden_reopen()}
                            <button type="submit" class="button" disabled=move || pending.get()>"Reopen"</button>
                        </form>
                    })}
                    <form class="form link-form" method="post" action={<super::api::LinkQuestion as leptos::server_fn::ServerFn>::PATH} novalidate on:submit=on_link>{hidden()}
                        <div class="field" class:invalid=move || error("decision_id")().is_some()>
                            <label for=decision_id.clone()>"Linked decision"</label>
                            <select id=decision_id.clone() name="decision_id" prop:value=decision
                                on:change=move |ev| decision.set(event_target_value(&ev))
                                aria-describedby=format!("{decision_id}-error")>
                                <option value="" selected=move || decision.with(String::is_empty)>"— none —"</option>
                                {ctx.decisions.iter().map(|(d, t)| {
                                    let v = d.to_string();
                                    let v2 = v.clone();
                                    view! { <option value=v selected=move || decision.with(|x| *x == v2)>{t.clone()}</option> }
                                }).collect_view()}
                            </select>
                            <p class="field-error" id=format!("{decision_id}-error") role="alert" hidden=move || error("decision_id")().is_none()>{error("decision_id")}</p>
                        </div>
                        <button type="submit" class="button" disabled=move || pending.get()>"Save link"</button>
                    </form>
                </div>
            }.into_any())}
        </li>
    }
    .into_any()
}

#[component]
fn AskForm(slug: String, page_id: Uuid, questions: RwSignal<Vec<Question>>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let failure = RwSignal::new(None::<String>);
    // Without JavaScript the question forms post to their server functions, which send
    // the browser back here with any error in the address; it shows here.
    if let Some(e) =
        crate::editor::url_error(<super::api::AskQuestion as leptos::server_fn::ServerFn>::PATH)
    {
        match e.field_errors() {
            Some(f) => errors.set(f.clone()),
            None => failure.set(Some(e.to_string())),
        }
    }
    for path in [
        <super::api::AnswerQuestion as leptos::server_fn::ServerFn>::PATH,
        <super::api::ReopenQuestion as leptos::server_fn::ServerFn>::PATH,
        <super::api::LinkQuestion as leptos::server_fn::ServerFn>::PATH,
    ] {
        if let Some(e) = crate::editor::url_error(path) {
            failure.set(Some(match e.field_errors() {
                Some(f) => f.0.values().cloned().collect::<Vec<_>>().join(" "),
                None => e.to_string(),
            }));
        }
    }
    let ask_slug = slug.clone();
    let ask = Action::new(move |(slug, form): &(String, QuestionForm)| {
        ask_question(slug.clone(), page_id, form.clone())
    });
    Effect::new(move |_| match ask.value().get() {
        Some(Ok(q)) => {
            text.set(String::new());
            errors.set(FieldErrors::new());
            questions.update(|qs| {
                if !qs.iter().any(|x| x.id == q.id) {
                    qs.push(q)
                }
            });
        }
        Some(Err(AppError::Validation(e))) => errors.set(e),
        Some(Err(e)) => failure.set(Some(e.to_string())),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let form = QuestionForm {
            question: text.get_untracked(),
        };
        match form.parse() {
            Err(e) => errors.set(e),
            Ok(_) => {
                ask.dispatch((slug.clone(), form));
            }
        }
    };
    let pending = ask.pending();
    view! {
        <form class="form ask-form" method="post" action={<super::api::AskQuestion as leptos::server_fn::ServerFn>::PATH} novalidate on:submit=on_submit>
            <input type="hidden" name="slug" value=ask_slug /><input type="hidden" name="page_id" value=page_id.to_string() />
            <p class="form-error" role="alert" hidden=move || failure.with(Option::is_none)>{move || failure.get()}</p>
            <Field id="question" label="Ask a question" errors>
                <TextArea id="question" sig=text errors rows=3 />
            </Field>
            <button type="submit" class="button primary" disabled=move || pending.get()>"Ask"</button>
        </form>
    }
    .into_any()
}
