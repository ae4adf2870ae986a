//! Any bytes, as a file would arrive: decoded, extracted; every span must lie
//! in the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = claimgraph::extract::text::decode(data);
    let n = text.chars().count() as u32;
    let ex = claimgraph::extract::extract(&text);
    for c in &ex.claims {
        for s in c.content.iter().chain(c.cue.iter()).chain(c.speaker_mention.iter()) {
            assert!(s.start <= s.end && s.end <= n);
        }
        assert!(c.speakers.iter().all(|&i| i < ex.speakers.len()));
    }
});
