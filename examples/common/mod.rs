//! What every pattern example shares: picking the runtime from the command line.
#![allow(dead_code)]

use std::time::Instant;

/// The runtime named on the command line (`tokio` or `smol`, anywhere among the arguments),
/// else `$SMARTNOTES_RUNTIME`, else tokio (smol when built with only the `smol` feature).
pub fn runtime_name() -> String {
    let default = if cfg!(feature = "tokio") {
        "tokio"
    } else {
        "smol"
    };
    std::env::args()
        .skip(1)
        .find(|a| a == "tokio" || a == "smol")
        .or_else(|| std::env::var("SMARTNOTES_RUNTIME").ok())
        .unwrap_or_else(|| default.into())
}

/// Milliseconds since `start`, for the timings the examples print.
pub fn ms(start: Instant) -> u128 {
    start.elapsed().as_millis()
}

/// Generates `main`: runs `$demo(fs)` on the runtime named on the command line, where
/// `$demo` is an `async fn<F: smartnotes::Fs>(F) -> Result<(), Box<dyn Error>>`.
#[macro_export]
macro_rules! main_on_either_runtime {
    ($demo:ident) => {
        fn main() -> Result<(), Box<dyn std::error::Error>> {
            let name = common::runtime_name();
            println!("[{name}]");
            match name.as_str() {
                #[cfg(feature = "tokio")]
                "tokio" => smartnotes::tokio::block_on($demo(smartnotes::tokio::fs())),
                #[cfg(feature = "smol")]
                "smol" => smartnotes::smol::block_on($demo(smartnotes::smol::fs())),
                other => Err(format!(
                    "runtime {other:?} is not available: pass tokio or smol, with its feature"
                )
                .into()),
            }
        }
    };
}
