//! What every pattern example shares: picking the runtime from the command line.
#![allow(dead_code)]

use std::time::Instant;

use smartnotes::RuntimeKind;

/// The runtime named on the command line (`tokio` or `smol`, anywhere among the arguments),
/// else `$SMARTNOTES_RUNTIME`, else the first of this build.
pub(crate) fn runtime_kind() -> Result<RuntimeKind, smartnotes::UnknownRuntime> {
    let named = std::env::args()
        .skip(1)
        .find(|a| a == "tokio" || a == "smol")
        .or_else(|| std::env::var("SMARTNOTES_RUNTIME").ok());
    match named {
        Some(name) => name.parse(),
        None => Ok(RuntimeKind::ALL[0]),
    }
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

        fn main() -> Result<(), Box<dyn std::error::Error>> {
            let kind = common::runtime_kind()?;
            println!("[{kind}]");
            kind.block_on(Demo)
        }
    };
}
