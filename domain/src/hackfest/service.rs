use chrono::Utc;
use uuid::Uuid;

use super::{Hackfest, HackfestForm, repo};
use crate::db::Db;
use crate::{DomainError, FieldErrors};

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list(db: &Db) -> Result<Vec<Hackfest>, DomainError> {
    Ok(repo::list(db).await?)
}

#[tracing::instrument(skip(db), err(level = "debug"))]
pub async fn by_slug(db: &Db, slug: &str) -> Result<Hackfest, DomainError> {
    repo::by_slug(db, slug)
        .await?
        .ok_or(DomainError::NotFound("hackfest"))
}

#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn create(db: &Db, form: &HackfestForm) -> Result<Hackfest, DomainError> {
    let new = form.parse()?;
    let mut tx = db.begin().await?;
    if repo::slug_taken(&mut tx, new.slug.as_str()).await? {
        return Err(
            FieldErrors::single("slug", "This slug is already used by another hackfest.").into(),
        );
    }
    let id = Uuid::now_v7();
    repo::insert(&mut tx, id, &new, Utc::now()).await?;
    tx.commit().await?;
    by_slug(db, new.slug.as_str()).await
}

/// Today's date on the hackfest's wall clock.
pub fn today(h: &Hackfest) -> chrono::NaiveDate {
    let tz: chrono_tz::Tz = h.time_zone.parse().unwrap_or(chrono_tz::UTC);
    Utc::now().with_timezone(&tz).date_naive()
}
