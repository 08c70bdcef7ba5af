//! The CSV rows of a golden comparison, read one at a time in bounded memory: a row longer
//! than a limit is refused instead of being read whole, and the bytes are checked to be
//! UTF-8 as they pass (the comparison used to read each file whole with `read_to_string`,
//! which refused a file that is not UTF-8; it still does, with the same message).

use std::io::{self, Read};

use csv::ByteRecord;

use super::{Side, not_utf8};

/// The CSV reader's buffer. A row is measured in reads of this size, so the reader stops
/// at most two of them past the row limit.
const READ_BUFFER: usize = 64 << 10;

/// Why reading rows stopped before the end.
#[derive(Debug)]
pub(super) enum Stop {
    /// The file could not be read, or is not UTF-8 (the comparison fails with this error).
    Io(io::Error),
    /// A row past the limit: the file is not one jobsim wrote, and is not compared (the
    /// message, one difference).
    Refused(String),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Io(e)
    }
}

/// One CSV file read row by row as the comparison always read it (no header handling, rows
/// with another number of fields than the first one skipped), holding one row at a time.
pub(super) struct Rows<R> {
    csv: csv::Reader<RowGuard<R>>,
    side: Side,
    limit: u64,
}

impl<R: Read> Rows<R> {
    /// Reads `inner`, refusing a row of more than `limit` bytes.
    pub(super) fn new(inner: R, side: Side, limit: u64) -> Self {
        let guard = RowGuard::new(inner, limit.saturating_add(2 * READ_BUFFER as u64));
        let csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .buffer_capacity(READ_BUFFER)
            .from_reader(guard);
        Rows { csv, side, limit }
    }

    /// Reads the next row into `row`: false at the end of the file.
    pub(super) fn next(&mut self, row: &mut ByteRecord) -> Result<bool, Stop> {
        loop {
            let read = self.csv.read_byte_record(row);
            let end = self.csv.position().byte();
            self.csv.get_mut().row_ended_at(end);
            let e = match read {
                Ok(more) => return Ok(more),
                Err(e) => e,
            };
            if self.csv.get_ref().tripped {
                let line = row.position().map_or(0, |p| p.line());
                return Err(Stop::Refused(format!(
                    "{}, line {line}: more than {} bytes in one row: not a CSV file jobsim \
                     wrote, not compared",
                    self.side, self.limit
                )));
            }
            // The in-memory comparison dropped such rows; so does this one.
            if matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                continue;
            }
            return Err(Stop::Io(match e.into_kind() {
                csv::ErrorKind::Io(e) => e,
                // Byte rows have no other errors; one is still not a panic.
                kind => io::Error::new(io::ErrorKind::InvalidData, format!("{kind:?}")),
            }));
        }
    }

    /// Reads the rest of the file, returning how many rows it has. Every byte is read so
    /// that a file that is not UTF-8 is an error wherever the comparison stops looking.
    pub(super) fn count_rest(&mut self) -> Result<u64, Stop> {
        let mut row = ByteRecord::new();
        let mut n = 0;
        while self.next(&mut row)? {
            n += 1;
        }
        Ok(n)
    }
}

/// A reader that fails once a row grows past its limit. The CSV reader tells it where each
/// row ends ([`RowGuard::row_ended_at`]), so a row is measured as the CSV reader parses it:
/// a quoted field that spans lines counts whole, where a count of bytes between line
/// breaks (the report readers' `RowLimit`) would pass it. Blank lines between rows, which
/// the CSV reader skips without holding them, do not count.
struct RowGuard<R> {
    inner: R,
    /// Bytes handed to the CSV reader in all.
    handed: u64,
    /// Where the row being read starts.
    row_start: u64,
    /// Just past the last byte handed that is not a line break.
    content_end: u64,
    limit: u64,
    /// The limit was passed: the error the CSV reader reports is ours.
    tripped: bool,
    utf8: Utf8Check,
}

impl<R> RowGuard<R> {
    fn new(inner: R, limit: u64) -> Self {
        RowGuard {
            inner,
            handed: 0,
            row_start: 0,
            content_end: 0,
            limit,
            tripped: false,
            utf8: Utf8Check::default(),
        }
    }

    /// The CSV reader has parsed the file up to byte `at` (the end of a row).
    fn row_ended_at(&mut self, at: u64) {
        self.row_start = self.row_start.max(at);
    }
}

impl<R: Read> Read for RowGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        if n == 0 {
            self.utf8.finish()?;
            return Ok(0);
        }
        self.utf8.check(chunk)?;
        // Nothing but line breaks since the row began: the row has not begun yet.
        if self.content_end <= self.row_start {
            self.row_start = self.handed;
        }
        if let Some(last) = chunk.iter().rposition(|b| !matches!(b, b'\n' | b'\r')) {
            self.content_end = self.handed + last as u64 + 1;
        }
        self.handed += n as u64;
        if self.handed - self.row_start > self.limit {
            self.tripped = true;
            return Err(io::Error::new(io::ErrorKind::InvalidData, "row too long"));
        }
        Ok(n)
    }
}

/// UTF-8 validation of a stream read in pieces: a character cut by the end of one piece
/// is completed by the next.
#[derive(Debug, Default)]
struct Utf8Check {
    /// The start of a character cut by the end of the last piece.
    cut: [u8; 4],
    cut_len: usize,
}

impl Utf8Check {
    fn check(&mut self, mut piece: &[u8]) -> io::Result<()> {
        if self.cut_len > 0 {
            let width = match self.cut[0] {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let take = (width - self.cut_len).min(piece.len());
            self.cut[self.cut_len..self.cut_len + take].copy_from_slice(&piece[..take]);
            self.cut_len += take;
            piece = &piece[take..];
            if self.cut_len < width {
                return Ok(());
            }
            std::str::from_utf8(&self.cut[..width]).map_err(|_| not_utf8())?;
            self.cut_len = 0;
        }
        match std::str::from_utf8(piece) {
            Ok(_) => Ok(()),
            // A character cut by the end of the piece (at most three bytes).
            Err(e) if e.error_len().is_none() => {
                let rest = &piece[e.valid_up_to()..];
                self.cut[..rest.len()].copy_from_slice(rest);
                self.cut_len = rest.len();
                Ok(())
            }
            Err(_) => Err(not_utf8()),
        }
    }

    /// The end of the stream: a character left cut is an error.
    fn finish(&mut self) -> io::Result<()> {
        if self.cut_len > 0 {
            return Err(not_utf8());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads its bytes a few at a time, as a slow file or pipe would.
    struct Dribble<'a>(&'a [u8], usize);

    impl Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn utf8_is_checked_across_reads_as_read_to_string_checks_it_whole() {
        let samples: [&[u8]; 8] = [
            "plain,ascii\n".as_bytes(),
            "é,日本,😀\n".as_bytes(),
            b"a\xC3",
            b"a\xC3(",
            b"\xE6\x97",
            b"\xF0\x9F\x98\x80\xF0",
            b"\xED\xA0\x80", // a surrogate, not UTF-8
            b"\xFF",
        ];
        for text in samples {
            for step in 1..=5 {
                let mut check = Utf8Check::default();
                let mut ok = true;
                for piece in text.chunks(step) {
                    ok &= check.check(piece).is_ok();
                }
                ok &= check.finish().is_ok();
                assert_eq!(ok, std::str::from_utf8(text).is_ok(), "{text:?} by {step}");
            }
        }
    }

    fn read_all(text: &[u8], limit: u64) -> Result<Vec<Vec<String>>, Stop> {
        let mut rows = Rows::new(Dribble(text, 7), Side::Golden, limit);
        // The guard's slack is two read buffers; these tests measure the guard itself.
        rows.csv.get_mut().limit = limit;
        let mut row = ByteRecord::new();
        let mut out = Vec::new();
        while rows.next(&mut row)? {
            out.push(
                row.iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect(),
            );
        }
        Ok(out)
    }

    #[test]
    fn a_quoted_field_spanning_lines_counts_whole_against_the_row_limit() {
        let text = b"a,b\n1,\"x\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\nx\"\n2,y\n";
        assert_eq!(read_all(text, 64).unwrap().len(), 3);
        let Err(Stop::Refused(message)) = read_all(text, 20) else {
            panic!("a 28-byte row passed a 20-byte limit");
        };
        assert_eq!(
            message,
            "golden copy, line 2: more than 20 bytes in one row: not a CSV file jobsim \
             wrote, not compared"
        );
    }

    #[test]
    fn blank_lines_between_rows_do_not_count_against_the_row_limit() {
        let mut text = b"a,b\n".to_vec();
        text.extend(std::iter::repeat_n(b'\n', 1000));
        text.extend(b"1,2\r\n\r\n\r\n3,4\n");
        assert_eq!(
            read_all(&text, 16).unwrap(),
            [["a", "b"], ["1", "2"], ["3", "4"]]
        );
    }

    #[test]
    fn rows_of_another_width_are_skipped_and_bad_utf8_is_the_read_to_string_error() {
        assert_eq!(
            read_all(b"a,b\n1\n2,3\n", 64).unwrap(),
            [["a", "b"], ["2", "3"]]
        );
        let Err(Stop::Io(e)) = read_all(b"a,b\n1,\xC3\n", 64) else {
            panic!("not UTF-8 but read");
        };
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert_eq!(e.to_string(), "stream did not contain valid UTF-8");
    }
}
