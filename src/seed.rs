//! The seed articles, compiled into the binary so `serve` works from any
//! directory. Their metadata is what their text states: the second opens
//! with its headline; neither names its publisher or date.

use crate::app::ingest::{parse_plain_text, IngestError};
use crate::app::App;

pub const SEEDS: &[(&str, &str)] = &[
    (
        "seed/000_c0e1222ed889294c.txt",
        include_str!("../seed/000_c0e1222ed889294c.txt"),
    ),
    (
        "seed/004_09e5bb267abffeb6.txt",
        include_str!("../seed/004_09e5bb267abffeb6.txt"),
    ),
];

/// Ingest the seeds; returns how many were new.
pub fn load(app: &App) -> Result<usize, IngestError> {
    let mut created = 0;
    for (_, text) in SEEDS {
        if app.ingest(parse_plain_text(text))?.created {
            created += 1;
        }
    }
    Ok(created)
}
