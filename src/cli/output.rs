//! Standard output for the subcommands, written so that a reader going away is not a
//! failure.
//!
//! Rust ignores SIGPIPE, so a write to a pipe whose reader has exited (`jobsim cron … |
//! head -1`) returns `BrokenPipe`, which `print!` would turn into a panic (exit 101). Here a
//! broken pipe marks the output closed: later text is dropped and the command goes on with
//! its other work (a run still writes its output folder) and exits 0, as Unix tools end
//! quietly when nobody reads them. Any other write error (a full disk behind a
//! redirection) is an output failure, reported with exit code 3.

use std::io::{self, Write};

/// Standard output could not be written (for a reason other than a closed pipe).
#[derive(Debug, thiserror::Error)]
#[error("cannot write to standard output")]
pub struct StdoutError(#[source] pub io::Error);

/// A writer that treats a closed pipe as the end of the output.
#[derive(Debug)]
pub struct Output<W: Write> {
    writer: W,
    closed: bool,
}

/// The process's standard output.
pub type Stdout = Output<io::Stdout>;

impl Stdout {
    pub fn new() -> Self {
        Output::to(io::stdout())
    }
}

impl Default for Stdout {
    fn default() -> Self {
        Self::new()
    }
}

impl<W: Write> Output<W> {
    /// Output written to `writer`.
    pub fn to(writer: W) -> Self {
        Output {
            writer,
            closed: false,
        }
    }

    /// Writes `text` and flushes it, so that an error is seen now and not lost when the
    /// process exits. After a broken pipe this does nothing.
    pub fn print(&mut self, text: &str) -> Result<(), StdoutError> {
        if self.closed || text.is_empty() {
            return Ok(());
        }
        let written = self
            .writer
            .write_all(text.as_bytes())
            .and_then(|()| self.writer.flush());
        match written {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            Err(e) => Err(StdoutError(e)),
        }
    }

    /// Writes `text` and a newline.
    pub fn line(&mut self, text: impl std::fmt::Display) -> Result<(), StdoutError> {
        self.print(&format!("{text}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepts `capacity` bytes, then fails every write with `kind`.
    struct Failing {
        written: Vec<u8>,
        capacity: usize,
        kind: io::ErrorKind,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let room = self.capacity - self.written.len();
            if room == 0 {
                return Err(self.kind.into());
            }
            let n = room.min(buf.len());
            self.written.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn failing(capacity: usize, kind: io::ErrorKind) -> Output<Failing> {
        Output::to(Failing {
            written: Vec::new(),
            capacity,
            kind,
        })
    }

    #[test]
    fn broken_pipe_ends_the_output_without_an_error() {
        let mut out = failing(4, io::ErrorKind::BrokenPipe);
        assert!(out.print("abc\n").is_ok());
        assert!(out.print("def\n").is_ok());
        assert!(out.closed);
        assert!(out.line("ghi").is_ok());
        assert_eq!(out.writer.written, b"abc\n");
    }

    #[test]
    fn other_write_errors_are_reported() {
        let mut out = failing(0, io::ErrorKind::StorageFull);
        let err = out.print("abc\n").unwrap_err();
        assert_eq!(err.0.kind(), io::ErrorKind::StorageFull);
        assert!(!out.closed);
    }
}
