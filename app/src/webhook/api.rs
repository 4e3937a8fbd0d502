use domain::FieldErrors;
use domain::webhook::{Delivery, Endpoint, EndpointForm};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Deliveries shown per endpoint (the newest).
pub const LOG_ROWS: i64 = 20;

/// The endpoints with their latest deliveries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WebhooksPage {
    pub endpoints: Vec<(Endpoint, Vec<Delivery>)>,
}

/// Organizers only.
#[server(endpoint = "webhooks/page")]
pub async fn get_webhooks_page(slug: String) -> Result<WebhooksPage, AppError> {
    let s = crate::hackfest::scope::Scope::of(&slug).await?;
    s.organizer()?;
    let mut endpoints = Vec::new();
    for e in domain::webhook::service::list(&s.db, s.hackfest.id).await? {
        let log =
            domain::webhook::service::deliveries(&s.db, s.hackfest.id, e.id, LOG_ROWS).await?;
        endpoints.push((e, log));
    }
    Ok(WebhooksPage { endpoints })
}

/// How a post of the register form went (server only, like the tokens page's answer).
#[derive(Clone, Debug, PartialEq)]
pub enum WebhookAnswer {
    Created {
        endpoint: Endpoint,
        secret: String,
    },
    Refused {
        form: EndpointForm,
        errors: FieldErrors,
    },
}
