use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Field name → a message a person can act on. Ordered, so output is stable.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }

    /// Keeps the first message for a field: it is usually the most basic problem.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    /// Records the error of a parse result and returns its value, if any.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(m) => {
                self.add(field, m);
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when no field failed.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        f.write_str(&parts.join("; "))
    }
}

/// What a service call can fail with. The UI layer maps these to HTTP statuses.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("invalid input: {0}")]
    Validation(FieldErrors),
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Someone saved first. Carries the current state (JSON of the object's DTO).
    #[error("conflict: the object was changed by someone else")]
    Conflict(Box<serde_json::Value>),
    /// Anything else the database said: an internal error (logged, never shown).
    #[cfg(feature = "server")]
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

/// A write that broke a constraint a person's input can break (a slug taken by a
/// racing save, an end before its start…) is that field's error, on either database
/// ([`crate::db::constraint_field_error`]); any other database error stays internal.
#[cfg(feature = "server")]
impl From<sqlx::Error> for DomainError {
    fn from(e: sqlx::Error) -> Self {
        match crate::db::constraint_field_error(&e) {
            Some(fields) => DomainError::Validation(fields),
            None => DomainError::Database(e),
        }
    }
}

impl From<FieldErrors> for DomainError {
    fn from(e: FieldErrors) -> Self {
        DomainError::Validation(e)
    }
}

impl DomainError {
    /// A conflict carrying `current`, the object as it is stored now.
    pub fn conflict(current: &impl Serialize) -> Self {
        DomainError::Conflict(Box::new(serde_json::to_value(current).unwrap_or_default()))
    }
}
