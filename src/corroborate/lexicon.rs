//! The generated tables, compiled in: `synonyms.tsv` (stem -> WordNet
//! synsets of its most frequent senses) and `idf.tsv` (stem -> inverse
//! document frequency over a news corpus). See `build` for how they are made.

use std::collections::HashMap;
use std::sync::OnceLock;

fn synonyms() -> &'static HashMap<&'static str, Vec<u32>> {
    static M: OnceLock<HashMap<&'static str, Vec<u32>>> = OnceLock::new();
    M.get_or_init(|| {
        include_str!("synonyms.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| {
                let (stem, ids) = l.split_once('\t')?;
                Some((
                    stem,
                    ids.split(',').filter_map(|x| x.parse().ok()).collect(),
                ))
            })
            .collect()
    })
}

struct Idf {
    table: HashMap<&'static str, f32>,
    /// For a stem the corpus never saw: as rare as the rarest.
    unseen: f32,
}

fn idf_table() -> &'static Idf {
    static M: OnceLock<Idf> = OnceLock::new();
    M.get_or_init(|| {
        let mut unseen = 1.0f32;
        let table: HashMap<&'static str, f32> = include_str!("idf.tsv")
            .lines()
            .filter_map(|l| {
                if let Some(n) = l.strip_prefix("#unseen\t") {
                    unseen = n.parse().unwrap_or(unseen);
                    return None;
                }
                let (stem, v) = l.split_once('\t')?;
                Some((stem, v.parse().ok()?))
            })
            .collect();
        Idf { table, unseen }
    })
}

/// WordNet concepts (synset ids) of a stem's most frequent senses.
pub fn concepts(stem: &str) -> &'static [u32] {
    synonyms().get(stem).map(Vec::as_slice).unwrap_or(&[])
}

/// Inverse document frequency of a stem.
pub fn idf(stem: &str) -> f32 {
    let t = idf_table();
    t.table.get(stem).copied().unwrap_or(t.unseen)
}
