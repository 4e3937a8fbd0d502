//! The exports over HTTP (issue 11 item 8): only the hackfest's organizers (and admins)
//! download them; anonymous → 401, an attendee → 403, an unknown slug → 404.

use super::common::{TestApp, spawn_app};

fn disposition(r: &reqwest::Response) -> String {
    r.headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn only_organizers_export() {
    let app = spawn_app().await;
    let h = app.hackfest("exported").await;
    app.goal(&h, "Stand up an OpenShift cluster").await;
    for path in ["/h/exported/export.json", "/h/exported/export.tar"] {
        assert_eq!(app.get(path).await.status(), 401, "anonymous: {path}");
    }
    let attendee = TestApp::with_new_client(&app);
    attendee.sign_in("alice", "attendee").await;
    attendee.join("exported").await;
    for path in ["/h/exported/export.json", "/h/exported/export.tar"] {
        assert_eq!(attendee.get(path).await.status(), 403, "attendee: {path}");
    }

    let organizer = TestApp::with_new_client(&app);
    organizer.sign_in("olga", "organizer").await;
    assert_eq!(organizer.get("/h/nowhere/export.json").await.status(), 404);
    let r = organizer.get("/h/exported/export.json").await;
    assert_eq!(r.status(), 200);
    let today = chrono::Utc::now().date_naive();
    assert_eq!(
        disposition(&r),
        format!("attachment; filename=\"exported-{today}.json\"")
    );
    assert_eq!(r.headers()["content-type"], "application/json");
    let body = r.bytes().await.unwrap();
    let e: domain::export::Export = serde_json::from_slice(&body).unwrap();
    assert_eq!(e.hackfest.slug, "exported");
    assert_eq!(e.goals.len(), 1);
    assert_eq!(e.schema_version, 1);

    let admin = TestApp::with_new_client(&app);
    admin.sign_in("root", "admin").await;
    assert_eq!(admin.get("/h/exported/export.json").await.status(), 200);

    let r = organizer.get("/h/exported/export.tar").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        disposition(&r),
        format!("attachment; filename=\"exported-{today}.tar\"")
    );
    let body = r.bytes().await.unwrap();
    // A ustar archive: the first header names README.md; a goal's file follows.
    assert_eq!(&body[..10], b"README.md\0");
    assert_eq!(&body[257..262], b"ustar");
    let text = String::from_utf8_lossy(&body);
    assert!(
        text.contains("-stand-up-an-openshift-cluster.md") && text.contains("goals/"),
        "a goal's file"
    );
}
