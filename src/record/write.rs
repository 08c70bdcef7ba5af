//! The small CSV writer behind the record files: a row's fields are appended straight into
//! a byte buffer, numbers and times formatted by hand, with no formatting machinery and no
//! copy through an intermediate writer. It does no I/O; [`super::csv`] flushes the buffer.
//!
//! The bytes are exactly those the `csv` crate's default writer produces (the files' readers
//! and the tests use it): fields separated by `,`, records ended by `\n`, and a field quoted
//! only when it must be (`QuoteStyle::Necessary`) — when it holds a `,`, a `"`, a `\r` or a
//! `\n`, and nothing else (leading or trailing spaces and `#` are written bare, as no
//! comment character is configured). Inside quotes a `"` is doubled. A record whose
//! fields add up to no bytes at all (one empty field) is written as `""`, so that it still
//! reads back as a record.

use crate::time::SimTime;

/// The bytes that make a field need quotes.
const SPECIAL: [u8; 4] = [b',', b'"', b'\r', b'\n'];

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// Whether the eight bytes of `word` hold one of [`SPECIAL`]. Each comparison is the
/// classic "has a zero byte" test on `word ^ splat(byte)`, which is exact as a yes/no.
#[inline(always)]
fn word_has_special(word: u64) -> bool {
    let mut found = 0;
    for b in SPECIAL {
        let x = word ^ (ONES * b as u64);
        found |= x.wrapping_sub(ONES) & !x & HIGHS;
    }
    found != 0
}

/// Whether `field` must be quoted: one pass over it, eight bytes at a time (the tail is
/// padded with zero bytes, which are not special).
#[inline]
pub(crate) fn needs_quotes(field: &[u8]) -> bool {
    let mut chunks = field.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if word_has_special(u64::from_le_bytes(word)) {
            return true;
        }
    }
    let tail = chunks.remainder();
    if tail.is_empty() {
        return false;
    }
    let mut word = [0u8; 8];
    word[..tail.len()].copy_from_slice(tail);
    word_has_special(u64::from_le_bytes(word))
}

/// Appends `field` between quotes, its quotes doubled.
#[cold]
fn push_quoted(buf: &mut Vec<u8>, field: &[u8]) {
    buf.push(b'"');
    push_escaped(buf, field);
    buf.push(b'"');
}

/// Appends `field` with its quotes doubled (the inside of a quoted field).
fn push_escaped(buf: &mut Vec<u8>, field: &[u8]) {
    let mut rest = field;
    while let Some(at) = rest.iter().position(|&b| b == b'"') {
        buf.extend_from_slice(&rest[..=at]);
        buf.push(b'"');
        rest = &rest[at + 1..];
    }
    buf.extend_from_slice(rest);
}

/// The two-digit groups `00` to `99`, for writing numbers two digits per division.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes `n` in decimal ending just before `end` in `out`; returns where it starts.
#[inline(always)]
fn digits_before(out: &mut [u8; 24], mut end: usize, mut n: u64) -> usize {
    while n >= 100 {
        let pair = (n % 100) as usize * 2;
        n /= 100;
        end -= 2;
        out[end..end + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if n >= 10 {
        let pair = n as usize * 2;
        end -= 2;
        out[end..end + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        end -= 1;
        out[end] = b'0' + n as u8;
    }
    end
}

/// Appends `n` in decimal.
#[inline]
pub(crate) fn push_u64(buf: &mut Vec<u8>, n: u64) {
    let mut out = [0u8; 24];
    let start = digits_before(&mut out, 24, n);
    buf.extend_from_slice(&out[start..]);
}

/// Appends `n` in decimal, with a `-` when negative.
#[inline]
pub(crate) fn push_i64(buf: &mut Vec<u8>, n: i64) {
    let mut out = [0u8; 24];
    let mut start = digits_before(&mut out, 24, n.unsigned_abs());
    if n < 0 {
        start -= 1;
        out[start] = b'-';
    }
    buf.extend_from_slice(&out[start..]);
}

/// Appends `t` as seconds with millisecond precision (`12.345`, `0.005`), as
/// [`crate::time::seconds_str`] writes it.
#[inline]
pub(crate) fn push_seconds(buf: &mut Vec<u8>, t: SimTime) {
    let mut out = [0u8; 24];
    let end = out.len();
    let ms = (t % 1000) as usize;
    out[end - 1] = b'0' + (ms % 10) as u8;
    let pair = ms / 10 * 2;
    out[end - 3..end - 1].copy_from_slice(&PAIRS[pair..pair + 2]);
    out[end - 4] = b'.';
    let start = digits_before(&mut out, end - 4, t / 1000);
    buf.extend_from_slice(&out[start..]);
}

/// One row being written into `buf`: each field is followed by a `,`, and [`Row::end`]
/// turns the last one into the record's `\n`.
pub(crate) struct Row<'a> {
    buf: &'a mut Vec<u8>,
    start: usize,
}

impl<'a> Row<'a> {
    /// Starts a row at the end of `buf`.
    #[inline]
    pub(crate) fn new(buf: &'a mut Vec<u8>) -> Self {
        let start = buf.len();
        Row { buf, start }
    }

    /// A text field, quoted if it must be.
    #[inline]
    pub(crate) fn text(self, value: &str) -> Self {
        self.bytes(value.as_bytes())
    }

    /// A field of raw bytes, quoted if it must be.
    #[inline]
    pub(crate) fn bytes(self, value: &[u8]) -> Self {
        if needs_quotes(value) {
            push_quoted(self.buf, value);
        } else {
            self.buf.extend_from_slice(value);
        }
        self.buf.push(b',');
        self
    }

    /// A text the program spells (an enum's name), which never needs quotes: it is copied
    /// without looking at its bytes.
    #[inline]
    pub(crate) fn plain(self, value: &'static str) -> Self {
        debug_assert!(!needs_quotes(value.as_bytes()), "{value:?} needs quotes");
        self.buf.extend_from_slice(value.as_bytes());
        self.buf.push(b',');
        self
    }

    /// A field of a prefix the program spells (`pod/`, which never needs quotes) and a
    /// text, quoted as a whole if the text must be.
    #[inline]
    pub(crate) fn prefixed(self, prefix: &'static str, value: &str) -> Self {
        debug_assert!(!needs_quotes(prefix.as_bytes()), "{prefix:?} needs quotes");
        if needs_quotes(value.as_bytes()) {
            self.buf.push(b'"');
            self.buf.extend_from_slice(prefix.as_bytes());
            push_escaped(self.buf, value.as_bytes());
            self.buf.push(b'"');
        } else {
            self.buf.extend_from_slice(prefix.as_bytes());
            self.buf.extend_from_slice(value.as_bytes());
        }
        self.buf.push(b',');
        self
    }

    /// A field built by `build` from texts, numbers and times ([`Field`]), quoted as a
    /// whole if what it wrote must be.
    #[inline]
    pub(crate) fn composed(self, build: impl FnOnce(&mut Field<'_>)) -> Self {
        let at = self.buf.len();
        build(&mut Field { buf: self.buf });
        if needs_quotes(&self.buf[at..]) {
            let written = self.buf.split_off(at);
            push_quoted(self.buf, &written);
        }
        self.buf.push(b',');
        self
    }

    /// An unsigned number.
    #[inline]
    pub(crate) fn uint(self, value: impl Into<u64>) -> Self {
        push_u64(self.buf, value.into());
        self.buf.push(b',');
        self
    }

    /// A signed number.
    #[inline]
    pub(crate) fn int(self, value: impl Into<i64>) -> Self {
        push_i64(self.buf, value.into());
        self.buf.push(b',');
        self
    }

    /// An unsigned number, or an empty field.
    #[inline]
    pub(crate) fn opt_uint<T: Into<u64>>(self, value: Option<T>) -> Self {
        match value {
            Some(v) => self.uint(v),
            None => self.empty(),
        }
    }

    /// A signed number, or an empty field.
    #[inline]
    pub(crate) fn opt_int<T: Into<i64>>(self, value: Option<T>) -> Self {
        match value {
            Some(v) => self.int(v),
            None => self.empty(),
        }
    }

    /// A time as seconds with milliseconds (`12.345`).
    #[inline]
    pub(crate) fn time(self, t: SimTime) -> Self {
        push_seconds(self.buf, t);
        self.buf.push(b',');
        self
    }

    /// A time, and where its bytes went (`at`), for writing them again with
    /// [`Row::again`] instead of formatting the same time twice.
    #[inline]
    pub(crate) fn time_kept(self, t: SimTime, at: &mut std::ops::Range<usize>) -> Self {
        let start = self.buf.len();
        push_seconds(self.buf, t);
        *at = start..self.buf.len();
        self.buf.push(b',');
        self
    }

    /// A field whose bytes were written earlier in this row (`at`, from
    /// [`Row::time_kept`]): they are copied as they are, so they must have needed no quotes.
    #[inline]
    pub(crate) fn again(self, at: std::ops::Range<usize>) -> Self {
        debug_assert!(at.start >= self.start && at.end <= self.buf.len());
        self.buf.extend_from_within(at);
        self.buf.push(b',');
        self
    }

    /// A text field through `cache`: a text that must be quoted is escaped once and its
    /// quoted bytes reused whenever the same text comes again (the kubelet's `Pulled`
    /// message quotes the image name, on every pod).
    #[inline]
    pub(crate) fn text_cached(self, value: &str, cache: &mut QuoteCache) -> Self {
        let bytes = value.as_bytes();
        if !needs_quotes(bytes) {
            self.buf.extend_from_slice(bytes);
        } else if let Some(quoted) = cache.get(bytes) {
            self.buf.extend_from_slice(quoted);
        } else {
            let at = self.buf.len();
            push_quoted(self.buf, bytes);
            cache.put(bytes, &self.buf[at..]);
        }
        self.buf.push(b',');
        self
    }

    /// A time, or an empty field.
    #[inline]
    pub(crate) fn opt_time(self, t: Option<SimTime>) -> Self {
        match t {
            Some(t) => self.time(t),
            None => self.empty(),
        }
    }

    /// An empty field.
    #[inline]
    pub(crate) fn empty(self) -> Self {
        self.buf.push(b',');
        self
    }

    /// Ends the record: its last `,` becomes `\n`; a record of no bytes at all becomes
    /// `""\n` (a single empty field must still read back as a record).
    #[inline]
    pub(crate) fn end(self) {
        if self.buf.len() - self.start <= 1 {
            self.buf.truncate(self.start);
            self.buf.extend_from_slice(b"\"\"\n");
        } else {
            let last = self.buf.len() - 1;
            self.buf[last] = b'\n';
        }
    }
}

/// A text and its bytes as a quoted field.
type QuotedText = (Box<[u8]>, Box<[u8]>);

/// The quoted forms of the last few texts that needed quotes, for [`Row::text_cached`].
/// It holds at most [`QuoteCache::ENTRIES`] texts of at most [`QuoteCache::LONGEST`] bytes;
/// others are quoted each time, so its memory is bounded whatever the run writes.
#[derive(Debug, Default)]
pub(crate) struct QuoteCache {
    /// (the text, its quoted bytes), oldest first.
    entries: Vec<QuotedText>,
}

impl QuoteCache {
    const ENTRIES: usize = 8;
    const LONGEST: usize = 512;

    #[inline]
    fn get(&self, text: &[u8]) -> Option<&[u8]> {
        self.entries
            .iter()
            .find(|(t, _)| **t == *text)
            .map(|(_, q)| &**q)
    }

    #[cold]
    fn put(&mut self, text: &[u8], quoted: &[u8]) {
        if text.len() > Self::LONGEST {
            return;
        }
        if self.entries.len() == Self::ENTRIES {
            self.entries.remove(0);
        }
        self.entries.push((text.into(), quoted.into()));
    }
}

/// The inside of a [`Row::composed`] field.
pub(crate) struct Field<'a> {
    buf: &'a mut Vec<u8>,
}

#[allow(dead_code)] // for fields formatted by the writer (event messages)
impl Field<'_> {
    /// Appends text as it is (the field is quoted afterwards if it must be).
    #[inline]
    pub(crate) fn text(&mut self, value: &str) -> &mut Self {
        self.buf.extend_from_slice(value.as_bytes());
        self
    }
    /// Appends an unsigned number.
    #[inline]
    pub(crate) fn uint(&mut self, value: impl Into<u64>) -> &mut Self {
        push_u64(self.buf, value.into());
        self
    }
    /// Appends a signed number.
    #[inline]
    pub(crate) fn int(&mut self, value: impl Into<i64>) -> &mut Self {
        push_i64(self.buf, value.into());
        self
    }
    /// Appends a time as seconds with milliseconds.
    #[inline]
    pub(crate) fn seconds(&mut self, t: SimTime) -> &mut Self {
        push_seconds(self.buf, t);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the `csv` crate's default writer writes for these records (made flexible only
    /// so that one call can hold records of different lengths; the bytes are the same).
    fn csv_crate(records: &[&[&[u8]]]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for r in records {
            for f in r.iter() {
                w.write_field(f).unwrap();
            }
            w.write_record(None::<&[u8]>).unwrap();
        }
        w.into_inner().unwrap()
    }

    /// What ours writes for them.
    fn ours(records: &[&[&[u8]]]) -> Vec<u8> {
        let mut buf = Vec::new();
        for r in records {
            let mut row = Row::new(&mut buf);
            for f in r.iter() {
                row = row.bytes(f);
            }
            row.end();
        }
        buf
    }

    fn same_as_csv_crate(records: &[&[&[u8]]]) {
        assert_eq!(
            String::from_utf8_lossy(&ours(records)),
            String::from_utf8_lossy(&csv_crate(records)),
            "{records:?}"
        );
        assert_eq!(ours(records), csv_crate(records));
    }

    #[test]
    fn plain_fields_are_written_bare_and_comma_separated() {
        same_as_csv_crate(&[&[b"a", b"bc", b"0.005"], &[b"x", b"y", b"z"]]);
    }

    #[test]
    fn a_field_with_the_delimiter_is_quoted() {
        same_as_csv_crate(&[&[b"a,b", b"c"], &[b",", b",,"]]);
    }

    #[test]
    fn a_field_with_a_quote_is_quoted_and_its_quotes_doubled() {
        same_as_csv_crate(&[&[b"say \"hi\"", b"\"", b"\"\"", b"a\"b\"c,d"]]);
    }

    #[test]
    fn a_field_with_a_line_feed_or_carriage_return_is_quoted() {
        same_as_csv_crate(&[&[b"a\nb", b"\r", b"x\r\ny", b"\n"]]);
    }

    #[test]
    fn empty_fields_in_a_longer_record_are_written_as_nothing() {
        same_as_csv_crate(&[&[b"", b""], &[b"", b"a", b""], &[b"", b"", b""]]);
    }

    #[test]
    fn a_record_of_one_empty_field_is_written_as_two_quotes() {
        same_as_csv_crate(&[&[b""], &[b"a"], &[b""], &[b"", b""]]);
    }

    #[test]
    fn a_record_of_no_fields_is_written_as_two_quotes() {
        same_as_csv_crate(&[&[], &[b"a", b"b"], &[]]);
    }

    #[test]
    fn spaces_hash_tabs_and_other_bytes_are_not_quoted() {
        same_as_csv_crate(&[
            &[b" lead", b"trail ", b" ", b"#comment", b"a#b"],
            &[
                b"tab\there",
                b"semi;colon",
                b"pipe|",
                b"back\\slash",
                b"'single'",
            ],
            &[
                b"\0nul",
                b"\x0b\x0cvt ff",
                "ünïcödé €".as_bytes(),
                b"\xff\xfe",
            ],
        ]);
    }

    /// Every single byte, alone, at the start, in the middle and at the end of a field,
    /// and at every offset of a longer field (the scan goes eight bytes at a time).
    #[test]
    fn every_byte_at_every_offset_is_quoted_exactly_when_the_csv_crate_quotes_it() {
        for b in 0..=255u8 {
            let alone = [b];
            let start = [b, b'x', b'y'];
            let middle = [b'x', b, b'y'];
            let end = [b'x', b'y', b];
            same_as_csv_crate(&[&[&alone, b"k"], &[&start, &middle, &end]]);
            for len in 1..=20 {
                for at in 0..len {
                    let mut field = vec![b'a'; len];
                    field[at] = b;
                    same_as_csv_crate(&[&[&field, b"k"]]);
                }
            }
        }
    }

    #[test]
    fn a_prefixed_text_is_quoted_as_one_field() {
        let mut buf = Vec::new();
        Row::new(&mut buf)
            .prefixed("pod/", "a,b")
            .prefixed("pod/", "ab")
            .prefixed("say ", "\"x\"")
            .plain("Normal")
            .end();
        assert_eq!(
            buf,
            csv_crate(&[&[b"pod/a,b", b"pod/ab", b"say \"x\"", b"Normal"]]),
            "{}",
            String::from_utf8_lossy(&buf)
        );
    }

    #[test]
    fn a_composed_field_is_quoted_as_a_whole() {
        let mut buf = Vec::new();
        Row::new(&mut buf)
            .composed(|f| {
                f.text("Created pod: ").text("x").uint(3u32);
            })
            .composed(|f| {
                f.text("a \"b\", ").int(-7).text(" at ").seconds(1_234);
            })
            .composed(|_| {})
            .end();
        assert_eq!(
            buf,
            csv_crate(&[&[b"Created pod: x3", b"a \"b\", -7 at 1.234", b""]])
        );
    }

    #[test]
    fn cached_texts_are_written_as_plain_texts_are_however_often_they_repeat() {
        // More distinct quoted texts than the cache holds, each several times, plus a
        // text longer than it keeps and texts that need no quotes.
        let long = format!("\"{}\"", "x".repeat(QuoteCache::LONGEST + 1));
        let mut texts: Vec<String> = (0..QuoteCache::ENTRIES + 3)
            .map(|i| format!("image \"busybox:{i}\", present"))
            .collect();
        texts.extend([long, "plain".to_string(), String::new(), "a,b".to_string()]);
        let mut cache = QuoteCache::default();
        let (mut cached, mut plain) = (Vec::new(), Vec::new());
        for round in 0..4 {
            for t in &texts {
                Row::new(&mut cached).text_cached(t, &mut cache).end();
                Row::new(&mut plain).text(t).end();
                if round > 1 {
                    // Twice in a row: the second one comes from the cache.
                    Row::new(&mut cached).text_cached(t, &mut cache).end();
                    Row::new(&mut plain).text(t).end();
                }
            }
            // A different order each round, so entries are evicted and met again.
            texts.rotate_left(3);
        }
        assert_eq!(cached, plain);
        assert!(cache.entries.len() <= QuoteCache::ENTRIES);
        assert!(
            cache
                .entries
                .iter()
                .all(|(t, _)| t.len() <= QuoteCache::LONGEST)
        );
    }

    #[test]
    fn a_kept_time_written_again_reads_as_the_same_time() {
        let mut buf = Vec::new();
        let mut at = 0..0;
        Row::new(&mut buf)
            .text("first")
            .time_kept(86_400_123, &mut at)
            .text("x")
            .again(at.clone())
            .again(at)
            .end();
        assert_eq!(buf, b"first,86400.123,x,86400.123,86400.123\n");
    }

    fn old_seconds(t: SimTime) -> String {
        crate::time::seconds_str(t)
    }

    /// A small deterministic generator for the sweeps (xorshift64*).
    fn sweep(n: usize, mut state: u64) -> impl Iterator<Item = u64> {
        (0..n).map(move |_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            state.wrapping_mul(0x2545_f491_4f6c_dd1d)
        })
    }

    fn edge_values() -> Vec<u64> {
        let mut v = vec![
            0, 1, 5, 9, 10, 99, 100, 999, 1_000, 1_001, 9_999, 10_000, 12_345,
        ];
        let mut p = 1u64;
        while let Some(next) = p.checked_mul(10) {
            v.extend([p - 1, p, p + 1, next - 1]);
            p = next;
        }
        v.extend([
            31_536_000_000,
            u32::MAX as u64,
            i64::MAX as u64,
            u64::MAX - 1,
            u64::MAX,
        ]);
        v
    }

    #[test]
    fn seconds_are_written_as_the_time_module_writes_them() {
        let values = edge_values()
            .into_iter()
            .chain(sweep(200_000, 0x9e37_79b9_7f4a_7c15))
            // times of a realistic size too: up to a few years of milliseconds
            .chain(sweep(200_000, 42).map(|x| x % 200_000_000_000))
            .chain(0..=20_000);
        let mut buf = Vec::new();
        for t in values {
            buf.clear();
            push_seconds(&mut buf, t);
            assert_eq!(std::str::from_utf8(&buf).unwrap(), old_seconds(t), "{t}");
        }
    }

    #[test]
    fn integers_are_written_as_display_writes_them() {
        let mut buf = Vec::new();
        for n in edge_values()
            .into_iter()
            .chain(sweep(100_000, 7))
            .chain(0..=10_000)
        {
            buf.clear();
            push_u64(&mut buf, n);
            assert_eq!(std::str::from_utf8(&buf).unwrap(), n.to_string());
            for s in [n as i64, (n as i64).wrapping_neg(), n as i32 as i64] {
                buf.clear();
                push_i64(&mut buf, s);
                assert_eq!(std::str::from_utf8(&buf).unwrap(), s.to_string());
            }
        }
        for s in [i64::MIN, i64::MIN + 1, i64::MAX, i32::MIN as i64, -1, 0] {
            buf.clear();
            push_i64(&mut buf, s);
            assert_eq!(std::str::from_utf8(&buf).unwrap(), s.to_string());
        }
    }

    #[test]
    fn numbers_and_times_in_a_row_match_the_csv_crate() {
        let mut buf = Vec::new();
        Row::new(&mut buf)
            .uint(7u32)
            .int(-3i32)
            .opt_uint(None::<u32>)
            .opt_int(Some(137i32))
            .time(61_020)
            .opt_time(None)
            .empty()
            .end();
        assert_eq!(
            buf,
            csv_crate(&[&[b"7", b"-3", b"", b"137", b"61.020", b"", b""]])
        );
    }
}
