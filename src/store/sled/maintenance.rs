//! Whole-store maintenance: checking every invariant (`verify`), and a
//! lossless JSON Lines dump of every tree (`export`, `import`).

use super::codec::{decode, encode_json, json};

/// The export's own format: values as JSON documents, whatever the store's.
const EXPORT_FORMAT: u8 = 1;
use super::{io, keys, Counters, SledStore};
use crate::domain::{
    Article, Claim, ClaimId, Corroboration, FactCheck, FactCheckId, FactCheckMatch, Speaker,
};
use crate::store::{Report, Result, Store, StoreError, Unit};
use std::collections::{HashMap, HashSet};

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Check every invariant of the store: values decode, references point
/// at what exists, each index matches what it indexes, counters match.
///
/// Memory stays small however large the store: what is held is a few
/// numbers per article, speaker and fact-check, never their values or the
/// claims (a claim or link is checked against the trees by key lookups).
/// `progress` hears each phase and how many entries it has read.
pub(super) fn verify(store: &SledStore, progress: &dyn Fn(&'static str, u64)) -> Result<Report> {
    let mut r = Report::default();
    let t = store.trees();
    let tick = |phase: &'static str, n: u64| {
        if n.is_multiple_of(8192) {
            progress(phase, n);
        }
    };
    let exists = |tree: &::sled::Tree, key: &[u8]| tree.contains_key(key).map_err(io);
    // Articles (their hash and claim count) and their hash index.
    let mut articles: HashMap<u64, ([u8; 16], u32)> = HashMap::new();
    for (n, kv) in t.articles.iter().enumerate() {
        tick("articles", n as u64);
        let (k, v) = kv.map_err(io)?;
        match decode::<Article>(&v) {
            Ok(a) if keys::parse_u64(&k) == Some(a.id.0) => {
                articles.insert(a.id.0, (a.content_hash, a.claim_count));
            }
            Ok(a) => r.fail("article key matches its id", || {
                format!("{} under key {}", a.id, hex(&k))
            }),
            Err(e) => r.fail("values decode", || format!("articles/{}: {e}", hex(&k))),
        }
    }
    let mut hashes = 0u64;
    for kv in t.article_hash.iter() {
        let (k, v) = kv.map_err(io)?;
        hashes += 1;
        let id = keys::parse_u64(&v);
        match id.and_then(|i| articles.get(&i)) {
            Some((hash, _)) if hash[..] == k[..] => {}
            _ => r.fail("hash index points at the article with that hash", || {
                hex(&k)
            }),
        }
    }
    if hashes != articles.len() as u64 {
        r.fail("every article is in the hash index", || {
            format!("{} articles, {hashes} hash entries", articles.len())
        });
    }
    // Speakers, then claims with their speakers' index.
    let mut speakers: HashSet<u64> = HashSet::new();
    for kv in t.speakers.iter() {
        let (k, v) = kv.map_err(io)?;
        match decode::<Speaker>(&v) {
            Ok(s) => {
                speakers.insert(s.id.0);
            }
            Err(e) => r.fail("values decode", || format!("speakers/{}: {e}", hex(&k))),
        }
    }
    let (mut claims, mut expected_links) = (0u64, 0u64);
    let mut per_article: HashMap<u64, u32> = HashMap::new();
    for kv in t.claims.iter() {
        let (k, v) = kv.map_err(io)?;
        match decode::<Claim>(&v) {
            Ok(c) if keys::parse_claim(&k) == Some(c.id) => {
                claims += 1;
                tick("claims", claims);
                if !articles.contains_key(&c.id.article.0) {
                    r.fail("a claim's article exists", || c.id.to_string());
                }
                *per_article.entry(c.id.article.0).or_default() += 1;
                let mut own = c.speakers.clone();
                own.sort_unstable();
                own.dedup();
                for s in own {
                    if !speakers.contains(&s.0) {
                        r.fail("a claim's speakers exist", || format!("{} -> {s}", c.id));
                    }
                    expected_links += 1;
                    if !exists(t.speaker_claims, &keys::speaker_claim(s, c.id))? {
                        r.fail("every claim is in its speakers' index", || {
                            format!("{} -> {s}", c.id)
                        });
                    }
                }
            }
            Ok(c) => r.fail("claim key matches its id", || c.id.to_string()),
            Err(e) => r.fail("values decode", || format!("claims/{}: {e}", hex(&k))),
        }
    }
    for (id, (_, count)) in &articles {
        let n = per_article.get(id).copied().unwrap_or(0);
        if n != *count {
            r.fail("an article's claim count matches its claims", || {
                format!("article {id}: count {count} but {n} claims")
            });
        }
    }
    drop(per_article);
    // Every claim's pairs are in the index; as many entries as pairs means
    // nothing else is.
    let mut found_links = 0u64;
    for kv in t.speaker_claims.iter() {
        let (k, _) = kv.map_err(io)?;
        found_links += 1;
        let pair = keys::parse_u64(&k).zip(k.get(8..).and_then(keys::parse_claim));
        if pair.is_none() {
            r.fail("speaker index entries match claims", || hex(&k));
        }
    }
    if found_links != expected_links {
        r.fail("speaker index entries match claims", || {
            format!("{expected_links} expected, {found_links} found")
        });
    }
    for kv in t.speaker_names.iter() {
        let (k, v) = kv.map_err(io)?;
        let ids: Vec<u64> = if k.first() == Some(&keys::WORD) {
            k.len()
                .checked_sub(8)
                .and_then(|p| keys::parse_u64(&k[p..]))
                .into_iter()
                .collect()
        } else {
            v.chunks_exact(8).filter_map(keys::parse_u64).collect()
        };
        if ids.iter().any(|i| !speakers.contains(i)) {
            r.fail("name index entries point at speakers", || hex(&k));
        }
    }
    // Corroborations: held under one claim, referenced (or, in stores
    // written before references, held alike) under the other; between
    // claims of different articles.
    let mut edges = 0u64;
    for kv in t.corroborations.iter() {
        let (k, v) = kv.map_err(io)?;
        edges += 1;
        tick("links", edges);
        let from = keys::parse_claim(&k[..k.len().min(12)]);
        let to = keys::parse_claim(&k[k.len().min(12)..]);
        let (Some(from), Some(to)) = (from, to) else {
            r.fail("link keys parse", || hex(&k));
            continue;
        };
        if !exists(t.claims, &keys::claim(from))? || !exists(t.claims, &keys::claim(to))? {
            r.fail("a link's claims exist", || format!("{from} -> {to}"));
        }
        if from.article == to.article {
            r.fail("links join different articles", || {
                format!("{from} -> {to}")
            });
        }
        let back = t.corroborations.get(keys::edge(to, from)).map_err(io)?;
        if v.is_empty() {
            if back.is_none_or(|b| b.is_empty()) {
                r.fail("links are stored both ways alike", || {
                    format!("{from} -> {to}: a reference without its link")
                });
            }
            continue;
        }
        match decode::<Corroboration>(&v) {
            Ok(c) => {
                if c.claim != to {
                    r.fail("link keys parse", || {
                        format!("{from} -> {to} holds {}", c.claim)
                    });
                }
                let alike = match back.as_deref() {
                    Some([]) => true,
                    Some(b) => decode::<Corroboration>(b).is_ok_and(|b| {
                        b.claim == from && b.stance == c.stance && b.independent == c.independent
                    }),
                    None => false,
                };
                if !alike {
                    r.fail("links are stored both ways alike", || {
                        format!("{from} -> {to}")
                    });
                }
            }
            Err(e) => r.fail("values decode", || {
                format!("corroborations/{}: {e}", hex(&k))
            }),
        }
    }
    // Fact-checks (the claim each reviews), their keys, reviews and matches.
    let mut fact_checks: HashMap<FactCheckId, Option<ClaimId>> = HashMap::new();
    for kv in t.fact_checks.iter() {
        let (k, v) = kv.map_err(io)?;
        tick("fact-checks", fact_checks.len() as u64);
        match decode::<FactCheck>(&v) {
            Ok(f) => {
                if let Some(c) = f.claim {
                    if !exists(t.claims, &keys::claim(c))? {
                        r.fail("a review's claim exists", || format!("{} -> {c}", f.id));
                    }
                }
                fact_checks.insert(f.id, f.claim);
            }
            Err(e) => r.fail("values decode", || format!("fact_checks/{}: {e}", hex(&k))),
        }
    }
    let mut fc_keys = 0u64;
    for kv in t.fact_check_keys.iter() {
        let (k, v) = kv.map_err(io)?;
        fc_keys += 1;
        if !keys::parse_u64(&v).is_some_and(|i| fact_checks.contains_key(&FactCheckId(i))) {
            r.fail("fact-check keys point at fact-checks", || hex(&k));
        }
    }
    if fc_keys != fact_checks.len() as u64 {
        r.fail("every fact-check has one key", || {
            format!("{} fact-checks, {fc_keys} keys", fact_checks.len())
        });
    }
    let mut reviews = 0u64;
    for kv in t.claim_reviews.iter() {
        let (k, _) = kv.map_err(io)?;
        reviews += 1;
        let c = keys::parse_claim(&k[..k.len().min(12)]);
        let f = k.get(12..).and_then(keys::parse_u64).map(FactCheckId);
        match (c, f.and_then(|f| fact_checks.get(&f))) {
            (Some(c), Some(reviewed)) if *reviewed == Some(c) => {}
            _ => r.fail("reviews index their claims", || hex(&k)),
        }
    }
    let n_reviews = fact_checks.values().filter(|c| c.is_some()).count() as u64;
    if reviews != n_reviews {
        r.fail("every review is indexed on its claim", || {
            format!("{n_reviews} reviews, {reviews} index entries")
        });
    }
    let mut by_claim = 0u64;
    for kv in t.claim_fact_checks.iter() {
        let (k, v) = kv.map_err(io)?;
        by_claim += 1;
        match decode::<FactCheckMatch>(&v) {
            Ok(m) => {
                if !exists(t.claims, &keys::claim(m.claim))?
                    || !fact_checks.contains_key(&m.fact_check)
                {
                    r.fail("a match's claim and fact-check exist", || {
                        format!("{} ~ {}", m.claim, m.fact_check)
                    });
                }
                if !exists(
                    t.fact_check_claims,
                    &keys::fact_check_claim(m.fact_check, m.claim),
                )? {
                    r.fail("matches are stored both ways", || hex(&k));
                }
            }
            Err(e) => r.fail("values decode", || {
                format!("claim_fact_checks/{}: {e}", hex(&k))
            }),
        }
    }
    let mut by_fc = 0u64;
    for kv in t.fact_check_claims.iter() {
        let (k, v) = kv.map_err(io)?;
        by_fc += 1;
        if decode::<FactCheckMatch>(&v).is_err() {
            r.fail("values decode", || format!("fact_check_claims/{}", hex(&k)));
        }
    }
    if by_fc != by_claim {
        r.fail("matches are stored both ways", || {
            format!("{by_claim} by claim, {by_fc} by fact-check")
        });
    }
    // Every embedding has the same dimensions and finite values (which
    // model made them is the search layer's business, not the store's).
    let (mut vectors, mut dim) = (0u64, None);
    for kv in t.fact_check_vectors.iter() {
        let (k, v) = kv.map_err(io)?;
        vectors += 1;
        if !keys::parse_u64(&k).is_some_and(|i| fact_checks.contains_key(&FactCheckId(i))) {
            r.fail("embeddings belong to fact-checks", || hex(&k));
        }
        match super::codec::decode_vector(&v) {
            Ok(x)
                if !x.is_empty()
                    && *dim.get_or_insert(x.len()) == x.len()
                    && x.iter().all(|v| v.is_finite()) => {}
            Ok(x) => r.fail("embeddings have one dimension and finite values", || {
                format!("fact_check_vectors/{}: {} values", hex(&k), x.len())
            }),
            Err(e) => r.fail("values decode", || {
                format!("fact_check_vectors/{}: {e}", hex(&k))
            }),
        }
    }
    // Claims' embeddings: each of a stored claim, all of one dimension.
    let (mut claim_vectors, mut claim_dim) = (0u64, None);
    // Articles whose claims got embeddings after them: each needs its commit in the log.
    let mut embedded_later: HashSet<u64> = HashSet::new();
    for kv in t.claim_vectors.iter() {
        let (k, v) = kv.map_err(io)?;
        claim_vectors += 1;
        if v.first() == Some(&super::codec::INT8_LATER) {
            if let Some(c) = keys::parse_claim(&k) {
                embedded_later.insert(c.article.0);
            }
        }
        tick("claim embeddings", claim_vectors);
        if !exists(t.claims, &k)? {
            r.fail("embeddings belong to claims", || hex(&k));
        }
        match super::codec::decode_int8_vector(&v) {
            Ok(x) if !x.is_empty() && *claim_dim.get_or_insert(x.len()) == x.len() => {}
            Ok(x) => r.fail("embeddings have one dimension and finite values", || {
                format!("claim_vectors/{}: {} values", hex(&k), x.len())
            }),
            Err(e) => r.fail("values decode", || {
                format!("claim_vectors/{}: {e}", hex(&k))
            }),
        }
    }
    // Counters.
    let c: Counters = match t.meta.get(keys::META_COUNTERS).map_err(io)? {
        Some(v) => decode(&v)?,
        None => Counters::default(),
    };
    let max = |it: &mut dyn Iterator<Item = u64>| it.max().unwrap_or(0);
    let checks: [(&'static str, u64, u64); 5] = [
        ("article count", c.articles, articles.len() as u64),
        ("claim count", c.claims, claims),
        ("speaker count", c.speakers, speakers.len() as u64),
        ("fact-check count", c.fact_checks, fact_checks.len() as u64),
        ("link count", c.corroborations, edges / 2),
    ];
    for (name, counted, found) in checks {
        if counted != found {
            r.fail("counters match the data", || {
                format!("{name}: counter {counted}, found {found}")
            });
        }
    }
    if c.next_article < max(&mut articles.keys().copied())
        || c.next_speaker < max(&mut speakers.iter().copied())
        || c.next_fact_check < max(&mut fact_checks.keys().map(|f| f.0))
    {
        r.fail("id sequences are past every id", || {
            "a sequence is behind".into()
        });
    }
    // The change log: one entry per commit, each article and fact-check
    // once, its terms on claims of its own article, the totals counted.
    let (mut entries, mut last, mut claim_terms, mut fc_terms) = (0u64, 0u64, 0u64, 0u64);
    let mut logged_articles: HashSet<u64> = HashSet::new();
    let mut logged_fcs: HashSet<FactCheckId> = HashSet::new();
    loop {
        let batch = super::changes::units(store, last, 1024)?;
        let Some(end) = batch.last().map(|c| c.0) else {
            break;
        };
        for (seq, unit) in batch {
            entries += 1;
            tick("changes", entries);
            if seq != last + 1 {
                r.fail("the change log has one entry per commit", || {
                    format!("{seq} follows {last}")
                });
            }
            last = seq;
            match unit {
                Unit::Article { id, terms, .. } => {
                    if !articles.contains_key(&id.0) || !logged_articles.insert(id.0) {
                        r.fail("each article is logged once", || id.to_string());
                    }
                    for c in &terms {
                        let cid = ClaimId {
                            article: id,
                            ordinal: c.ordinal,
                        };
                        if !exists(t.claims, &keys::claim(cid))? {
                            r.fail("logged terms belong to claims", || cid.to_string());
                        }
                        claim_terms += c.terms.iter().map(|t| u64::from(t.1)).sum::<u64>();
                    }
                }
                Unit::FactCheck { id, length, .. } => {
                    if !fact_checks.contains_key(&id) || !logged_fcs.insert(id) {
                        r.fail("each fact-check is logged once", || id.to_string());
                    }
                    fc_terms += u64::from(length);
                }
                Unit::Embedded { id, .. } => {
                    if !logged_articles.contains(&id.0) {
                        r.fail("embeddings are logged after their article", || {
                            id.to_string()
                        });
                    }
                    embedded_later.remove(&id.0);
                }
            }
        }
        last = end;
    }
    for id in &embedded_later {
        r.fail("embeddings are logged after their article", || {
            format!("article {id}: embeddings added with no commit in the log")
        });
    }
    if entries != c.seq()
        || logged_articles.len() != articles.len()
        || logged_fcs.len() != fact_checks.len()
    {
        r.fail("the change log has one entry per commit", || {
            format!("{entries} entries for {} commits", c.seq())
        });
    }
    if claim_terms != c.claim_terms || fc_terms != c.fact_check_terms {
        r.fail("counters match the data", || {
            format!(
                "index terms: counted {} and {}, logged {claim_terms} and {fc_terms}",
                c.claim_terms, c.fact_check_terms
            )
        });
    }
    r.checked.insert("changes", entries);
    r.checked.insert("articles", articles.len() as u64);
    r.checked.insert("claims", claims);
    r.checked.insert("speakers", speakers.len() as u64);
    r.checked.insert("links", edges / 2);
    r.checked.insert("fact-checks", fact_checks.len() as u64);
    r.checked.insert("fact-check matches", by_claim);
    r.checked.insert("fact-check embeddings", vectors);
    r.checked.insert("claim embeddings", claim_vectors);
    Ok(r)
}

/// Every tree, one JSON line per key: `{"tree", "key" (hex), "value"}`,
/// where `value` is the stored JSON document, or `{"hex": ...}` for raw
/// bytes. Preceded by a header line with the format version.
pub(super) fn export(store: &SledStore, out: &mut dyn std::io::Write) -> Result<u64> {
    let w = |out: &mut dyn std::io::Write, v: serde_json::Value| -> Result<()> {
        serde_json::to_writer(&mut *out, &v).map_err(|e| StoreError::Io(e.to_string()))?;
        out.write_all(b"\n")
            .map_err(|e| StoreError::Io(e.to_string()))
    };
    w(
        out,
        serde_json::json!({"claimgraph_export": 1, "format": EXPORT_FORMAT}),
    )?;
    let mut n = 0;
    for (name, tree) in store.trees().all() {
        for kv in tree.iter() {
            let (k, v) = kv.map_err(io)?;
            let value = if name == keys::META && &k[..] == keys::META_FORMAT {
                serde_json::json!({"hex": hex(&v)})
            } else {
                match json(&v).map(|j| serde_json::from_slice::<serde_json::Value>(&j)) {
                    Ok(Ok(j)) => serde_json::json!({"json": j}),
                    _ => serde_json::json!({"hex": hex(&v)}),
                }
            };
            w(
                out,
                serde_json::json!({"tree": name, "key": hex(&k), "value": value}),
            )?;
            n += 1;
        }
    }
    Ok(n)
}

/// Load an export into this store, which must be empty. Exports made
/// before the change log (with `claim_terms` and `fact_check_terms`) load
/// too: their postings are moved into the log as an old store's are.
pub(super) fn import(store: &SledStore, input: &mut dyn std::io::BufRead) -> Result<u64> {
    let used = store
        .trees()
        .all()
        .iter()
        .any(|(name, t)| *name != keys::META && !t.is_empty());
    if used {
        return Err(StoreError::NotEmpty);
    }
    let mut trees: HashMap<&'static str, ::sled::Tree> = store.trees().all().into_iter().collect();
    for legacy in [keys::LEGACY_CLAIM_TERMS, keys::LEGACY_FACT_CHECK_TERMS] {
        trees.insert(legacy, store.db.open_tree(legacy).map_err(io)?);
    }
    let mut n = 0u64;
    let mut batches: HashMap<&'static str, ::sled::Batch> = HashMap::new();
    for (i, line) in std::io::BufRead::lines(&mut *input).enumerate() {
        let line = line.map_err(|e| StoreError::Io(e.to_string()))?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: &str| StoreError::Corrupt(format!("line {}: {why}", i + 1));
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| bad(&e.to_string()))?;
        if i == 0 {
            if v["claimgraph_export"] != 1 || v["format"] != EXPORT_FORMAT {
                return Err(bad("not a claimgraph export of this format"));
            }
            continue;
        }
        let name = v["tree"].as_str().ok_or_else(|| bad("no tree"))?;
        let (name, _) = trees
            .get_key_value(name)
            .ok_or_else(|| bad(&format!("unknown tree {name}")))?;
        let key = v["key"]
            .as_str()
            .and_then(unhex)
            .ok_or_else(|| bad("bad key"))?;
        if *name == keys::META && key == keys::META_FORMAT {
            // The store's format is this build's, whatever wrote the export.
            n += 1;
            continue;
        }
        let value = match (&v["value"]["json"], v["value"]["hex"].as_str()) {
            (j, _) if !j.is_null() => {
                encode_json(&serde_json::to_vec(j).map_err(|e| bad(&e.to_string()))?)
            }
            (_, Some(h)) => unhex(h).ok_or_else(|| bad("bad hex value"))?,
            _ => return Err(bad("no value")),
        };
        batches.entry(name).or_default().insert(key, value);
        n += 1;
    }
    // Everything parsed: now write, the counters last.
    let mut meta = None;
    for (name, batch) in batches {
        if name == keys::META {
            meta = Some(batch);
            continue;
        }
        trees[name].apply_batch(batch).map_err(io)?;
    }
    if let Some(b) = meta {
        trees[keys::META].apply_batch(b).map_err(io)?;
    }
    super::changes::migrate_legacy_postings(store)?;
    store.flush()?;
    Ok(n)
}

/// Up to `per_tree` values' JSON from each tree of documents, spread evenly
/// over its keys: samples to train the values' dictionary on.
pub(super) fn value_samples(store: &SledStore, per_tree: usize) -> Result<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    for (name, tree) in store.trees().all() {
        if name == keys::META || name == keys::FACT_CHECK_VECTORS || name == keys::CLAIM_VECTORS {
            continue;
        }
        let step = (tree.len() / per_tree.max(1)).max(1);
        for kv in tree.iter().step_by(step).take(per_tree) {
            let (_, v) = kv.map_err(io)?;
            if let Ok(j) = json(&v) {
                if !j.is_empty() {
                    out.push(j.into_owned());
                }
            }
        }
    }
    Ok(out)
}
