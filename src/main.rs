#![forbid(unsafe_code)]
use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = claimgraph::cli::Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        claimgraph::cli::LogFormat::Json => logs.json().init(),
        claimgraph::cli::LogFormat::Text => logs.init(),
    }
    if let Err(e) = claimgraph::cli::run(cli).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
