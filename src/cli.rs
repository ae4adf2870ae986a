//! The command line: serve, ingest, extract, schema.

use crate::domain::NewArticle;
use crate::http::{Application, Settings};
use crate::ingest::{self, parse_plain_text};
use crate::store::{SledStore, Store, StoreError};
use anyhow::Context;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "claimgraph",
    version,
    about = "A GraphQL fact-checking API: claims, speakers and their sources, from news articles"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the GraphQL API (GraphiQL at /graphql in a browser).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CLAIMGRAPH_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Directory of the sled store.
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Do not load the seed articles into an empty store.
        #[arg(long)]
        no_seed: bool,
        /// Do not serve GraphiQL.
        #[arg(long, env = "CLAIMGRAPH_NO_GRAPHIQL")]
        no_graphiql: bool,
        /// Largest request body, in bytes.
        #[arg(long, env = "CLAIMGRAPH_MAX_BODY_BYTES", default_value_t = 2 * 1024 * 1024)]
        max_body_bytes: usize,
        /// HTTP worker threads (default: one per core).
        #[arg(long, env = "CLAIMGRAPH_WORKERS")]
        workers: Option<usize>,
        /// How long DataLoaders wait to gather a batch, in microseconds.
        #[arg(long, env = "CLAIMGRAPH_LOADER_DELAY_US", default_value_t = 0)]
        loader_delay_us: u64,
        /// When set, every mutation needs `Authorization: Bearer <token>`; reads stay open.
        #[arg(long, env = "CLAIMGRAPH_API_TOKEN", hide_env_values = true)]
        api_token: Option<String>,
        /// Longest a GraphQL request may run, in seconds.
        #[arg(long, env = "CLAIMGRAPH_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
        request_timeout_secs: u64,
        /// Most operations in one batched request.
        #[arg(long, env = "CLAIMGRAPH_MAX_BATCH", default_value_t = 16)]
        max_batch: usize,
        /// Refuse introspection queries (GraphiQL needs them; switch it off too).
        #[arg(long, env = "CLAIMGRAPH_NO_INTROSPECTION")]
        no_introspection: bool,
        /// Answers of read-only requests kept until the next write (0: off).
        #[arg(long, env = "CLAIMGRAPH_RESPONSE_CACHE", default_value_t = 4_096)]
        response_cache: usize,
        /// Deepest query accepted.
        #[arg(long, env = "CLAIMGRAPH_MAX_DEPTH", default_value_t = 16)]
        max_depth: usize,
        /// Most complex query accepted (one point per field, times list sizes).
        #[arg(long, env = "CLAIMGRAPH_MAX_COMPLEXITY", default_value_t = 5_000)]
        max_complexity: usize,
    },
    /// Ingest plain-text files, directories of them, or JSON Lines files.
    Ingest {
        /// Files or directories. `.jsonl` files hold one {title, body, url, publisher, publishedAt} per line.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Directory of the sled store.
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Publisher to record for plain-text files.
        #[arg(long)]
        publisher: Option<String>,
        /// Threads that extract and prepare articles (default: one per core).
        /// Articles are committed in input order whatever this is.
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Import fact-checks: a file of ClaimReview JSON-LD (JSON Lines, or one JSON document).
    ImportClaimreviews {
        /// JSON Lines of ClaimReview objects, or a JSON document (array, @graph, DataFeed).
        file: PathBuf,
        /// Directory of the sled store.
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Cross-check texts read as `query_id<TAB>text` lines on stdin against stored fact-checks:
    /// per query up to K lines `query_id<TAB>url<TAB>rank<TAB>score`, best first.
    CrossCheck {
        /// Directory of the sled store.
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Matches per query.
        #[arg(long, default_value_t = 5)]
        top: usize,
    },
    /// Check every invariant of a store; exits non-zero with a report on any violation.
    Verify {
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Write the whole store as JSON Lines (to FILE, or stdout): a lossless backup.
    Export {
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// Where to write; `-` or nothing for stdout.
        file: Option<PathBuf>,
    },
    /// Load an export into a new (empty) store, then verify it.
    Import {
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
        /// An export; `-` for stdin.
        file: PathBuf,
    },
    /// Print the claims of each FILE as one JSON line (the scorers' contract).
    Extract {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Score pairs of texts read as `text_a<TAB>text_b` lines on stdin: one `score<TAB>STANCE` line each.
    Similarity {
        /// Append a third column: the evidence, `; `-separated.
        #[arg(long)]
        explain: bool,
    },
    /// Build the corroboration lexicon (IDF and WordNet synonyms) from public resources.
    BuildLexicon {
        /// WordNet's database directory (Debian's wordnet-base: /usr/share/wordnet).
        #[arg(long, default_value = "/usr/share/wordnet")]
        wordnet: PathBuf,
        /// A folder of news articles (.txt) for document frequencies.
        #[arg(long)]
        corpus: PathBuf,
        /// Where to write idf.tsv and synonyms.tsv.
        #[arg(long, default_value = "src/corroborate")]
        out: PathBuf,
    },
    /// Train the pair model (does a pair say the same thing?) on MRPC-format data; writes its table.
    TrainPairs {
        /// Tab-separated rows: label (0/1), id, id, text, text (the MRPC format).
        file: PathBuf,
        #[arg(long, default_value = "src/corroborate/pair_model.tsv")]
        out: PathBuf,
    },
    /// Train the cross-check reranker on CLEF CheckThat! Task 2 format data; writes its table.
    TrainCrosscheck {
        /// Verified claims: TSV of id, claim, title (with a header row).
        #[arg(long)]
        vclaims: PathBuf,
        /// Queries: TSV of id, text.
        #[arg(long)]
        queries: PathBuf,
        /// Relevance: `query_id 0 vclaim_id 1` lines.
        #[arg(long)]
        qrels: PathBuf,
        /// The lexical reranker's table.
        #[arg(long, default_value = "src/corroborate/crosscheck_model.tsv")]
        out: PathBuf,
        /// The semantic reranker's table (lexical features and embedding cosines).
        #[arg(long, default_value = "src/corroborate/crosscheck_semantic_model.tsv")]
        semantic_out: PathBuf,
    },
    /// Learn the reporting-cue lexicon from a brat-annotated split (text/, attributions/) and print it as TSV.
    TrainCues {
        /// A directory with text/*.txt and attributions/*.ann, e.g. ../shared/eval/polnear/train.
        dir: PathBuf,
        /// Keep forms annotated as a cue at least this many times.
        #[arg(long, default_value_t = 1)]
        min_count: u32,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            addr,
            data_dir,
            no_seed,
            no_graphiql,
            max_body_bytes,
            workers,
            loader_delay_us,
            api_token,
            request_timeout_secs,
            max_batch,
            no_introspection,
            max_depth,
            max_complexity,
            response_cache,
        } => {
            let settings = Settings {
                addr,
                data_dir: Some(data_dir.clone()),
                seed: !no_seed,
                graphiql: !no_graphiql,
                max_body_bytes,
                workers,
                schema: crate::graphql::SchemaOptions {
                    loader_delay: std::time::Duration::from_micros(loader_delay_us),
                    introspection: !no_introspection,
                    max_depth,
                    max_complexity,
                },
                api_token,
                request_timeout: std::time::Duration::from_secs(request_timeout_secs.max(1)),
                max_batch: max_batch.max(1),
                response_cache,
            };
            let app = Application::build(settings.clone())
                .await
                .map_err(explain_lock)?;
            let stats = app.store.stats()?;
            tracing::info!(
                "claimgraph listening on http://{}:{}/graphql (store {}: {} articles, {} claims, {} speakers)",
                settings.addr.rsplit_once(':').map(|(h, _)| h).unwrap_or("127.0.0.1"),
                app.port(),
                data_dir.display(),
                stats.articles,
                stats.claims,
                stats.speakers
            );
            app.run_until_stopped().await?;
            Ok(())
        }
        Command::Ingest {
            paths,
            data_dir,
            publisher,
            jobs,
        } => {
            let store = SledStore::open(&data_dir).map_err(|e| explain_lock(e.into()))?;
            tokio::task::spawn_blocking(move || {
                ingest_paths(&store, &paths, publisher.as_deref(), jobs)
            })
            .await?
        }
        Command::Extract { files } => crate::cli_extract::run(&files),
        Command::Verify { data_dir } => {
            let store = SledStore::open(&data_dir).map_err(|e| explain_lock(e.into()))?;
            verify(&store, &data_dir)
        }
        Command::Export { data_dir, file } => {
            let store = SledStore::open(&data_dir).map_err(|e| explain_lock(e.into()))?;
            let n = match file.filter(|f| f.as_os_str() != "-") {
                Some(f) => {
                    let mut out = std::io::BufWriter::new(
                        std::fs::File::create(&f)
                            .with_context(|| format!("cannot create {}", f.display()))?,
                    );
                    let n = store.export(&mut out)?;
                    std::io::Write::flush(&mut out)?;
                    n
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut out = std::io::BufWriter::new(stdout.lock());
                    let n = store.export(&mut out)?;
                    std::io::Write::flush(&mut out)?;
                    n
                }
            };
            eprintln!("exported {n} entries from {}", data_dir.display());
            Ok(())
        }
        Command::Import { data_dir, file } => {
            let store = SledStore::open(&data_dir).map_err(|e| explain_lock(e.into()))?;
            let n = if file.as_os_str() == "-" {
                store.import(std::io::stdin().lock())?
            } else {
                let f = std::fs::File::open(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                store.import(std::io::BufReader::new(f))?
            };
            eprintln!("imported {n} entries into {}", data_dir.display());
            verify(&store, &data_dir)
        }
        Command::ImportClaimreviews { file, data_dir } => {
            let store = SledStore::open(&data_dir).map_err(|e| explain_lock(e.into()))?;
            tokio::task::spawn_blocking(move || import_claim_reviews(&store, &file)).await?
        }
        Command::CrossCheck { data_dir, top } => {
            let store = SledStore::open(&data_dir).map_err(|e| explain_lock(e.into()))?;
            tokio::task::spawn_blocking(move || cross_check(&store, top)).await?
        }
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Command::TrainCues { dir, min_count } => train_cues(&dir, min_count),
        Command::Similarity { explain } => similarity(explain),
        Command::TrainPairs { file, out } => train_pairs(&file, &out),
        Command::TrainCrosscheck {
            vclaims,
            queries,
            qrels,
            out,
            semantic_out,
        } => train_crosscheck(&vclaims, &queries, &qrels, &out, &semantic_out),
        Command::BuildLexicon {
            wordnet,
            corpus,
            out,
        } => {
            let t = crate::corroborate::build::build(&wordnet, &corpus)?;
            std::fs::write(out.join("idf.tsv"), t.idf)?;
            std::fs::write(out.join("synonyms.tsv"), t.synonyms)?;
            Ok(())
        }
    }
}

fn explain_lock(e: anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<StoreError>() {
        Some(StoreError::Locked(dir)) => anyhow::anyhow!(
            "the store in {dir} is locked by another process, probably a running `claimgraph serve`; \
             stop it, or send articles to its ingestArticle mutation instead"
        ),
        _ => e,
    }
}

/// One article to ingest, and where it came from (for error messages).
struct Item {
    origin: String,
    article: Result<NewArticle, String>,
}

fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            let hidden = e
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if !hidden {
                collect_files(&e, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn read_items(file: &Path, publisher: Option<&str>) -> Vec<Item> {
    let origin = file.display().to_string();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            return vec![Item {
                origin,
                article: Err(e.to_string()),
            }]
        }
    };
    let text = crate::extract::text::decode(&bytes);
    let is_jsonl = file
        .extension()
        .is_some_and(|e| e == "jsonl" || e == "ndjson");
    if is_jsonl {
        return text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(n, l)| Item {
                origin: format!("{origin}:{}", n + 1),
                article: serde_json::from_str::<NewArticle>(l)
                    .map_err(|e| format!("not a JSON article: {e}")),
            })
            .collect();
    }
    if text.contains('\0') {
        return vec![Item {
            origin,
            article: Err("binary file, not text".into()),
        }];
    }
    let mut a = parse_plain_text(&text);
    a.publisher = publisher.map(str::to_string);
    // Where the text came from: the same file again is the same article, an
    // identical text in another file is a copy of it.
    let path = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    a.origin = Some(format!("file://{}", path.display()));
    vec![Item {
        origin,
        article: Ok(a),
    }]
}

pub fn ingest_paths(
    store: &dyn Store,
    paths: &[PathBuf],
    publisher: Option<&str>,
    jobs: Option<usize>,
) -> anyhow::Result<()> {
    let mut files = Vec::new();
    for p in paths {
        collect_files(p, &mut files).with_context(|| format!("cannot read {}", p.display()))?;
    }
    let bar = if std::io::stderr().is_terminal() {
        let b = ProgressBar::new(files.len() as u64);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let start = std::time::Instant::now();
    let (mut created, mut existing, mut failed, mut claims) = (0u64, 0u64, 0u64, 0u64);
    // Workers extract and prepare articles on every core; this thread
    // commits them one at a time in input order, so ids and links come out
    // as a one-core run would make them.
    let workers = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    type Work = (usize, bool, Item);
    type Done = (usize, bool, String, Result<ingest::Prepared, String>);
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Work>(4 * workers);
    let work_rx = std::sync::Mutex::new(work_rx);
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel::<Done>(4 * workers);
    std::thread::scope(|scope| -> anyhow::Result<()> {
        let files = &files;
        scope.spawn(move || {
            let mut seq = 0;
            for f in files {
                let items = read_items(f, publisher);
                let n = items.len();
                for (k, item) in items.into_iter().enumerate() {
                    if work_tx.send((seq, k + 1 == n, item)).is_err() {
                        return;
                    }
                    seq += 1;
                }
            }
        });
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || loop {
                let next = work_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                let Ok((seq, last, item)) = next else { return };
                let prepared = item
                    .article
                    .and_then(|a| ingest::prepare(store, a).map_err(|e| e.to_string()));
                if done_tx.send((seq, last, item.origin, prepared)).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let mut waiting = std::collections::BTreeMap::new();
        let mut next = 0;
        for done in done_rx {
            waiting.insert(done.0, done);
            while let Some((_, last, origin, prepared)) = waiting.remove(&next) {
                next += 1;
                match prepared.and_then(|p| ingest::commit(store, p).map_err(|e| e.to_string())) {
                    Ok(i) if i.created => {
                        created += 1;
                        claims += u64::from(i.article.claim_count);
                    }
                    Ok(_) => existing += 1,
                    Err(e) => {
                        failed += 1;
                        bar.suspend(|| eprintln!("skipped {origin}: {e}"));
                    }
                }
                if last {
                    bar.inc(1);
                }
            }
        }
        Ok(())
    })?;
    bar.finish_and_clear();
    store.flush()?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "ingested {created} new articles ({claims} claims), {existing} already stored, {failed} skipped, in {secs:.1}s ({:.0} articles/s)",
        (created + existing) as f64 / secs.max(1e-9)
    );
    Ok(())
}

fn train_cues(dir: &Path, min_count: u32) -> anyhow::Result<()> {
    use crate::extract::train;
    let mut stats = std::collections::BTreeMap::new();
    let mut anns: Vec<PathBuf> = std::fs::read_dir(dir.join("attributions"))
        .with_context(|| format!("no attributions/ in {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ann"))
        .collect();
    anns.sort();
    let mut seen = std::collections::HashSet::new();
    for ann in anns {
        // "<article>_<annotator>.ann": one annotator per article.
        let stem = ann.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let article = stem.rsplit_once('_').map_or(stem, |(a, _)| a).to_string();
        if !seen.insert(article.clone()) {
            continue;
        }
        let text = std::fs::read_to_string(dir.join("text").join(format!("{article}.txt")))?;
        let cues = train::cue_spans(&std::fs::read_to_string(&ann)?);
        train::observe(&mut stats, &text, &cues);
    }
    print!("{}", train::to_tsv(&stats, min_count));
    eprintln!("{} articles", seen.len());
    Ok(())
}

/// `claimgraph similarity`: the scorers' contract, with the server's scorer and threshold.
fn similarity(explain: bool) -> anyhow::Result<()> {
    use crate::corroborate::{compare, features};
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let (a, b) = line.split_once('\t').unwrap_or((line.as_str(), ""));
        let c = compare(&features(a, &[]), &features(b, &[]));
        if explain {
            writeln!(
                out,
                "{:.4}\t{}\t{}",
                c.score,
                c.stance,
                c.evidence.join("; ")
            )?;
        } else {
            writeln!(out, "{:.4}\t{}", c.score, c.stance)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn train_pairs(file: &Path, out: &Path) -> anyhow::Result<()> {
    use crate::corroborate::score::{compare_with, Stance};
    use crate::corroborate::{features, pair};
    let text = std::fs::read_to_string(file)?;
    let (mut xs, mut ys, mut pairs) = (Vec::new(), Vec::new(), Vec::new());
    for line in text.trim_start_matches('\u{feff}').lines() {
        let f: Vec<&str> = line.split('\t').collect();
        // Rows are label, id, id, text, text; a header row has no 0/1 label.
        if f.len() < 5 || !matches!(f[0].trim(), "0" | "1") {
            continue;
        }
        let (fa, fb) = (features(f[3], &[]), features(f[4], &[]));
        xs.push(crate::corroborate::score::pair_vector(&fa, &fb));
        ys.push(f[0].trim() == "1");
        pairs.push((fa, fb));
    }
    let logistic = pair::Model::fit(&xs, &ys, 0.001, 3000);
    // The threshold is chosen for the whole decision (a contradiction or too
    // little in common overrides the model), the closest to 0.5 among the best.
    let accuracy = |m: &pair::PairModel| {
        pairs
            .iter()
            .zip(&ys)
            .filter(|((a, b), y)| (compare_with(a, b, Some(m)).stance == Stance::Supports) == **y)
            .count() as f64
            / pairs.len().max(1) as f64
    };
    let mut best = (f64::MIN, 0.5f32);
    for t in (30..=70).map(|t| t as f32 / 100.0) {
        let m = pair::PairModel {
            logistic: logistic.clone(),
            threshold: t,
        };
        let acc = accuracy(&m);
        if acc > best.0 + 1e-9
            || (acc - best.0).abs() <= 1e-9 && (t - 0.5).abs() < (best.1 - 0.5).abs()
        {
            best = (acc, t);
        }
    }
    let m = pair::PairModel {
        logistic,
        threshold: best.1,
    };
    std::fs::write(out, m.to_tsv())?;
    eprintln!(
        "trained on {} pairs; threshold {:.2}; training accuracy of the decision {:.4}",
        xs.len(),
        best.1,
        best.0
    );
    Ok(())
}

/// `claimgraph import-claimreviews`: JSON Lines (or one JSON document) of ClaimReview.
fn import_claim_reviews(store: &dyn Store, file: &Path) -> anyhow::Result<()> {
    use crate::factcheck;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = crate::extract::text::decode(&bytes);
    // One document, or one per line.
    let docs: Vec<(String, Result<serde_json::Value, String>)> =
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => vec![(file.display().to_string(), Ok(v))],
            Err(_) => text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(n, l)| {
                    (
                        format!("{}:{}", file.display(), n + 1),
                        serde_json::from_str(l).map_err(|e| format!("not JSON: {e}")),
                    )
                })
                .collect(),
        };
    let start = std::time::Instant::now();
    let (mut created, mut existing, mut failed, mut matched) = (0u64, 0u64, 0u64, 0u64);
    let (mut origins, mut valid) = (Vec::new(), Vec::new());
    for (origin, doc) in docs {
        let items = doc.and_then(|v| {
            factcheck::parse_claim_reviews(&v)
                .and_then(|items| {
                    items
                        .into_iter()
                        .map(factcheck::validate)
                        .collect::<Result<Vec<_>, _>>()
                })
                .map_err(|e| e.to_string())
        });
        match items {
            Ok(items) => {
                origins.extend(std::iter::repeat_n(origin, items.len()));
                valid.extend(items);
            }
            Err(e) => {
                failed += 1;
                eprintln!("skipped {origin}: {e}");
            }
        }
    }
    // In batches, so the embedding runs on every core and progress shows.
    let bar = indicatif::ProgressBar::new(valid.len() as u64);
    for (batch, origins) in valid.chunks(512).zip(origins.chunks(512)) {
        for (origin, result) in origins.iter().zip(factcheck::import_valid(store, batch)) {
            match result {
                Ok(d) if d.created => {
                    created += 1;
                    matched += d.matches.len() as u64;
                }
                Ok(_) => existing += 1,
                Err(e) => {
                    failed += 1;
                    bar.suspend(|| eprintln!("skipped {origin}: {e}"));
                }
            }
        }
        bar.inc(batch.len() as u64);
    }
    bar.finish_and_clear();
    store.flush()?;
    println!(
        "imported {created} new fact-checks ({matched} links to stored claims), {existing} already stored, {failed} skipped, in {:.1}s",
        start.elapsed().as_secs_f64()
    );
    if failed > 0 {
        anyhow::bail!("{failed} entries could not be imported");
    }
    Ok(())
}

/// `claimgraph cross-check`: the scorers' contract over stored fact-checks.
fn cross_check(store: &dyn Store, top: usize) -> anyhow::Result<()> {
    use crate::corroborate::crosscheck::{cross_check, Scope, Target};
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let Some((qid, text)) = line.split_once('\t') else {
            continue;
        };
        let hits = cross_check(store, text, top, Scope::FACT_CHECKS)?;
        let mut rank = 0;
        for h in hits {
            let Target::FactCheck(id) = h.target else {
                continue;
            };
            let Some(fc) = store.fact_check(id)? else {
                continue;
            };
            rank += 1;
            let url = fc.details.url.unwrap_or_else(|| id.to_string());
            writeln!(out, "{qid}\t{url}\t{rank}\t{:.4}", h.score)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn train_crosscheck(
    vclaims: &Path,
    queries: &Path,
    qrels: &Path,
    out: &Path,
    semantic_out: &Path,
) -> anyhow::Result<()> {
    use crate::corroborate::crosscheck::{
        fact_check_candidates, Query, COSINE, LEXICAL_PROBABILITY, RERANK_MODEL_HEADER,
    };
    use crate::corroborate::pair::Model;
    use crate::domain::NewFactCheck;
    use std::collections::{HashMap, HashSet};
    let store = SledStore::temporary()?;
    let text = std::fs::read_to_string(vclaims)?;
    let mut items = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (Some(id), Some(claim)) = (f.first(), f.get(1)) else {
            continue;
        };
        items.push(NewFactCheck {
            claim_reviewed: claim.to_string(),
            headline: f.get(2).map(|s| s.to_string()),
            url: Some(format!("https://example.org/vclaim/{}", id.trim())),
            ..NewFactCheck::default()
        });
    }
    // Rows the TSV's embedded newlines break up are not checks: skip them.
    let items: Vec<NewFactCheck> = items
        .into_iter()
        .filter_map(|i| crate::factcheck::validate(i).ok())
        .collect();
    let _ = crate::factcheck::import_valid(&store, &items);
    let mut gold: HashMap<String, HashSet<String>> = HashMap::new();
    for line in std::fs::read_to_string(qrels)?.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() >= 4 && f[3] != "0" {
            gold.entry(f[0].to_string())
                .or_default()
                .insert(format!("https://example.org/vclaim/{}", f[2]));
        }
    }
    let mut qs: Vec<(String, String)> = Vec::new();
    for line in std::fs::read_to_string(queries)?.lines() {
        if let Some((id, t)) = line.split_once('\t') {
            if gold.contains_key(id.trim()) {
                qs.push((
                    id.trim().to_string(),
                    t.split_whitespace().collect::<Vec<_>>().join(" "),
                ));
            }
        }
    }
    let (mut xs, mut sx, mut ys, mut groups) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut from_bm25 = Vec::new();
    for (id, t) in &qs {
        let q = Query::new(t);
        let start = xs.len();
        for c in fact_check_candidates(&store, &q)? {
            ys.push(
                c.fact_check
                    .url
                    .as_ref()
                    .is_some_and(|u| gold[id].contains(u)),
            );
            xs.push(c.lexical);
            from_bm25.push(c.lexical_match);
            sx.push(
                c.semantic.ok_or_else(|| {
                    anyhow::anyhow!("a fact-check was stored without its embedding")
                })?,
            );
        }
        groups.push((start, xs.len(), gold[id].len()));
    }
    let map5 = |score: &dyn Fn(usize) -> f32| {
        let mut total = 0.0;
        for &(a, b, relevant) in &groups {
            let mut idx: Vec<usize> = (a..b).collect();
            idx.sort_by(|&i, &j| score(j).total_cmp(&score(i)).then(i.cmp(&j)));
            let (mut hits, mut ap) = (0.0, 0.0);
            for (r, &i) in idx.iter().take(5).enumerate() {
                if ys[i] {
                    hits += 1.0;
                    ap += hits / (r + 1) as f64;
                }
            }
            total += ap / relevant.clamp(1, 5) as f64;
        }
        total / groups.len().max(1) as f64
    };
    let before = map5(&|i| xs[i][0]);
    // The lexical reranker also ranks claims, which only BM25 finds: it
    // learns from BM25's candidates alone.
    let (lx, ly): (Vec<_>, Vec<_>) = (0..xs.len())
        .filter(|&i| from_bm25[i])
        .map(|i| (xs[i], ys[i]))
        .unzip();
    let m = Model::fit(&lx, &ly, 0.001, 2000);
    let lexical = map5(&|i| m.probability(&xs[i]));
    std::fs::write(out, m.to_tsv(RERANK_MODEL_HEADER))?;
    // The semantic reranker reads the lexical one's output: the one just fitted.
    for (x, s) in xs.iter().zip(sx.iter_mut()) {
        s[LEXICAL_PROBABILITY] = m.probability(x);
    }
    let cosine = map5(&|i| sx[i][COSINE]);
    let s = Model::fit_newton(&sx, &ys, 0.001, 100);
    let semantic = map5(&|i| s.probability(&sx[i]));
    std::fs::write(semantic_out, s.to_tsv(RERANK_MODEL_HEADER))?;
    eprintln!(
        "trained on {} candidates of {} queries; MAP@5 on them: BM25 {before:.4}, cosine {cosine:.4}, lexical reranker {lexical:.4}, semantic reranker {semantic:.4}",
        xs.len(),
        groups.len()
    );
    Ok(())
}

fn verify(store: &SledStore, dir: &Path) -> anyhow::Result<()> {
    let report = store.verify()?;
    let checked: Vec<String> = report
        .checked
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    if report.is_ok() {
        println!("{}: ok ({})", dir.display(), checked.join(", "));
        return Ok(());
    }
    println!(
        "{}: {} invariants violated ({})",
        dir.display(),
        report.violations.len(),
        checked.join(", ")
    );
    for (rule, (n, examples)) in &report.violations {
        println!("  {rule}: {n} violations");
        for e in examples {
            println!("    {e}");
        }
    }
    anyhow::bail!("the store at {} is inconsistent", dir.display())
}
