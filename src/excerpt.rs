//! Short excerpts of input in messages: a message quotes at most [`MAX_EXCERPT_CHARS`]
//! characters of any one value, so that a 100 MB scalar or a file read by mistake
//! (`manifest: /etc/passwd`) never comes back whole on the terminal. Every error and warning
//! message that leaves the loaders passes through [`clip_message`].

/// How many characters of one input value a message quotes before it cuts with `…`.
pub const MAX_EXCERPT_CHARS: usize = 80;

/// How long one message may get in all (a list of every field error still prints one
/// message per line, each within this bound).
pub const MAX_MESSAGE_CHARS: usize = 1_000;

/// The first [`MAX_EXCERPT_CHARS`] characters of `s`, followed by `…` when it is longer.
pub fn excerpt(s: &str) -> String {
    match s.char_indices().nth(MAX_EXCERPT_CHARS) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}…", &s[..cut]),
    }
}

/// Shortens a message: every quoted string (`"…"`, with backslash escapes) and every run of
/// non-blank characters outside quotes longer than [`MAX_EXCERPT_CHARS`] is cut to that many
/// characters and `…`; the whole message is cut at [`MAX_MESSAGE_CHARS`]. Messages within
/// the bounds come back unchanged.
pub fn clip_message(message: &str) -> String {
    if message.len() <= MAX_EXCERPT_CHARS {
        return message.to_string();
    }
    // Scans bytes: the quote, backslash and blanks are ASCII, so every cut found this way
    // falls on a character boundary.
    let bytes = message.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() && out.len() <= 4 * MAX_MESSAGE_CHARS {
        if bytes[i] == b'"' {
            // A quoted string: find its closing quote, skipping escapes.
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(bytes.len());
            out.push('"');
            out.push_str(&clip_quoted(&message[i + 1..end]));
            if end < bytes.len() {
                out.push('"');
            }
            i = end + 1;
        } else if bytes[i].is_ascii_whitespace() {
            out.push(char::from(bytes[i]));
            i += 1;
        } else {
            let mut j = i;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'"' {
                j += 1;
            }
            out.push_str(&excerpt(&message[i..j]));
            i = j;
        }
    }
    match out.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &out[..cut]),
        None => out,
    }
}

/// The excerpt of a quoted string's content; the cut never leaves a lone backslash that
/// would escape the closing quote.
fn clip_quoted(content: &str) -> String {
    let Some((cut, _)) = content.char_indices().nth(MAX_EXCERPT_CHARS) else {
        return content.to_string();
    };
    let mut kept = &content[..cut];
    if kept.bytes().rev().take_while(|b| *b == b'\\').count() % 2 == 1 {
        kept = &kept[..kept.len() - 1];
    }
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_messages_are_unchanged() {
        let m = "spec.completions: Invalid value: -1: must be greater than or equal to 0";
        assert_eq!(clip_message(m), m);
        let dns = format!("metadata.name: Invalid value: \"A\": {}", "x ".repeat(200));
        assert_eq!(clip_message(&dns), dns);
    }

    #[test]
    fn error_messages_quote_at_most_a_short_excerpt_of_a_huge_value() {
        let huge = "a".repeat(1_000_000);
        let m = clip_message(&format!(
            "spec.x: Invalid value: {huge:?}: must be short, and {huge} too"
        ));
        assert!(m.len() < 300, "{m}");
        assert!(m.starts_with(&format!(
            "spec.x: Invalid value: \"{}…\": must be short",
            "a".repeat(80)
        )));
        assert!(m.ends_with(&format!("and {}… too", "a".repeat(80))));
    }

    #[test]
    fn clipping_never_leaves_an_escaped_closing_quote() {
        let value = format!("{}\"{}", "b".repeat(79), "c".repeat(100));
        let m = clip_message(&format!("Invalid value: {value:?}"));
        assert_eq!(m, format!("Invalid value: \"{}…\"", "b".repeat(79)));
    }

    #[test]
    fn excerpt_cuts_on_a_character_boundary() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(100);
        assert_eq!(excerpt(&long), format!("{}…", "é".repeat(80)));
    }
}
