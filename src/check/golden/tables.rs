//! The CSV files of a golden comparison (`pods.csv`, `jobs.csv`, `events.csv`), compared
//! row by row as they are read, in bounded memory, with the messages and verdicts the
//! comparison of the files read whole gave.

use std::collections::{BTreeMap, BTreeSet};

use csv::ByteRecord;

use super::rows::{Rows, Stop};
use super::{Input, MAX_DIFFERENCES};

/// What the comparison of one CSV file may hold.
#[derive(Debug, Clone, Copy)]
pub(super) struct Limits {
    /// The longest row read, in bytes; a longer one is refused (not compared).
    pub(super) row: u64,
    /// About how many bytes of keys and rows a keyed comparison holds at once (each of its
    /// two sets: the keys of rows that differ in place, and the rows of one pass).
    pub(super) held: usize,
}

impl Limits {
    /// The limits of `jobsim check --golden`: the report readers' row limit
    /// ([`crate::record::schema::MAX_ROW_BYTES`], 64 MiB), and 64 MiB held, about 200,000
    /// rows of `pods.csv`. Benchmark W1's 1,053,010 pods compare in one pass when the
    /// files are the same and in two when a row changed; a pod added at the top moves
    /// every row out of place, and takes six (`jobsim check` ran 8.6 s at 104 MB peak,
    /// where reading both files whole took 14.2 s and 4.3 GB).
    pub(super) const GOLDEN: Limits = Limits {
        row: crate::record::schema::MAX_ROW_BYTES,
        held: 64 << 20,
    };
}

/// About what a row held in memory costs beyond its bytes (its pointer, the allocator's
/// rounding).
const ROW_OVERHEAD: usize = 32;
/// About what a suspect key held in memory costs beyond its bytes (its vector, its share
/// of a B-tree node).
const KEY_OVERHEAD: usize = 64;
/// The same for a key of a pass, with its entry.
const ENTRY_OVERHEAD: usize = 112;

/// Differences of two CSV files with a header: rows are matched by their first column (the
/// pod or Job name), or by position for `events.csv`; a changed row is reported field by
/// field. A row past `limits.row` is one difference that says so, and the file is not
/// compared further.
pub(super) fn csv_differences<'a>(
    old: &Input<'a>,
    new: &Input<'a>,
    by_position: bool,
    limits: Limits,
) -> std::io::Result<Vec<String>> {
    match differences(old, new, by_position, limits) {
        Ok(diffs) => Ok(diffs),
        Err(Stop::Refused(message)) => Ok(vec![message]),
        Err(Stop::Io(e)) => Err(e),
    }
}

/// `input`'s rows, from its start.
fn open<'a>(input: &Input<'a>, limits: Limits) -> Result<Rows<Box<dyn std::io::Read + 'a>>, Stop> {
    Ok(Rows::new((input.open)()?, input.side, limits.row))
}

/// [`csv_differences`], with a row past the limit as the error it stopped at.
fn differences<'a>(
    old: &Input<'a>,
    new: &Input<'a>,
    by_position: bool,
    limits: Limits,
) -> Result<Vec<String>, Stop> {
    let (mut a, mut b) = (open(old, limits)?, open(new, limits)?);
    let (mut ra, mut rb) = (ByteRecord::new(), ByteRecord::new());
    let (has_a, has_b) = (a.next(&mut ra)?, b.next(&mut rb)?);
    // Whatever the verdict, both files are read to the end: one that is not UTF-8 is an
    // error, as it was when they were read whole.
    if !has_a || !has_b {
        a.count_rest()?;
        b.count_rest()?;
        return Ok(if has_a == has_b {
            Vec::new()
        } else {
            vec!["empty".to_string()]
        });
    }
    let (header, hb) = (text_fields(&ra), text_fields(&rb));
    if header != hb {
        a.count_rest()?;
        b.count_rest()?;
        return Ok(vec![format!(
            "columns {} → {}",
            header.join(","),
            hb.join(",")
        )]);
    }
    if by_position {
        return by_row_number(&mut a, &mut b, &header);
    }
    match rows_out_of_place(&mut a, &mut b, limits)? {
        InPlace::All => Ok(Vec::new()),
        InPlace::AllBut(suspects) => by_key(old, new, &header, Some(&suspects), limits),
        InPlace::Unknown => by_key(old, new, &header, None, limits),
    }
}

/// `events.csv`: row N of one file against row N of the other, in one pass.
fn by_row_number<A: std::io::Read, B: std::io::Read>(
    a: &mut Rows<A>,
    b: &mut Rows<B>,
    header: &[String],
) -> Result<Vec<String>, Stop> {
    let (mut ra, mut rb) = (ByteRecord::new(), ByteRecord::new());
    let mut out = Vec::new();
    // Rows with the header, as the files' lengths were counted.
    let (mut na, mut nb) = (1_u64, 1_u64);
    loop {
        match (a.next(&mut ra)?, b.next(&mut rb)?) {
            (true, true) => {
                na += 1;
                nb += 1;
                if ra != rb && out.len() < MAX_DIFFERENCES {
                    describe(header, ra.iter(), rb.iter(), format!("row {na}"), &mut out);
                }
            }
            (true, false) => {
                na += 1 + a.count_rest()?;
                break;
            }
            (false, true) => {
                nb += 1 + b.count_rest()?;
                break;
            }
            (false, false) => break,
        }
    }
    if na != nb && out.len() < MAX_DIFFERENCES {
        out.push(format!("{} → {} rows", na - 1, nb - 1));
    }
    Ok(out)
}

/// Which rows of two files stand opposite an equal row.
enum InPlace {
    /// Every row: the files are the same row for row.
    All,
    /// Every row but those of these keys (in either file).
    AllBut(BTreeSet<Vec<u8>>),
    /// Too many keys to hold had rows out of place.
    Unknown,
}

/// The first pass of a keyed comparison: row N of one file against row N of the other.
/// A key whose every row, in both files, stands opposite an equal row has the same last row
/// in both files, so it cannot differ; only the keys of the other rows (the suspects) need a
/// look, unless they outgrow `limits.held`.
fn rows_out_of_place<A: std::io::Read, B: std::io::Read>(
    a: &mut Rows<A>,
    b: &mut Rows<B>,
    limits: Limits,
) -> Result<InPlace, Stop> {
    let (mut ra, mut rb) = (ByteRecord::new(), ByteRecord::new());
    let mut suspects = BTreeSet::new();
    let mut held = 0;
    loop {
        let (more_a, more_b) = (a.next(&mut ra)?, b.next(&mut rb)?);
        if !more_a && !more_b {
            break;
        }
        if more_a && more_b && ra == rb {
            continue;
        }
        for row in [more_a.then_some(&ra), more_b.then_some(&rb)]
            .into_iter()
            .flatten()
        {
            let key = key(row);
            if !suspects.contains(key) {
                held += key.len() + KEY_OVERHEAD;
                suspects.insert(key.to_vec());
            }
        }
        if held > limits.held {
            return Ok(InPlace::Unknown);
        }
    }
    Ok(if suspects.is_empty() {
        InPlace::All
    } else {
        InPlace::AllBut(suspects)
    })
}

/// A key's last rows, as far as one pass has read.
struct Held {
    /// Its last row in the old file (read whole before the new one).
    old: Option<Row>,
    /// Its last row in the new file.
    new: NewRow,
}

impl Held {
    /// About what the rows cost held in memory.
    fn bytes(&self) -> usize {
        let new = match &self.new {
            NewRow::Other(row) => row.held(),
            NewRow::Unseen | NewRow::Same | NewRow::Added => 0,
        };
        self.old.as_ref().map_or(0, Row::held) + new
    }
}

/// A key's last row in the new file, held only when it is not the old file's.
enum NewRow {
    /// None (yet).
    Unseen,
    /// The same as the old file's last row.
    Same,
    /// Another row.
    Other(Row),
    /// A row of a key not in the old file (only that it is there matters).
    Added,
}

/// A row held by a pass, in one allocation: each field as its length (LEB128) and its
/// bytes. A pass holds as many rows as fit, so a row of `pods.csv` takes about 200 bytes
/// here instead of the 430 of a CSV record with its field ends.
struct Row(Box<[u8]>);

impl Row {
    fn new(record: &ByteRecord) -> Row {
        let mut bytes = Vec::with_capacity(record.as_slice().len() + record.len());
        for field in record {
            let mut len = field.len();
            while len >= 0x80 {
                bytes.push((len & 0x7F) as u8 | 0x80);
                len >>= 7;
            }
            bytes.push(len as u8);
            bytes.extend_from_slice(field);
        }
        Row(bytes.into_boxed_slice())
    }

    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let mut rest = &self.0[..];
        std::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let (mut len, mut shift) = (0_usize, 0);
            while let Some((&b, tail)) = rest.split_first() {
                rest = tail;
                len |= usize::from(b & 0x7F) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            let (field, tail) = rest.split_at(len.min(rest.len()));
            rest = tail;
            Some(field)
        })
    }

    /// About what the row costs held in memory.
    fn held(&self) -> usize {
        self.0.len() + ROW_OVERHEAD
    }
}

/// `pods.csv` and `jobs.csv`: each key's last row in one file against its last row in the
/// other, keys in byte order — changed and removed keys first, then added ones, as the
/// comparison of two sorted maps of the files read whole reported them.
///
/// Sorting would need every key at once, so the keys are taken in windows instead: each
/// pass reads both files whole and holds only the rows of the smallest keys past the last
/// window (at most about `limits.held` bytes: when it is full, the largest key leaves and
/// no key from it up is taken in that pass), then reports that window's keys in order. A
/// key in the last window of a pass was held from its first row on, so its last rows are
/// the files' last rows. The passes stop once [`MAX_DIFFERENCES`] are found or a window
/// held every remaining key. Only suspect keys are held (see [`rows_out_of_place`]):
/// files whose rows line up have few, and take one pass here.
fn by_key<'a>(
    old: &Input<'a>,
    new: &Input<'a>,
    header: &[String],
    suspects: Option<&BTreeSet<Vec<u8>>>,
    limits: Limits,
) -> Result<Vec<String>, Stop> {
    let kind = header.first().cloned().unwrap_or_default();
    let (mut out, mut added) = (Vec::new(), Vec::new());
    let mut after = None;
    let mut lengths = None;
    loop {
        let pass = window(old, new, after.as_deref(), suspects, limits)?;
        let (na, nb) = *lengths.get_or_insert(pass.lengths);
        for (k, held) in &pass.keys {
            let name = String::from_utf8_lossy(k);
            match (&held.old, &held.new) {
                (Some(ra), NewRow::Other(rb)) => describe(
                    header,
                    ra.fields(),
                    rb.fields(),
                    format!("{kind} {name}"),
                    &mut out,
                ),
                (Some(_), NewRow::Unseen) if out.len() < MAX_DIFFERENCES => {
                    out.push(format!("{kind} {name}: removed"))
                }
                (None, _) if added.len() < MAX_DIFFERENCES => {
                    added.push(format!("{kind} {name}: added"))
                }
                _ => {}
            }
        }
        if out.len() >= MAX_DIFFERENCES || pass.complete {
            for a in added {
                if out.len() < MAX_DIFFERENCES {
                    out.push(a);
                }
            }
            if na != nb && out.len() < MAX_DIFFERENCES {
                out.push(format!("{} → {} rows", na - 1, nb - 1));
            }
            out.truncate(MAX_DIFFERENCES);
            return Ok(out);
        }
        after = pass.keys.into_keys().next_back();
    }
}

/// What one pass of [`by_key`] read.
struct Window {
    /// The smallest keys past the last window, with their last rows.
    keys: BTreeMap<Vec<u8>, Held>,
    /// Whether `keys` holds every key past the last window (none had to leave).
    complete: bool,
    /// Each file's rows, the header among them.
    lengths: (u64, u64),
}

/// One pass of [`by_key`]: the rows of the smallest (suspect) keys after `after`, the old
/// file read whole first, so that a row of the new file the same as the old one's last row
/// need not be held.
fn window<'a>(
    old: &Input<'a>,
    new: &Input<'a>,
    after: Option<&[u8]>,
    suspects: Option<&BTreeSet<Vec<u8>>>,
    limits: Limits,
) -> Result<Window, Stop> {
    let mut keys: BTreeMap<Vec<u8>, Held> = BTreeMap::new();
    let mut held = 0;
    // The smallest key that had to leave: this pass takes only keys below it.
    let mut bound: Option<Vec<u8>> = None;
    let mut lengths = [0; 2];
    for (side, input) in [old, new].into_iter().enumerate() {
        let mut rows = open(input, limits)?;
        let mut record = ByteRecord::new();
        while rows.next(&mut record)? {
            lengths[side] += 1;
            if lengths[side] == 1 {
                continue; // the header
            }
            let key = key(&record);
            if after.is_some_and(|a| key <= a)
                || bound.as_deref().is_some_and(|b| key >= b)
                || suspects.is_some_and(|s| !s.contains(key))
            {
                continue;
            }
            if !keys.contains_key(key) {
                held += key.len() + ENTRY_OVERHEAD;
                let entry = Held {
                    old: None,
                    new: NewRow::Unseen,
                };
                keys.insert(key.to_vec(), entry);
            }
            let Some(entry) = keys.get_mut(key) else {
                continue;
            };
            held -= entry.bytes();
            entry.new = match (side, &entry.old) {
                (0, _) => {
                    entry.old = Some(Row::new(&record));
                    NewRow::Unseen
                }
                (_, None) => NewRow::Added,
                (_, Some(o)) if o.fields().eq(&record) => NewRow::Same,
                (_, Some(_)) => NewRow::Other(Row::new(&record)),
            };
            held += entry.bytes();
            while held > limits.held && keys.len() > 1 {
                if let Some((k, h)) = keys.pop_last() {
                    held -= k.len() + ENTRY_OVERHEAD + h.bytes();
                    bound = Some(k);
                }
            }
        }
    }
    Ok(Window {
        keys,
        complete: bound.is_none(),
        lengths: (lengths[0], lengths[1]),
    })
}

/// A row's key: its first field (every row has one).
fn key(row: &ByteRecord) -> &[u8] {
    row.get(0).unwrap_or_default()
}

fn text_fields(row: &ByteRecord) -> Vec<String> {
    row.iter()
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect()
}

/// One difference per changed field (while fewer than [`MAX_DIFFERENCES`] are found).
fn describe<'r>(
    header: &[String],
    old: impl Iterator<Item = &'r [u8]>,
    new: impl Iterator<Item = &'r [u8]>,
    key: String,
    out: &mut Vec<String>,
) {
    for ((col, x), y) in header.iter().zip(old).zip(new) {
        if x != y && out.len() < MAX_DIFFERENCES {
            let (x, y) = (String::from_utf8_lossy(x), String::from_utf8_lossy(y));
            out.push(format!("{key}: {col} {x:?} → {y:?}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::io::Read;

    use proptest::prelude::*;

    use super::super::Side;
    use super::*;

    /// The comparison as it was when both files were read whole (commit aebf337): the
    /// reference whose messages the streamed comparison keeps.
    fn read_whole(old: &str, new: &str, by_position: bool) -> Vec<String> {
        let rows = |t: &str| -> Vec<Vec<String>> {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(t.as_bytes())
                .records()
                .filter_map(Result::ok)
                .map(|r| r.iter().map(str::to_string).collect())
                .collect()
        };
        let (a, b) = (rows(old), rows(new));
        let mut out = Vec::new();
        let (Some(ha), Some(hb)) = (a.first(), b.first()) else {
            return if a.len() == b.len() {
                out
            } else {
                vec!["empty".to_string()]
            };
        };
        if ha != hb {
            return vec![format!("columns {} → {}", ha.join(","), hb.join(","))];
        }
        let header = ha.clone();
        let describe = |old: &[String], new: &[String], key: String, out: &mut Vec<String>| {
            for ((col, x), y) in header.iter().zip(old).zip(new) {
                if x != y && out.len() < MAX_DIFFERENCES {
                    out.push(format!("{key}: {col} {x:?} → {y:?}"));
                }
            }
        };
        if by_position {
            for (i, (x, y)) in a[1..].iter().zip(&b[1..]).enumerate() {
                if x != y {
                    describe(x, y, format!("row {}", i + 2), &mut out);
                }
            }
        } else {
            let kind = header.first().cloned().unwrap_or_default();
            let index = |rows: &[Vec<String>]| -> BTreeMap<String, Vec<String>> {
                rows[1..]
                    .iter()
                    .map(|r| (r.first().cloned().unwrap_or_default(), r.clone()))
                    .collect()
            };
            let (ia, ib) = (index(&a), index(&b));
            for (k, ra) in &ia {
                match ib.get(k) {
                    Some(rb) if rb != ra => describe(ra, rb, format!("{kind} {k}"), &mut out),
                    None if out.len() < MAX_DIFFERENCES => out.push(format!("{kind} {k}: removed")),
                    _ => {}
                }
            }
            for k in ib.keys() {
                if !ia.contains_key(k) && out.len() < MAX_DIFFERENCES {
                    out.push(format!("{kind} {k}: added"));
                }
            }
        }
        if a.len() != b.len() && out.len() < MAX_DIFFERENCES {
            out.push(format!("{} → {} rows", a.len() - 1, b.len() - 1));
        }
        out.truncate(MAX_DIFFERENCES);
        out
    }

    fn streamed(old: &str, new: &str, by_position: bool, limits: Limits) -> Vec<String> {
        let old = Input::bytes(Side::Golden, old.as_bytes());
        let new = Input::bytes(Side::Fresh, new.as_bytes());
        csv_differences(&old, &new, by_position, limits).unwrap()
    }

    /// `n` rows of a pods.csv, the pods named out of order as jobsim names them.
    fn pods(n: u32) -> String {
        let mut text = "pod,job,node,finished\n".to_string();
        for i in 0..n {
            let name = (i.wrapping_mul(2_654_435_761) >> 8) % 1_000_000;
            text += &format!("etl-{name:06},etl,node-{},{i}.000\n", i % 7);
        }
        text
    }

    #[test]
    fn a_row_that_differs_deep_inside_a_large_file_is_reported_as_before() {
        let old = pods(60_000);
        let new = old.replace(",59990.000\n", ",59990.500\n");
        assert_ne!(old, new);
        let expected = read_whole(&old, &new, false);
        assert_eq!(expected.len(), 1);
        assert!(expected[0].ends_with(": finished \"59990.000\" → \"59990.500\""));
        assert_eq!(streamed(&old, &new, false, Limits::GOLDEN), expected);
        // events.csv compares by position.
        let expected = ["row 59992: finished \"59990.000\" → \"59990.500\""];
        assert_eq!(read_whole(&old, &new, true), expected);
        assert_eq!(streamed(&old, &new, true, Limits::GOLDEN), expected);
    }

    /// `text` as a compared file that counts how often it is opened.
    fn counted<'a>(side: Side, text: &'a str, opened: &'a Cell<u32>) -> Input<'a> {
        Input {
            side,
            len: text.len() as u64,
            open: Box::new(move || {
                opened.set(opened.get() + 1);
                Ok(Box::new(text.as_bytes()))
            }),
        }
    }

    #[test]
    fn rows_out_of_place_in_a_large_file_are_compared_in_passes_with_the_same_messages() {
        // A pod added at the top moves every row: every name is a suspect, more than the
        // memory allowed holds, so the names are taken a window at a time.
        let old = pods(30_000);
        let mut new = old.replacen('\n', "\netl-000000x,etl,node-9,1.000\n", 1);
        new = new.replace(",29000.000\n", ",29000.250\n");
        new = new.replace(",28000.000\n", ",27.000\n");
        let tight = Limits {
            row: 1 << 10,
            held: 256 << 10,
        };
        let expected = read_whole(&old, &new, false);
        assert_eq!(expected.len(), 4, "{expected:?}");
        assert_eq!(
            expected[2..],
            ["pod etl-000000x: added", "30000 → 30001 rows"]
        );
        assert_eq!(streamed(&old, &new, false, Limits::GOLDEN), expected);
        let opened = Cell::new(0);
        let (old, new) = (
            counted(Side::Golden, &old, &opened),
            counted(Side::Fresh, &new, &opened),
        );
        assert_eq!(csv_differences(&old, &new, false, tight).unwrap(), expected);
        assert!(opened.get() > 10, "{} passes", opened.get() / 2);
    }

    /// A golden copy of one endless line after the header, counting what is read.
    struct Endless<'a> {
        inner: Box<dyn Read + 'a>,
        read: &'a Cell<u64>,
    }

    impl Read for Endless<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.inner.read(buf)?;
            self.read.set(self.read.get() + n as u64);
            Ok(n)
        }
    }

    #[test]
    fn a_golden_row_longer_than_the_row_limit_is_refused_without_being_read_whole() {
        let read = Cell::new(0);
        let golden = Input {
            side: Side::Golden,
            len: u64::MAX,
            open: Box::new(|| {
                let line = b"pod,job\n".chain(std::io::repeat(b'0').take(1 << 30));
                Ok(Box::new(Endless {
                    inner: Box::new(line),
                    read: &read,
                }))
            }),
        };
        let fresh = Input::bytes(Side::Fresh, b"pod,job\netl-1,etl\n");
        let limits = Limits {
            row: 4 << 10,
            held: 1 << 20,
        };
        for by_position in [false, true] {
            read.set(0);
            assert_eq!(
                csv_differences(&golden, &fresh, by_position, limits).unwrap(),
                [
                    "golden copy, line 2: more than 4096 bytes in one row: not a CSV file \
                  jobsim wrote, not compared"
                ]
            );
            // The limit and the reader's two buffers of slack, and one more read.
            assert!(read.get() <= (4 << 10) + 3 * (64 << 10), "{}", read.get());
        }
    }

    #[test]
    fn a_csv_file_that_is_not_utf8_anywhere_is_the_error_read_to_string_gave() {
        let mut old = pods(2_000).into_bytes();
        let new = String::from_utf8(old.clone())
            .unwrap()
            .replace("etl,", "ETL,");
        // Far past the differences found first.
        old.extend(b"etl-\xFF,etl,node-1,1.000\n");
        for by_position in [false, true] {
            let old = Input::bytes(Side::Golden, &old);
            let new = Input::bytes(Side::Fresh, new.as_bytes());
            let e = csv_differences(&old, &new, by_position, Limits::GOLDEN).unwrap_err();
            assert_eq!(e.to_string(), "stream did not contain valid UTF-8");
        }
    }

    #[test]
    fn a_held_row_gives_back_its_fields_whatever_their_lengths() {
        let fields: Vec<Vec<u8>> = [0, 1, 127, 128, 300, 16_383, 16_384, 70_000]
            .iter()
            .map(|&n| (0..n).map(|i| (i % 251) as u8).collect())
            .collect();
        let record = ByteRecord::from(fields.clone());
        let row = Row::new(&record);
        assert!(row.fields().eq(fields.iter().map(Vec::as_slice)));
        assert!(row.fields().eq(&record));
        // The lengths take 1, 2 and 3 bytes.
        let lengths = 1 + 1 + 1 + 2 + 2 + 2 + 3 + 3;
        assert_eq!(row.0.len(), record.as_slice().len() + lengths);
    }

    /// CSV-ish text over a few letters, commas, quotes and line ends, so that names repeat
    /// and rows of other widths, quoted fields and blank lines all occur.
    fn table() -> impl Strategy<Value = String> {
        (
            prop_oneof![Just("k,v\n"), Just("k,v,w\n"), Just("v,k\n"), Just("")],
            "([ab]{0,2}(,[ab]{0,2}){0,2}\n){0,12}|[ab,\n\"\r]{0,40}",
        )
            .prop_map(|(header, body)| format!("{header}{body}"))
    }

    proptest! {
        #[test]
        fn the_streamed_comparison_gives_the_messages_of_the_files_read_whole(
            old in table(),
            other in table(),
            edit in proptest::option::of((any::<usize>(), "[ab,\n]")),
            held in prop_oneof![Just(0_usize), Just(300), Just(1 << 20)],
            by_position: bool,
        ) {
            // Often the other file is the first with one character changed.
            let new = match edit {
                Some((at, c)) if !old.is_empty() => {
                    let at = at % old.len();
                    format!("{}{c}{}", &old[..at], &old[at + 1..])
                }
                _ => other,
            };
            let limits = Limits { row: 1 << 20, held };
            prop_assert_eq!(
                streamed(&old, &new, by_position, limits),
                read_whole(&old, &new, by_position)
            );
        }
    }
}
