//! `claimgraph extract FILE...`: the command-line contract the scorers use.
//! One JSON line per file, in order; offsets are code points, end exclusive.

use crate::extract::{self, text, Extraction};
use serde_json::{json, Value};
use std::io::Write;

pub fn claims_json(ex: &Extraction) -> Vec<Value> {
    ex.claims
        .iter()
        .map(|c| {
            // `content` is the principal (longest) part; a quote split by its
            // attribution lists every part in `content_parts`.
            let main = c
                .content
                .iter()
                .max_by_key(|s| s.len())
                .map_or((0, 0), |s| (s.start, s.end));
            let names: Vec<&str> = c
                .speakers
                .iter()
                .map(|&i| ex.speakers[i].name.as_str())
                .collect();
            json!({
                "text": c.text,
                "kind": c.kind.as_str(),
                "content": [main.0, main.1],
                "content_parts": c.content.iter().map(|s| [s.start, s.end]).collect::<Vec<_>>(),
                "cue": c.cue.map(|s| [s.start, s.end]),
                "speaker_mention": c.speaker_mention.map(|s| [s.start, s.end]),
                "speaker": names.first(),
                "speakers": names,
                "rule": c.rule,
                "resolution": c.resolution,
                "confidence": (c.confidence * 1000.0).round() / 1000.0,
                "check_worthiness": c.check_worthiness.map(|x| (x * 1000.0).round() / 1000.0),
            })
        })
        .collect()
}

/// Extract every file; an unreadable file still gets its line, with an error.
pub fn run(files: &[std::path::PathBuf], mode: extract::Attribution) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for f in files {
        let line = match std::fs::read(f) {
            Ok(bytes) => {
                let t = text::decode(&bytes);
                let ex = extract::extract_with(&t, mode);
                json!({"file": f.display().to_string(), "claims": claims_json(&ex)})
            }
            Err(e) => {
                json!({"file": f.display().to_string(), "claims": [], "error": e.to_string()})
            }
        };
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
