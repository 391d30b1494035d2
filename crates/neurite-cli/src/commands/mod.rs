//! The subcommands, one file each. Each writes its results to the `out` it is given (stdout in
//! the binary) and returns the process's exit code, or the error to report.

pub mod eval;
pub mod export;
pub mod predict;
pub mod summary;
pub mod train;

use std::fmt::Display;
use std::io::Write;

use neurite::{Error, Result};

/// Writes `text` and a newline to `out`; a failed write (e.g. a closed pipe) is an error.
pub fn write_line(out: &mut dyn Write, text: impl Display) -> Result<()> {
    writeln!(out, "{text}").map_err(|e| Error::io("stdout", &e))
}
