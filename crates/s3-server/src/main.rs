//! `smartnotes-s3-server ROOT [DELAY_MS]`: serves the buckets under ROOT (each a directory) on
//! 127.0.0.1 until stdin closes (or Ctrl-C), printing the `export` lines a shell needs to point
//! `smartnotes` at it. For trying the CLI's `s3://` URLs by hand; the tests start their own.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use smartnotes_s3_server::{Config, Server};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(root) = args.next().map(PathBuf::from) else {
        eprintln!("usage: smartnotes-s3-server ROOT [DELAY_MS]");
        return ExitCode::from(2);
    };
    let delay = match args.next().map(|ms| ms.to_string_lossy().parse::<u64>()) {
        None => Duration::ZERO,
        Some(Ok(ms)) => Duration::from_millis(ms),
        Some(Err(e)) => {
            eprintln!("smartnotes-s3-server: DELAY_MS: {e}");
            return ExitCode::from(2);
        }
    };
    let server = match Server::start(&root, Config::default().with_delay(delay)) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("smartnotes-s3-server: {}: {e}", root.display());
            return ExitCode::from(2);
        }
    };
    for (name, value) in server.env() {
        println!("export {name}={value}");
    }
    // Serve until stdin closes.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(server);
    ExitCode::SUCCESS
}
