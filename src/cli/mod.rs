//! The command line: thin commands over the layers below. `serve` runs the
//! API (`http`); the rest are one file each: `ingest` (files in, through the
//! service layer's parallel pipeline), `extract` and `eval` (the scorers'
//! contracts), `fact_checks` (ClaimReview import), `maintenance` (verify,
//! export, import). Training lives in `crate::train`.

mod eval;
mod extract;
mod fact_checks;
mod ingest;
mod maintenance;

use crate::app::App;
use crate::http::{Application, Settings};
use crate::store::{Store, StoreError};
use anyhow::Context;
use clap::{Parser, Subcommand};
use maintenance::verify;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "claimgraph",
    version,
    about = "A GraphQL fact-checking API: claims, speakers and their sources, from news articles"
)]
pub struct Cli {
    /// Log lines as text, or as one JSON object each (for log shippers).
    #[arg(long, global = true, env = "CLAIMGRAPH_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
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
        /// Most complex operation accepted, in points of about 1.5 µs: a field
        /// is 1, a page `first` times its items, `crossCheck` 2,500 plus 3 per
        /// character.
        #[arg(long, env = "CLAIMGRAPH_MAX_COMPLEXITY", default_value_t = 50_000)]
        max_complexity: usize,
        /// Most points one HTTP request may spend over all its operations.
        #[arg(long, env = "CLAIMGRAPH_REQUEST_BUDGET", default_value_t = 100_000)]
        request_budget: usize,
        /// Points per second each client (by address) may spend on expensive
        /// operations (2,000 points or more, such as `crossCheck`); 0: no
        /// limit. Requests with the API token are not limited.
        #[arg(long, env = "CLAIMGRAPH_RATE_LIMIT", default_value_t = 100_000)]
        rate_limit: u32,
        /// How many points a client may spend at once before its rate applies.
        #[arg(long, env = "CLAIMGRAPH_RATE_BURST", default_value_t = 300_000)]
        rate_burst: u32,
        /// Behind a reverse proxy: take the client's address from its
        /// `Forwarded` / `X-Forwarded-For` header for the rate limit.
        #[arg(long, env = "CLAIMGRAPH_TRUST_PROXY")]
        trust_proxy: bool,
        /// An origin whose pages may call the API from a browser, such as
        /// `https://dash.example.org` (repeat, or comma-separate in the
        /// variable); `*` lets any origin read but not write. None by default.
        #[arg(
            long = "cors-origin",
            env = "CLAIMGRAPH_CORS_ORIGINS",
            value_delimiter = ','
        )]
        cors_origins: Vec<String>,
        /// Log one line per request (method, path, status, microseconds,
        /// request id); JSON with --log-format json.
        #[arg(long, env = "CLAIMGRAPH_ACCESS_LOG")]
        access_log: bool,
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
        /// `learned` (the rules, and the tagger where they found nothing) or
        /// `rules` (no model pass: several times faster).
        #[arg(
            long,
            value_enum,
            env = "CLAIMGRAPH_ATTRIBUTION",
            default_value = "learned"
        )]
        attribution: AttributionArg,
        /// Store claims without their embeddings: a bulk load several times
        /// faster, linked by words only until `claimgraph reindex` embeds
        /// them and adds the links by meaning.
        #[arg(long)]
        no_embed: bool,
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
    /// Embed the claims of a store written before claims were embedded, and
    /// add the links by meaning they find (resumable; a no-op when every
    /// claim has its embedding).
    Reindex {
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Rewrite the store's files without the garbage sled's log keeps
    /// (about 40% smaller for a store written before sled's 2 MiB segments;
    /// a copy that comes out no smaller is discarded). Offline: no server
    /// may have the store open. The store is whole on disk throughout.
    Compact {
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Check every invariant of a store; exits non-zero with a report on any violation.
    Verify {
        #[arg(long, env = "CLAIMGRAPH_DATA_DIR", default_value = "data")]
        data_dir: PathBuf,
    },
    /// Ask a running server whether it is ready (GET /ready); exits 0 if so.
    /// For a Docker HEALTHCHECK.
    Healthcheck {
        /// The server's address (a wildcard host means this machine).
        #[arg(long, env = "CLAIMGRAPH_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Longest to wait for the answer, in seconds.
        #[arg(long, default_value_t = 5)]
        timeout_secs: u64,
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
        /// `learned` (the rules, and the tagger where they found nothing) or
        /// `rules` (no model pass).
        #[arg(long, value_enum, default_value = "learned")]
        attribution: AttributionArg,
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
        /// Where the semantic pair model (lexical features and the cosine of
        /// the texts' embeddings) goes.
        #[arg(long, default_value = "src/corroborate/pair_semantic_model.tsv")]
        semantic_out: PathBuf,
        /// STS-B training rows (`stsb/sts-train.csv`): also fit the graded
        /// similarity, the score of pairs whose embeddings are known.
        #[arg(long)]
        sts: Option<PathBuf>,
        #[arg(long, default_value = "src/corroborate/graded_model.tsv")]
        graded_out: PathBuf,
        /// Instead of training, write each row's label, cosine of meaning,
        /// lexical score and pair features as TSV here (any numeric label:
        /// STS-B rows reshaped to this format work too), for analysis.
        #[arg(long)]
        dump: Option<PathBuf>,
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
        #[arg(long, default_value = "src/search/crosscheck_model.tsv")]
        out: PathBuf,
        /// The semantic reranker's table (lexical features and embedding cosines).
        #[arg(long, default_value = "src/search/crosscheck_semantic_model.tsv")]
        semantic_out: PathBuf,
    },
    /// Train the dictionary the store compresses its values with, on the values of a store (see README: from the BBC corpus).
    TrainValueDictionary {
        /// A store to sample, e.g. one holding the BBC corpus.
        #[arg(long)]
        data_dir: PathBuf,
        /// Where the dictionary goes. A new dictionary also needs a new value tag (`store/sled/codec.rs`).
        #[arg(long)]
        out: PathBuf,
        /// Values sampled from each tree.
        #[arg(long, default_value_t = 4000)]
        per_tree: usize,
        /// Largest dictionary, in bytes.
        #[arg(long, default_value_t = 65536)]
        size: usize,
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
            cors_origins,
            access_log,
            request_budget,
            rate_limit,
            rate_burst,
            trust_proxy,
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
                cors_origins,
                access_log,
                request_budget,
                rate_limit,
                rate_burst,
                trust_proxy,
            };
            let app = Application::build(settings.clone())
                .await
                .map_err(explain_lock)?;
            let stats = app.store().stats()?;
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
            attribution,
            no_embed,
        } => {
            let app = open_app(&data_dir)?
                .with_attribution(attribution.into())
                .with_embeddings(!no_embed);
            tokio::task::spawn_blocking(move || {
                ingest::ingest_paths(&app, &paths, publisher.as_deref(), jobs)
            })
            .await?
        }
        Command::Extract { files, attribution } => extract::run(&files, attribution.into()),
        Command::Reindex { data_dir } => {
            let app = open_app(&data_dir)?;
            tokio::task::spawn_blocking(move || maintenance::reindex(&app, &data_dir)).await?
        }
        Command::Compact { data_dir } => maintenance::compact(&data_dir),
        Command::Verify { data_dir } => {
            let store = open_store(&data_dir)?;
            verify(store.as_ref(), &data_dir)
        }
        Command::Healthcheck { addr, timeout_secs } => {
            healthcheck(&addr, std::time::Duration::from_secs(timeout_secs.max(1)))
        }
        Command::Export { data_dir, file } => {
            let store = open_store(&data_dir)?;
            let bar =
                maintenance::spinner("{spinner} exported {bytes} ({bytes_per_sec}, {elapsed})");
            let n = match file.filter(|f| f.as_os_str() != "-") {
                Some(f) => {
                    let file = std::fs::File::create(&f)
                        .with_context(|| format!("cannot create {}", f.display()))?;
                    let mut out = std::io::BufWriter::new(bar.wrap_write(file));
                    let n = store.export(&mut out)?;
                    std::io::Write::flush(&mut out)?;
                    n
                }
                None => {
                    let stdout = std::io::stdout();
                    let mut out = std::io::BufWriter::new(bar.wrap_write(stdout.lock()));
                    let n = store.export(&mut out)?;
                    std::io::Write::flush(&mut out)?;
                    n
                }
            };
            bar.finish_and_clear();
            eprintln!("exported {n} entries from {}", data_dir.display());
            Ok(())
        }
        Command::Import { data_dir, file } => {
            let store = open_store(&data_dir)?;
            let n = if file.as_os_str() == "-" {
                store.import(&mut std::io::stdin().lock())?
            } else {
                let f = std::fs::File::open(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let bar =
                    maintenance::spinner("{spinner} imported {bytes} ({bytes_per_sec}, {elapsed})");
                let n = store.import(&mut std::io::BufReader::new(bar.wrap_read(f)))?;
                bar.finish_and_clear();
                n
            };
            eprintln!("imported {n} entries into {}", data_dir.display());
            verify(store.as_ref(), &data_dir)
        }
        Command::ImportClaimreviews { file, data_dir } => {
            let app = open_app(&data_dir)?;
            tokio::task::spawn_blocking(move || fact_checks::import_claim_reviews(&app, &file))
                .await?
        }
        Command::CrossCheck { data_dir, top } => {
            let app = open_app(&data_dir)?;
            tokio::task::spawn_blocking(move || eval::cross_check(&app, top)).await?
        }
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Command::TrainCues { dir, min_count } => crate::train::cues(&dir, min_count),
        Command::TrainValueDictionary {
            data_dir,
            out,
            per_tree,
            size,
        } => {
            let store = crate::store::SledStore::open(&data_dir)?;
            let dict = store.train_value_dictionary(per_tree, size)?;
            std::fs::write(&out, &dict)?;
            eprintln!(
                "wrote a dictionary of {} bytes to {}",
                dict.len(),
                out.display()
            );
            Ok(())
        }
        Command::Similarity { explain } => eval::similarity(explain),
        Command::TrainPairs {
            file,
            out,
            semantic_out,
            sts,
            graded_out,
            dump,
        } => match dump {
            Some(d) => crate::train::dump_pairs(&file, &d),
            None => crate::train::pairs(
                &file,
                &crate::train::PairTables {
                    lexical: &out,
                    semantic: &semantic_out,
                    sts: sts.as_deref().map(|s| (s, graded_out.as_path())),
                },
            ),
        },
        Command::TrainCrosscheck {
            vclaims,
            queries,
            qrels,
            out,
            semantic_out,
        } => crate::train::crosscheck(&vclaims, &queries, &qrels, &out, &semantic_out),
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

fn open_store(dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
    crate::store::open(dir).map_err(|e| explain_lock(e.into()))
}

/// The store with its indexes, for commands that write or search.
fn open_app(dir: &Path) -> anyhow::Result<App> {
    Ok(App::open(open_store(dir)?)?)
}

/// GET /ready from the server at `addr`, over plain HTTP/1.1 (no client
/// library for one request): Ok when it answers 200.
fn healthcheck(addr: &str, timeout: std::time::Duration) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::{Read, Write};
    use std::net::ToSocketAddrs;
    let (host, port) = addr
        .rsplit_once(':')
        .with_context(|| format!("`{addr}` is not host:port"))?;
    // A server listening on every interface is reached on this machine.
    let host = match host {
        "0.0.0.0" | "" => "127.0.0.1",
        "[::]" => "[::1]",
        h => h,
    };
    let target = format!("{host}:{port}");
    let sock = target
        .to_socket_addrs()
        .with_context(|| format!("cannot resolve {target}"))?
        .next()
        .with_context(|| format!("no address for {target}"))?;
    let mut stream = std::net::TcpStream::connect_timeout(&sock, timeout)
        .with_context(|| format!("no server at {target}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        stream,
        "GET /ready HTTP/1.1\r\nHost: {target}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .with_context(|| format!("{target} did not answer"))?;
    let status = answer.lines().next().unwrap_or_default();
    if status.split_whitespace().nth(1) == Some("200") {
        println!("ready");
        Ok(())
    } else {
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        anyhow::bail!("not ready: {status} {body}")
    }
}

/// How attributions are found, as the command line names it.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum AttributionArg {
    Rules,
    Learned,
}

impl From<AttributionArg> for crate::extract::Attribution {
    fn from(a: AttributionArg) -> Self {
        match a {
            AttributionArg::Rules => crate::extract::Attribution::Rules,
            AttributionArg::Learned => crate::extract::Attribution::Learned,
        }
    }
}
