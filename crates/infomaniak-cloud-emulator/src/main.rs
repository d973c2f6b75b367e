//! The `infomaniak-cloud-emulator` binary: parses the command line and runs the emulator.

use clap::Parser;
use infomaniak_cloud_emulator::cli::{Cli, run};

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let code = run(Cli::parse()).await;
    std::process::exit(code);
}
