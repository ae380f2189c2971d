//! What every pattern example shares: picking the runtime from the command line.
#![allow(dead_code)]

use std::time::Instant;

use smartnotes::RuntimeKind;

pub(crate) mod countdown;

/// The runtime, the examples' one convention: the first argument, `tokio` or `smol` (tokio
/// when there is none); any other first argument is refused with the names allowed.
pub(crate) fn runtime_kind() -> Result<RuntimeKind, smartnotes::UnknownRuntime> {
    match std::env::args().nth(1) {
        Some(name) => name.parse(),
        None => Ok(RuntimeKind::ALL[0]),
    }
}

/// The arguments after the runtime (the first one), for the examples that take more.
pub(crate) fn rest() -> Vec<String> {
    std::env::args().skip(2).collect()
}

/// Milliseconds since `start`, for the timings the examples print.
pub(crate) fn ms(start: Instant) -> u128 {
    start.elapsed().as_millis()
}

/// Generates `main`: runs `$demo(store)` on the runtime named on the command line, where
/// `$demo` is an `async fn<S: smartnotes::Store>(S) -> Result<(), Box<dyn Error>>`.
#[macro_export]
macro_rules! main_on_either_runtime {
    ($demo:ident) => {
        struct Demo;

        impl smartnotes::StoreJob for Demo {
            type Output = Result<(), Box<dyn std::error::Error>>;
            async fn run<S: smartnotes::Store>(self, store: S) -> Self::Output {
                $demo(store).await
            }
        }

        fn main() -> std::process::ExitCode {
            let kind = match common::runtime_kind() {
                Ok(kind) => kind,
                Err(e) => {
                    eprintln!("error: {e} (usage: cargo run --example NAME [-- tokio|smol])");
                    return std::process::ExitCode::from(2);
                }
            };
            println!("[{kind}]");
            match kind.block_on(Demo) {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::ExitCode::from(1)
                }
            }
        }
    };
}
