//! The OpenAPI 3.1 document of `/api/v1` (`/api/v1/openapi.json`), made from the code:
//! the paths, parameters and who may call them from the kinds' table
//! ([`super::kinds::each`], the same one that registers the routes), and the schemas
//! derived (`utoipa::ToSchema`) from the very types the API serialises and reads.
//! `server/tests/objects/api_v1.rs` checks the document with `openapi-spec-validator`
//! and every answer it got from the API against it (`scripts/validate/openapi.py`).

use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

use super::kinds::{self, Kind, Visit};
use super::{PER_PAGE, PER_PAGE_MAX, Values};

/// `GET /api/v1/openapi.json`: made once per process.
pub async fn document() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let body = DOC.get_or_init(|| serde_json::to_string_pretty(&build()).unwrap_or_default());
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body.clone(),
    )
        .into_response()
}

/// Collects a type's schema and every schema it refers to.
#[derive(Default)]
struct Schemas(Vec<(String, RefOr<Schema>)>);

impl Schemas {
    fn add<T: ToSchema>(&mut self) -> Value {
        let name = T::name().into_owned();
        if !self.0.iter().any(|(n, _)| *n == name) {
            self.0.push((name.clone(), T::schema()));
            T::schemas(&mut self.0);
        }
        reference(&name)
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The answers every operation may give besides its success.
fn errors(codes: &[u16]) -> Map<String, Value> {
    let words = |c: u16| match c {
        401 => {
            "No token, or a token that is malformed, unknown, expired or revoked (all alike); or anonymous writing."
        }
        403 => {
            "The token is for another hackfest, or reads only; or the person's role may not do this."
        }
        404 => "No such hackfest or object (an object of another hackfest is not found either).",
        409 => "Someone saved first: `current` is the object as it is now.",
        422 => "A field or parameter is wrong: `fields` names each with its message.",
        429 => "Too many changes from one address; retry after `Retry-After` seconds.",
        _ => "Error",
    };
    codes
        .iter()
        .map(|c| {
            (
                c.to_string(),
                json!({
                    "description": words(*c),
                    "content": { "application/json": { "schema": reference("Error") } }
                }),
            )
        })
        .collect()
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn slug_param() -> Value {
    json!({ "name": "slug", "in": "path", "required": true, "description": "The hackfest's slug.",
            "schema": { "type": "string" } })
}

fn bearer() -> Value {
    // Reads also work without a token (what anonymous visitors see).
    json!([{ "bearer": [] }, {}])
}

struct Paths {
    paths: Map<String, Value>,
    schemas: Schemas,
}

impl Visit for Paths {
    fn visit<K: Kind>(&mut self) {
        let (all, one) = kinds::paths::<K>();
        let row = self.schemas.add::<K::Row>();
        let item = self.schemas.add::<K::Item>();
        let form = self.schemas.add::<K::Form>();
        let what = K::WHAT;
        let who = if K::ORGANIZERS {
            "organizers"
        } else {
            "attendees and organizers"
        };
        let list_name = format!("{}List", K::Row::name());
        self.schemas.0.push((
            list_name.clone(),
            RefOr::T(Schema::Object(Default::default())), // replaced below
        ));
        let list_schema = json!({
            "type": "object",
            "required": ["items", "page", "per_page", "total"],
            "properties": {
                "items": { "type": "array", "items": row },
                "page": { "type": "integer", "minimum": 1 },
                "per_page": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX },
                "total": { "type": "integer", "minimum": 0 }
            }
        });
        let mut params = vec![
            slug_param(),
            json!({ "name": "page", "in": "query", "description": "The page, from 1.",
                    "schema": { "type": "integer", "minimum": 1, "default": 1 } }),
            json!({ "name": "per_page", "in": "query", "description": "Rows per page.",
                    "schema": { "type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE } }),
        ];
        for f in K::FILTERS {
            let schema = match f.values {
                Values::OneOf(values) => json!({ "type": "string", "enum": values() }),
                Values::Id => json!({ "type": "string", "format": "uuid" }),
                Values::Username => json!({ "type": "string" }),
            };
            params.push(json!({ "name": f.name, "in": "query",
                "description": format!("Only those whose `{}` is this.", f.column), "schema": schema }));
        }
        let key = json!({ "name": K::KEY, "in": "path", "required": true,
            "description": format!("The {what}'s {}.", K::KEY), "schema": { "type": "string" } });
        let mut update_body = Map::new();
        update_body.insert(
            "allOf".into(),
            json!([form.clone(), {
                "type": "object", "required": ["version"],
                "properties": { "version": { "type": "integer", "minimum": 1,
                    "description": "The version this saves over; a newer stored one is a 409." } }
            }]),
        );
        let tag = K::PATH;
        let list_ok = {
            let mut r = errors(&[401, 403, 404, 422]);
            r.insert(
                "200".into(),
                ok(&format!("A page of {}s.", what), reference(&list_name)),
            );
            r
        };
        let get_ok = {
            let mut r = errors(&[401, 403, 404]);
            r.insert("200".into(), ok(&format!("The {what}."), item.clone()));
            r
        };
        let create_ok = {
            let mut r = errors(&[401, 403, 404, 422, 429]);
            r.insert(
                "201".into(),
                ok(&format!("The {what}, as stored (version 1)."), item.clone()),
            );
            r
        };
        let update_ok = {
            let mut r = errors(&[401, 403, 404, 409, 422, 429]);
            r.insert(
                "200".into(),
                ok(&format!("The {what}, as stored."), item.clone()),
            );
            r
        };
        let form_note = "The form's fields as JSON: text, or a number or boolean (read as its text), or a list of strings (one comma-separated value); a missing field is empty.";
        self.paths.insert(
            format!("/api/v1{all}"),
            json!({
                "get": { "tags": [tag], "operationId": format!("list_{}", tag.replace('-', "_")),
                         "summary": format!("List {what}s (paged, filtered)"),
                         "parameters": params, "security": bearer(), "responses": list_ok },
                "post": { "tags": [tag], "operationId": format!("create_{}", tag.replace('-', "_")),
                          "summary": format!("Create a {what} ({who}; a write token)"),
                          "parameters": [slug_param()], "security": [{ "bearer": [] }],
                          "requestBody": { "required": true, "description": form_note,
                              "content": { "application/json": { "schema": form } } },
                          "responses": create_ok }
            }),
        );
        self.paths.insert(
            format!("/api/v1{one}"),
            json!({
                "get": { "tags": [tag], "operationId": format!("get_{}", tag.replace('-', "_")),
                         "summary": format!("Get a {what}"),
                         "parameters": [slug_param(), key.clone()], "security": bearer(), "responses": get_ok },
                "put": { "tags": [tag], "operationId": format!("update_{}", tag.replace('-', "_")),
                         "summary": format!("Save a {what} over its version ({who}; a write token)"),
                         "parameters": [slug_param(), key], "security": [{ "bearer": [] }],
                         "requestBody": { "required": true, "description": form_note,
                             "content": { "application/json": { "schema": Value::Object(update_body) } } },
                         "responses": update_ok }
            }),
        );
        // The list's schema (a placeholder was pushed to keep the order).
        if let Some(slot) = self.schemas.0.iter_mut().find(|(n, _)| *n == list_name) {
            slot.1 = serde_json::from_value(list_schema).unwrap_or(slot.1.clone());
        }
    }
}

/// The whole document.
pub fn build() -> Value {
    let mut p = Paths {
        paths: Map::new(),
        schemas: Schemas::default(),
    };
    let hackfest = p.schemas.add::<super::HackfestView>();
    let me = p.schemas.add::<super::Me>();
    let hackfest_list = p.schemas.add::<domain::hackfest::Hackfest>();
    kinds::each(&mut p);
    let mut schemas = Map::new();
    for (name, s) in &p.schemas.0 {
        schemas.insert(name.clone(), serde_json::to_value(s).unwrap_or_default());
    }
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error", "message"],
            "properties": {
                "error": { "type": "string", "enum": ["unauthorized", "forbidden", "not_found", "validation",
                    "conflict", "too_many_requests", "internal", "bad_request"] },
                "message": { "type": "string" },
                "fields": { "type": "object", "additionalProperties": { "type": "string" },
                            "description": "With `validation`: each wrong field or parameter and its message." },
                "current": { "description": "With `conflict`: the object as it is now." },
                "error_id": { "type": "string", "description": "With `internal`: the id in the server's log." }
            }
        }),
    );
    schemas.insert(
        "HackfestList".into(),
        json!({
            "type": "object", "required": ["items", "page", "per_page", "total"],
            "properties": { "items": { "type": "array", "items": hackfest_list },
                "page": { "type": "integer" }, "per_page": { "type": "integer" }, "total": { "type": "integer" } }
        }),
    );
    let mut paths = p.paths;
    paths.insert(
        "/api/v1/me".into(),
        json!({ "get": { "tags": ["tokens"], "operationId": "me", "summary": "Whose token this is, where it works, its scope",
            "security": [{ "bearer": [] }],
            "responses": { "200": ok("The token's owner, hackfest and scope.", me), "401": errors(&[401])["401"] } } }),
    );
    paths.insert(
        "/api/v1/hackfests".into(),
        json!({ "get": { "tags": ["hackfests"], "operationId": "list_hackfests", "summary": "Every hackfest",
            "security": bearer(), "responses": { "200": ok("Every hackfest.", reference("HackfestList")),
                "401": errors(&[401])["401"] } } }),
    );
    let mut one = errors(&[401, 403, 404]);
    one.insert(
        "200".into(),
        ok("The hackfest, and the caller's role in it.", hackfest),
    );
    paths.insert(
        "/api/v1/hackfests/{slug}".into(),
        json!({ "get": { "tags": ["hackfests"], "operationId": "get_hackfest", "summary": "A hackfest",
            "parameters": [slug_param()], "security": bearer(), "responses": one } }),
    );
    paths.insert(
        "/api/v1/openapi.json".into(),
        json!({ "get": { "tags": ["meta"], "operationId": "openapi", "summary": "This document", "security": [{}],
            "responses": { "200": { "description": "The OpenAPI 3.1 document.",
                "content": { "application/json": { "schema": { "type": "object" } } } } } } }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Hackfest API",
            "version": "1",
            "description": "Read and write a hackfest's goals, sessions, decisions, action items, rooms and wiki pages. \
                Authenticate with `Authorization: Bearer <token>`, a personal token made on the app's /tokens page: it \
                works in one hackfest, reads only or also writes, and acts with its owner's role there. Without a \
                token you read what anonymous visitors read. Errors are `Error` objects."
        },
        "tags": [],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer",
                "description": "A personal API token (`hft_…`)." } }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each `$ref` of the document names a schema it has.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn the_document_has_every_kind_and_every_schema_it_names() {
        let doc = build();
        let paths = doc["paths"].as_object().unwrap();
        // Six kinds × (list, one) + me, hackfests, a hackfest, this document.
        assert_eq!(paths.len(), 16, "{:?}", paths.keys().collect::<Vec<_>>());
        assert!(paths.contains_key("/api/v1/hackfests/{slug}/action-items/{id}"));
        assert!(paths.contains_key("/api/v1/hackfests/{slug}/pages/{page}"));
        let mut names = Vec::new();
        refs(&doc, &mut names);
        for r in names {
            let name = r.strip_prefix("#/components/schemas/").unwrap();
            assert!(doc["components"]["schemas"][name].is_object(), "{r}");
        }
        let goal = &doc["components"]["schemas"]["Goal"];
        assert_eq!(goal["properties"]["progress"]["type"], "integer", "{goal}");
        let status = &doc["components"]["schemas"]["GoalStatus"];
        assert!(
            status["enum"]
                .as_array()
                .unwrap()
                .contains(&json!("active")),
            "{status}"
        );
    }
}
