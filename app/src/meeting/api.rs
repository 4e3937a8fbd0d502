use domain::meeting::types::{Counts, Preview};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::hackfest::scope::Scope;

/// The import form: the log (raw or text minutes), the nick mapping, and what to do
/// (`preview` or `import`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MinutesForm {
    #[serde(default)]
    pub log: String,
    #[serde(default)]
    pub map: String,
    #[serde(default)]
    pub op: String,
}

/// What the import page needs besides the form: the session it imports into.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPage {
    pub session_id: Uuid,
    pub title: String,
    pub version: i64,
}

/// What an import did, and where it went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// The session's id (the no-JavaScript path goes to its page).
    pub id: Uuid,
    pub counts: Counts,
}

/// Members only (401 anonymous, 403 visitors): the session an import goes into.
#[server(endpoint = "sessions/import-page")]
pub async fn get_import_page(slug: String, id: Uuid) -> Result<ImportPage, AppError> {
    let s = Scope::of(&slug).await?;
    s.editor()?;
    let session = domain::session::service::get(&s.db, &s.hackfest, id).await?;
    Ok(ImportPage {
        session_id: session.id,
        title: session.title,
        version: session.version,
    })
}

/// Members only: what importing `log` (with the nick mapping `map`) into session
/// `id` would create; writes nothing. A log that cannot be read is a 422 on `log`.
#[server(endpoint = "sessions/preview-minutes")]
pub async fn preview_minutes(
    slug: String,
    id: Uuid,
    log: String,
    map: String,
) -> Result<Preview, AppError> {
    let s = Scope::of(&slug).await?;
    s.editor()?;
    Ok(domain::meeting::service::preview(&s.db, &s.hackfest, id, &log, &map).await?)
}

/// Members only. `form.op` = `import`: creates what the preview lists, in one
/// transaction, and answers with the counts; anything else (`preview`) writes nothing
/// and answers 422 on `op`, so the page posted without JavaScript comes back with the
/// preview under the typed log. `version` is the session's version the page showed:
/// an import appends, so it does not have to match.
#[server(endpoint = "sessions/import-minutes")]
pub async fn import_minutes(
    slug: String,
    id: Uuid,
    version: i64,
    form: MinutesForm,
) -> Result<Imported, AppError> {
    let _ = version;
    let s = Scope::of(&slug).await?;
    let actor = s.editor()?;
    if form.op != "import" {
        // Read it first: a log that cannot be read says so on `log`.
        domain::meeting::service::preview(&s.db, &s.hackfest, id, &form.log, &form.map).await?;
        let e = AppError::Validation(domain::FieldErrors::single(
            "op",
            "Nothing is imported yet: check the list below, then press “Import”.",
        ));
        e.set_response_status();
        return Err(e);
    }
    let counts =
        domain::meeting::service::import(&s.db, &s.hackfest, id, &form.log, &form.map, &actor)
            .await?;
    Ok(Imported { id, counts })
}
