//! Corroboration: do two claims say the same thing, or the opposite? Pure
//! functions over text, no storage.
//!
//! `features` turns a claim into weighted terms (Snowball stems weighted by
//! IDF, with WordNet concepts so synonyms meet), numbers and negation;
//! `score` aligns two claims' terms and decides the stance; `pair` is the
//! logistic model behind the decision; `embed` the sentence encoder;
//! `lexicon` holds the generated tables (`build` makes them, reproducibly).
//! Candidate search over what is stored is the `search` layer's.

pub mod build;
pub mod embed;
pub mod features;
pub mod lexicon;
pub mod pair;
pub mod score;

pub use features::{features, Features};
pub use score::{compare, Comparison, THRESHOLD};
