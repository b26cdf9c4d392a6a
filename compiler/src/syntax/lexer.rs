//! A cheap tokenizer for the boundary scan and for error messages.
//!
//! It knows just enough of the language to find where items and statements start
//! (keywords, braces) without being fooled by strings and comments, and to name the token
//! an error points at. The real parse is pest's; this scanner never fails, so any text,
//! however broken, splits into pieces.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// An identifier or keyword.
    Ident,
    /// A number, with any unit suffix (`250ms`).
    Number,
    /// A string literal; `terminated` is false when the line or the text ended first.
    Str { terminated: bool },
    /// A `///` doc comment line.
    Doc,
    /// A `//` comment line (also `////`).
    Comment,
    /// Punctuation: one character, or `->`, `<=`, `>=`, `==`, `!=` (and `&&`, `||`, which
    /// only appear in mistakes, to name them whole).
    Punct,
    /// A character that starts no token of the language.
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: TokKind,
    pub start: u32,
    pub end: u32,
}

impl Tok {
    pub fn text(self, src: &str) -> &str {
        &src[self.start as usize..self.end as usize]
    }

    pub fn is_punct(self, src: &str, p: &str) -> bool {
        self.kind == TokKind::Punct && self.text(src) == p
    }
}

/// The reserved words of LANGUAGE.md.
pub(crate) const KEYWORDS: &[&str] = &[
    "workflow", "param", "schedule", "every", "once", "node", "when", "with", "output", "extern",
    "use", "true", "false", "and", "or", "not", "prev",
];

pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `src` into tokens, skipping whitespace. Comments are tokens (the caller sorts
/// them out).
pub(crate) fn lex(src: &str) -> Vec<Tok> {
    let bytes = src.as_bytes();
    let mut toks = Vec::with_capacity(src.len() / 4);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        let kind = match b {
            // Whitespace as the grammar has it: space, and tab through carriage return.
            b' ' | b'\t'..=b'\r' => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let doc = bytes.get(i + 2) == Some(&b'/') && bytes.get(i + 3) != Some(&b'/');
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                if doc { TokKind::Doc } else { TokKind::Comment }
            }
            b'"' => {
                i += 1;
                let mut terminated = false;
                while i < bytes.len() {
                    match bytes[i] {
                        b'"' => {
                            i += 1;
                            terminated = true;
                            break;
                        }
                        b'\n' => break,
                        // Skip the escaped character whole: it may be multi-byte.
                        b'\\' if bytes.get(i + 1).is_some_and(|&n| n != b'\n') => {
                            i += 1 + src[i + 1..].chars().next().map_or(1, char::len_utf8);
                        }
                        _ => i += 1,
                    }
                }
                TokKind::Str { terminated }
            }
            b'0'..=b'9' => {
                i = scan_number(bytes, i);
                TokKind::Number
            }
            _ if is_ident_start(b) => {
                while i < bytes.len() && is_ident_char(bytes[i]) {
                    i += 1;
                }
                TokKind::Ident
            }
            _ if b.is_ascii_punctuation() => {
                let two = bytes.get(i..i + 2);
                i += match two {
                    Some(b"->" | b"<=" | b">=" | b"==" | b"!=" | b"&&" | b"||") => 2,
                    _ => 1,
                };
                TokKind::Punct
            }
            _ => {
                // One whole character, so token boundaries stay on character boundaries.
                i += src[i..].chars().next().map_or(1, char::len_utf8);
                TokKind::Unknown
            }
        };
        toks.push(Tok {
            kind,
            start: start as u32,
            end: i as u32,
        });
    }
    toks
}

/// Scans a number the way the grammar's `number` rule does: digits, an optional fraction,
/// an optional exponent, an optional unit suffix.
fn scan_number(bytes: &[u8], mut i: usize) -> usize {
    let digits = |mut i: usize| {
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
            i += 1;
        }
        i
    };
    i = digits(i);
    if bytes.get(i) == Some(&b'.') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i = digits(i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(i + 1), Some(b'+' | b'-')));
        if bytes.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            i = digits(i + 1 + sign);
        }
    }
    while i < bytes.len() && is_ident_char(bytes[i]) {
        i += 1;
    }
    i
}

/// How a token reads in an error message: "`node`", "a string", "end of file".
pub(crate) fn describe(tok: Option<Tok>, src: &str) -> String {
    let Some(tok) = tok else {
        return "end of file".to_owned();
    };
    let text = tok.text(src);
    match tok.kind {
        TokKind::Ident if is_keyword(text) => format!("keyword `{text}`"),
        TokKind::Ident => format!("`{text}`"),
        TokKind::Number => format!("`{text}`"),
        TokKind::Str { .. } => "a string".to_owned(),
        TokKind::Doc => "a doc comment".to_owned(),
        TokKind::Comment => "a comment".to_owned(),
        TokKind::Punct | TokKind::Unknown if text.chars().all(|c| !c.is_control()) => {
            format!("`{text}`")
        }
        TokKind::Punct | TokKind::Unknown => format!("`{}`", text.escape_debug()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokKind, &str)> {
        lex(src)
            .into_iter()
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    #[test]
    fn tokens() {
        use TokKind::*;
        assert_eq!(
            kinds("node a = x.y(p: 1.5e3ms, s: \"a\\\"b\") // c\n/// d\n//// e\n->é"),
            vec![
                (Ident, "node"),
                (Ident, "a"),
                (Punct, "="),
                (Ident, "x"),
                (Punct, "."),
                (Ident, "y"),
                (Punct, "("),
                (Ident, "p"),
                (Punct, ":"),
                (Number, "1.5e3ms"),
                (Punct, ","),
                (Ident, "s"),
                (Punct, ":"),
                (Str { terminated: true }, "\"a\\\"b\""),
                (Punct, ")"),
                (Comment, "// c"),
                (Doc, "/// d"),
                (Comment, "//// e"),
                (Punct, "->"),
                (Unknown, "é"),
            ]
        );
    }

    #[test]
    fn unterminated_string_stops_at_the_line_end() {
        use TokKind::*;
        assert_eq!(
            kinds("\"abc\nnode \"x\\"),
            vec![
                (Str { terminated: false }, "\"abc"),
                (Ident, "node"),
                (Str { terminated: false }, "\"x\\")
            ]
        );
    }
}
