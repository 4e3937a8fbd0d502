//! The binary's behaviour on bad settings: one clear line naming the setting, exit ≠ 0, no panic.

use std::process::{Command, Output, Stdio};

fn hackfest(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hackfest"));
    cmd.args(args)
        .env_remove("HACKFEST_DATABASE_URL")
        .env_remove("HACKFEST_ADDR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null()).output().expect("run hackfest")
}

fn assert_clear_failure(out: &Output, setting: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "should fail: {stderr}");
    assert!(stderr.contains(setting), "should name {setting}: {stderr}");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "no panic: {stderr}");
}

#[test]
fn help_lists_commands_and_settings() {
    let out = hackfest(&["--help"], &[]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "serve",
        "migrate",
        "demo",
        "HACKFEST_DATABASE_URL",
        "HACKFEST_ADDR",
        "HACKFEST_PUBLIC_URL",
        "HACKFEST_LOG_FORMAT",
        "HACKFEST_DEV_SIGN_IN",
        "HACKFEST_METRICS_TOKEN",
        "HACKFEST_READYZ_DETAILS",
    ] {
        assert!(text.contains(word), "--help should mention {word}:\n{text}");
    }
}

#[test]
fn malformed_database_url() {
    for url in ["mysql://localhost/x", "not a url", "postgres://[::1"] {
        let out = hackfest(&["migrate"], &[("HACKFEST_DATABASE_URL", url)]);
        assert_clear_failure(&out, "HACKFEST_DATABASE_URL");
    }
}

#[test]
fn unwritable_data_folder() {
    // A folder below a regular file can never be created, even by root.
    let out = hackfest(
        &["migrate"],
        &[(
            "HACKFEST_DATABASE_URL",
            "sqlite:/etc/hostname/data/hackfest.db",
        )],
    );
    assert_clear_failure(&out, "HACKFEST_DATABASE_URL");
    assert!(String::from_utf8_lossy(&out.stderr).contains("data folder"));
}

#[test]
fn port_already_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = std::env::temp_dir().join(format!("hackfest-cli-{}", std::process::id()));
    let db = format!("sqlite:{}/port.db", dir.display());
    let out = hackfest(
        &["serve"],
        &[("HACKFEST_ADDR", &addr), ("HACKFEST_DATABASE_URL", &db)],
    );
    assert_clear_failure(&out, "HACKFEST_ADDR");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn invalid_address_and_log_format() {
    // clap names the flag that matches the variable (--addr for HACKFEST_ADDR).
    let out = hackfest(&["serve"], &[("HACKFEST_ADDR", "localhost")]);
    assert_clear_failure(&out, "--addr");
    let out = hackfest(&["serve"], &[("HACKFEST_LOG_FORMAT", "xml")]);
    assert_clear_failure(&out, "--log-format");
    assert!(String::from_utf8_lossy(&out.stderr).contains("text, json"));
}

#[test]
fn migrate_and_demo_on_a_new_file() {
    let dir = std::env::temp_dir().join(format!("hackfest-demo-{}", std::process::id()));
    let db = format!("sqlite:{}/nested/demo.db", dir.display());
    let out = hackfest(&["demo"], &[("HACKFEST_DATABASE_URL", &db)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.join("nested/demo.db").exists(),
        "the data folder is created"
    );
    let again = hackfest(&["demo"], &[("HACKFEST_DATABASE_URL", &db)]);
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not loaded"));
    let _ = std::fs::remove_dir_all(dir);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_gracefully() {
    use std::io::{BufRead, BufReader};
    let dir = std::env::temp_dir().join(format!("hackfest-term-{}", std::process::id()));
    let db = format!("sqlite:{}/t.db", dir.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_hackfest"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("HACKFEST_DATABASE_URL", &db)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    // Wait until it serves.
    for line in lines.by_ref() {
        if line.unwrap().contains("serving") {
            break;
        }
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(status.success(), "exit status {status:?}; log: {rest:?}");
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn malformed_trusted_proxies() {
    let out = hackfest(
        &["migrate"],
        &[
            ("HACKFEST_DATABASE_URL", "sqlite::memory:"),
            ("HACKFEST_TRUSTED_PROXIES", "10.0.0.0/8,router"),
        ],
    );
    assert_clear_failure(&out, "trusted-proxies");
    assert!(String::from_utf8_lossy(&out.stderr).contains("router"));
}

/// SECURITY 31: the development sign-in never listens beyond this computer.
#[test]
fn dev_sign_in_refuses_a_non_loopback_address() {
    for env in [
        &[
            ("HACKFEST_DEV_SIGN_IN", "1"),
            ("HACKFEST_ADDR", "0.0.0.0:0"),
        ][..],
        &[
            ("HACKFEST_DEV_SIGN_IN", "true"),
            ("HACKFEST_ADDR", "192.0.2.1:0"),
        ][..],
    ] {
        let mut env = env.to_vec();
        env.push(("HACKFEST_DATABASE_URL", "sqlite::memory:"));
        let out = hackfest(&["serve"], &env);
        assert_clear_failure(&out, "HACKFEST_DEV_SIGN_IN");
        assert!(String::from_utf8_lossy(&out.stderr).contains("loopback"));
    }
    let out = hackfest(
        &["serve"],
        &[
            ("HACKFEST_DATABASE_URL", "sqlite::memory:"),
            ("HACKFEST_METRICS_TOKEN", "has space"),
        ],
    );
    assert_clear_failure(&out, "HACKFEST_METRICS_TOKEN");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("has space"));
}

/// The log lines of `serve` up to "serving" (then the process is stopped).
#[cfg(unix)]
fn start_log(args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    use std::io::{BufRead, BufReader};
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hackfest"));
    cmd.args(args)
        .env("HACKFEST_DATABASE_URL", "sqlite::memory:")
        .env_remove("HACKFEST_DEV_SIGN_IN")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    let mut seen = vec![];
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let done = line.contains("serving");
        seen.push(line);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    seen
}

/// SECURITY 31: `--dev-sign-in` says so at start with a warning; plain `serve` has
/// no development sign-in and says that nobody can sign in.
#[cfg(unix)]
#[test]
fn dev_sign_in_is_announced_and_off_by_default() {
    let on = start_log(&["serve", "--addr", "127.0.0.1:0", "--dev-sign-in"], &[]);
    assert!(
        on.iter()
            .any(|l| l.contains("WARN") && l.contains("HACKFEST_DEV_SIGN_IN is on")),
        "{on:#?}"
    );
    let off = start_log(&["serve", "--addr", "127.0.0.1:0"], &[]);
    assert!(
        !off.iter().any(|l| l.contains("HACKFEST_DEV_SIGN_IN is on")),
        "{off:#?}"
    );
    assert!(
        off.iter().any(|l| l.contains("nobody can sign in")),
        "{off:#?}"
    );
    let secret = "metrics-s3cret-value";
    let with_token = start_log(
        &["serve", "--addr", "127.0.0.1:0"],
        &[("HACKFEST_METRICS_TOKEN", secret)],
    );
    assert!(
        !with_token.iter().any(|l| l.contains(secret)),
        "the token is never logged: {with_token:#?}"
    );
}

/// `hackfest export` then `hackfest import` into another database; bad files are one
/// line naming the file and the field, exit code 2, nothing written.
#[test]
fn export_and_import_a_hackfest() {
    let dir = std::env::temp_dir().join(format!("hackfest-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let source = format!("sqlite:{}/source.db", dir.display());
    let target = format!("sqlite:{}/target.db", dir.display());
    let on = |url: &str| vec![("HACKFEST_DATABASE_URL", url.to_owned())];
    let run = |args: &[&str], url: &str| {
        let env = on(url);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        hackfest(args, &env)
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(run(&["demo"], &source).status.success());
    let file = dir.join("export.json");
    let file_arg = file.to_str().unwrap();
    let out = run(
        &["export", "--slug", "ci-infra-hackfest", "--out", file_arg],
        &source,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(&file).unwrap();
    let out = run(&["export", "--slug", "nowhere", "--out", file_arg], &source);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--slug"),
        "{}",
        text(&out.stderr)
    );

    let out = run(&["import", file_arg], &target);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("imported ci-infra-hackfest"),
        "{}",
        text(&out.stdout)
    );
    // The restored hackfest exports to the same document (apart from exported_at).
    let again = dir.join("again.json");
    let out = run(
        &[
            "export",
            "--slug",
            "ci-infra-hackfest",
            "--out",
            again.to_str().unwrap(),
        ],
        &target,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let strip = |b: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(b).unwrap();
        v.as_object_mut().unwrap().remove("exported_at");
        v
    };
    assert_eq!(strip(&std::fs::read(&again).unwrap()), strip(&bytes));

    let out = run(&["import", file_arg], &target);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("slug"), "{}", text(&out.stderr));

    let truncated = dir.join("truncated.json");
    std::fs::write(&truncated, &bytes[..bytes.len() / 3]).unwrap();
    let fresh = format!("sqlite:{}/fresh.db", dir.display());
    let out = run(&["import", truncated.to_str().unwrap()], &fresh);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("truncated.json")
            && stderr.contains("truncated")
            && stderr.contains("line "),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.join("fresh.db").exists(), "nothing written");

    let newer = dir.join("newer.json");
    let t = text(&bytes).replacen("\"schema_version\": 1", "\"schema_version\": 2", 1);
    std::fs::write(&newer, t).unwrap();
    let out = run(&["import", newer.to_str().unwrap()], &fresh);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("schema_version: this file is from a newer Hackfest (schema 2)"),
        "{}",
        text(&out.stderr)
    );
    let out = run(
        &["import", dir.join("missing.json").to_str().unwrap()],
        &fresh,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.json"));
    let _ = std::fs::remove_dir_all(dir);
}
