//! Crash safety, verify, export and import, driven through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_claimgraph"))
}

/// A small deterministic generator, so every run writes the same corpus.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() as usize) % xs.len()]
    }
}

/// News-like articles with quotes, reported speech and shared stories, so
/// ingest makes claims, speakers and links.
fn write_corpus(dir: &Path, n: usize) {
    let people = [
        "Anna Kowalski",
        "Petr Novak",
        "Maria Lopez",
        "John Carter",
        "Aiko Tanaka",
        "Omar Haddad",
    ];
    let roles = [
        "Finance Minister",
        "Mayor",
        "Foreign Minister",
        "union leader",
        "central bank governor",
    ];
    let countries = ["Poland", "Spain", "Japan", "Egypt", "Canada", "Brazil"];
    let topics = [
        ("the harbour will reopen in April", "harbour"),
        ("inflation will fall below 3% next year", "inflation"),
        ("the strike has cost the economy $2 billion", "strike"),
        ("the new bridge will open to traffic in May", "bridge"),
        ("talks on a ceasefire have collapsed", "talks"),
    ];
    let mut r = Lcg(7);
    for i in 0..n {
        let who = r.pick(&people);
        let other = r.pick(&people);
        let role = r.pick(&roles);
        let country = r.pick(&countries);
        let (claim, topic) = topics[(r.next() as usize) % topics.len()];
        let number = 100 + r.next() % 900;
        let text = format!(
            "{topic} update {i}\n\n{role} {who} of {country} said on Monday that {claim}.\n\n\
             \"We have {number} people working on it and we will not stop,\" {who} told reporters.\n\n\
             {other} rejected the plan, saying it would cost {number} jobs.\n\n\
             \"This is not what voters were promised,\" {other} said.\n"
        );
        std::fs::write(dir.join(format!("{i:04}.txt")), text).unwrap();
    }
}

fn run_ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?} failed: {}{}",
        cmd,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// An export with the write times blanked: two runs differ only in those.
fn normalised_export(store: &Path) -> Vec<serde_json::Value> {
    let text = run_ok(bin().args(["export", "--data-dir"]).arg(store));
    text.lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            if let Some(o) = v["value"]["json"].as_object_mut() {
                o.remove("ingested_at");
                o.remove("created_at");
            }
            v
        })
        .collect()
}

#[test]
fn an_ingest_killed_at_random_moments_leaves_a_consistent_store_and_resumes_to_a_clean_result() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    write_corpus(&corpus, 160);
    let clean = dir.path().join("clean");
    run_ok(
        bin()
            .args(["ingest", "--data-dir"])
            .arg(&clean)
            .arg(&corpus),
    );

    let crashed: PathBuf = dir.path().join("crashed");
    let mut r = Lcg(42);
    let mut killed_midway = 0;
    for _ in 0..6 {
        let mut child = bin()
            .args(["ingest", "--data-dir"])
            .arg(&crashed)
            .arg(&corpus)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(20 + r.next() % 400));
        // Child::kill is SIGKILL on Unix: no chance to flush or clean up.
        if child.try_wait().unwrap().is_none() {
            killed_midway += 1;
        }
        let _ = child.kill();
        child.wait().unwrap();
        let report = run_ok(bin().args(["verify", "--data-dir"]).arg(&crashed));
        assert!(report.contains(": ok"), "{report}");
    }
    assert!(
        killed_midway > 0,
        "no run was killed before it finished: grow the corpus"
    );
    // Running the same ingest again completes it, exactly as a clean run.
    run_ok(
        bin()
            .args(["ingest", "--data-dir"])
            .arg(&crashed)
            .arg(&corpus),
    );
    run_ok(bin().args(["verify", "--data-dir"]).arg(&crashed));
    let (a, b) = (normalised_export(&clean), normalised_export(&crashed));
    assert_eq!(a.len(), b.len());
    assert!(a == b, "the resumed store differs from a clean run");
}

#[test]
fn export_then_import_round_trips_every_entry() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    write_corpus(&corpus, 20);
    let a = dir.path().join("a");
    run_ok(bin().args(["ingest", "--data-dir"]).arg(&a).arg(&corpus));
    let reviews = dir.path().join("r.jsonl");
    std::fs::write(&reviews, "{\"@type\": \"ClaimReview\", \"url\": \"https://c.example/1\", \"claimReviewed\": \"The new bridge will open to traffic in May\", \"reviewRating\": {\"alternateName\": \"False\"}}\n").unwrap();
    run_ok(
        bin()
            .args(["import-claimreviews", "--data-dir"])
            .arg(&a)
            .arg(&reviews),
    );
    let dump = dir.path().join("dump.jsonl");
    run_ok(bin().args(["export", "--data-dir"]).arg(&a).arg(&dump));
    let b = dir.path().join("b");
    let out = run_ok(bin().args(["import", "--data-dir"]).arg(&b).arg(&dump));
    assert!(out.contains(": ok"), "{out}");
    let again = dir.path().join("again.jsonl");
    run_ok(bin().args(["export", "--data-dir"]).arg(&b).arg(&again));
    assert_eq!(
        std::fs::read(&dump).unwrap(),
        std::fs::read(&again).unwrap()
    );
    // Importing over data is refused, and leaves it alone.
    let out = bin()
        .args(["import", "--data-dir"])
        .arg(&b)
        .arg(&dump)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
}

#[test]
fn verify_reports_a_broken_store_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    write_corpus(&corpus, 5);
    let store = dir.path().join("s");
    run_ok(
        bin()
            .args(["ingest", "--data-dir"])
            .arg(&store)
            .arg(&corpus),
    );
    {
        // Remove one claim behind the store's back.
        // New stores compress their values, not sled's pages, and write
        // 2 MiB segments (sled refuses other settings on a store).
        let db = sled::Config::new()
            .path(&store)
            .use_compression(false)
            .segment_size(2 * 1024 * 1024)
            .open()
            .unwrap();
        let claims = db.open_tree("claims").unwrap();
        let (k, _) = claims.first().unwrap().unwrap();
        claims.remove(k).unwrap();
        db.flush().unwrap();
    }
    let out = bin()
        .args(["verify", "--data-dir"])
        .arg(&store)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("claim count"), "{report}");
    assert!(report.contains("violated"), "{report}");
}
