//! The `smartnotes` binary with `s3://` URLs, as a real process, against a real S3 server on
//! 127.0.0.1 (s3s-fs, started by each test), configured by `AWS_*` environment variables only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use smartnotes_s3_server::{Config, Server};

/// A server with a bucket `notes`, and a temporary folder.
struct World {
    server: Server,
    dir: tempfile::TempDir,
}

fn world(config: Config) -> World {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("server");
    std::fs::create_dir_all(&root).unwrap();
    let server = Server::start(&root, config).unwrap();
    server.create_bucket("notes").unwrap();
    World { server, dir }
}

impl World {
    /// `smartnotes ARGS` with the server's `AWS_*` variables (and `overrides`) only.
    fn run(&self, args: &[&str], overrides: &[(&str, &str)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_smartnotes"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("AWS_") {
                command.env_remove(name);
            }
        }
        command.envs(self.server.env());
        command.envs(overrides.iter().copied());
        command.args(args).output().expect("run smartnotes")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn arg(&self, name: &str) -> String {
        self.path(name).to_string_lossy().into_owned()
    }
}

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

fn write_vault(dir: &Path) {
    for (name, text) in [
        ("a.md", "# Alpha\n\nbody #x\n"),
        ("with space.md", "---\ntags: [y]\n---\nbody\n"),
        ("ünï/deep/b.md", "# Beta\r\n\r\n[[a]]\r\n"),
        ("dots..name.md", "no newline"),
    ] {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn export_to_a_bucket_and_back_on_both_runtimes() {
    let w = world(Config::default());
    write_vault(&w.path("vault"));
    for runtime in ["tokio", "smol"] {
        let url = format!("s3://notes/{runtime}/vault");
        let up = w.run(
            &[
                "export",
                "-r",
                "--names",
                "keep",
                &w.arg("vault"),
                &url,
                "--runtime",
                runtime,
            ],
            &[],
        );
        assert_eq!(up.status.code(), Some(0), "{}", stderr(&up));
        let stored = files(&w.path(&format!("server/notes/{runtime}/vault")));
        assert_eq!(stored, files(&w.path("vault")));

        let back = w.arg(&format!("back-{runtime}"));
        let down = w.run(
            &[
                "export",
                "-r",
                "--names",
                "keep",
                &url,
                &back,
                "--runtime",
                runtime,
                "--limit",
                "4",
            ],
            &[],
        );
        assert_eq!(down.status.code(), Some(0), "{}", stderr(&down));
        assert_eq!(files(Path::new(&back)), files(&w.path("vault")));

        // Again: nothing replaced, every note unchanged.
        let again = w.run(
            &[
                "export",
                "-r",
                "--names",
                "keep",
                "--json",
                &w.arg("vault"),
                &url,
                "--runtime",
                runtime,
            ],
            &[],
        );
        assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
        let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
        assert_eq!(summary["unchanged"], 4);
        assert_eq!(summary["dest"], url.as_str());
    }
}

#[test]
fn tags_and_scan_read_a_bucket() {
    let w = world(Config::default());
    write_vault(&w.path("server/notes/vault"));
    let mut log = String::new();
    for i in 0..50_000 {
        log.push_str(if i % 3 == 0 { "ERROR x\n" } else { "fine\n" });
    }
    std::fs::write(w.path("server/notes/app.log"), &log).unwrap();
    for runtime in ["tokio", "smol"] {
        let tags = w.run(
            &[
                "tags",
                "-r",
                "--json",
                "s3://notes/vault",
                "--runtime",
                runtime,
            ],
            &[],
        );
        assert_eq!(tags.status.code(), Some(0), "{}", stderr(&tags));
        let summary: serde_json::Value = serde_json::from_slice(&tags.stdout).unwrap();
        assert_eq!(summary["notes"], 4);
        let scan = w.run(
            &["scan", "--json", "s3://notes/app.log", "--runtime", runtime],
            &[],
        );
        assert_eq!(scan.status.code(), Some(0), "{}", stderr(&scan));
        let summary: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
        assert_eq!(summary["matching_lines"], 16_667);
        assert_eq!(summary["bytes"], log.len());
    }
}

/// Arguments, environment overrides, and what stderr must say.
type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

/// What a user meets: one line on stderr naming the location and the problem, exit 2.
#[test]
fn errors_a_user_meets_are_one_clear_line() {
    let w = world(Config::default());
    write_vault(&w.path("vault"));
    let vault = w.arg("vault");
    let cases: [Case<'_>; 7] = [
        (
            &["export", &vault, "s3://nope/x"],
            &[],
            "s3://nope/x: no such bucket",
        ),
        (
            &["export", &vault, "s3://notes/x", "--retries", "0"],
            &[("AWS_SECRET_ACCESS_KEY", "wrong")],
            "s3://notes/x: access denied",
        ),
        (
            &["tags", "s3://notes/x", "--retries", "0"],
            &[("AWS_ENDPOINT", "http://127.0.0.1:9")],
            "s3://notes/x: the endpoint cannot be reached",
        ),
        (
            &["scan", "s3://notes/none.log"],
            &[],
            "s3://notes/none.log: no such object",
        ),
        (
            &["tags", "s3://notes/empty"],
            &[],
            "s3://notes/empty: nothing under this prefix",
        ),
        (
            &["export", &vault, "s3://notes/x", "--strategy", "blocking"],
            &[],
            "apply to local folders only",
        ),
        (&["export", &vault, "s3://notes/../x"], &[], "`..`"),
    ];
    for (args, env, expected) in cases {
        let output = w.run(args, env);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
        assert!(message.contains(expected), "{args:?}: {message}");
        if !expected.contains("..") {
            assert_eq!(message.lines().count(), 1, "{args:?}: {message}");
        }
    }
    assert!(!w.path("server/nope").exists());
    assert!(files(&w.path("server/notes")).is_empty());
}

#[test]
fn a_throttled_service_is_reported_once_its_retries_run_out() {
    let w = world(Config::default().with_throttle(true));
    let output = w.run(&["tags", "s3://notes/vault", "--retries", "1"], &[]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("throttling"), "{message}");
}

/// An export into a prefix of its own source, in the same bucket, never reads what it wrote:
/// run twice, the second finds every note unchanged and nothing under `out/out`.
#[test]
fn an_export_into_its_own_prefix_does_not_read_itself() {
    let w = world(Config::default());
    write_vault(&w.path("server/notes/vault"));
    for run in 0..2 {
        let output = w.run(
            &[
                "export",
                "-r",
                "--json",
                "--names",
                "keep",
                "s3://notes/vault",
                "s3://notes/vault/out",
            ],
            &[],
        );
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let (exported, unchanged) = if run == 0 { (4, 0) } else { (0, 4) };
        assert_eq!(summary["exported"], exported, "run {run}");
        assert_eq!(summary["unchanged"], unchanged, "run {run}");
        // The second run finds the first one's notes in DEST: counted, not read.
        assert_eq!(summary["in_dest"], 4 * run, "run {run}");
    }
    assert!(files(&w.path("server/notes/vault/out/out")).is_empty());
    assert_eq!(files(&w.path("server/notes/vault/out")).len(), 4);
}

/// A prefix exported into itself is refused before anything is written: one line, exit 2, the
/// bucket as it was, run after run.
#[test]
fn an_export_into_the_same_prefix_is_refused() {
    let w = world(Config::default());
    write_vault(&w.path("server/notes/vault"));
    let before = files(&w.path("server/notes"));
    for run in 0..3 {
        let output = w.run(
            &["export", "-r", "s3://notes/vault", "s3://notes/vault/"],
            &[],
        );
        assert_eq!(output.status.code(), Some(2), "run {run}");
        let said = stderr(&output);
        assert!(
            said.contains("cannot export s3://notes/vault into s3://notes/vault:")
                && said.lines().count() == 1,
            "run {run}: {said}"
        );
        assert_eq!(files(&w.path("server/notes")), before, "run {run}");
    }
}
