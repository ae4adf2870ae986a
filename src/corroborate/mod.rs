//! Corroboration: do two claims say the same thing, or the opposite?
//!
//! `features` turns a claim into weighted terms (Snowball stems weighted by
//! IDF, with WordNet concepts so synonyms meet), numbers and negation;
//! `score` aligns two claims' terms and decides the stance; `lexicon` holds
//! the generated tables (`build_lexicon` makes them, reproducibly).

pub mod build;
pub mod crosscheck;
pub mod embed;
pub mod features;
pub mod index;
pub mod lexicon;
pub mod pair;
pub mod score;

pub use features::{features, Features};
pub use index::Corroborator;
pub use score::{compare, Comparison, Stance, THRESHOLD};
