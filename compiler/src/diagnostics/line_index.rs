//! Byte offset to line and column, both ways.
//!
//! Spans are byte ranges; people and tools want lines and columns. The JSON diagnostics
//! count columns in characters (TOOLCHAIN.md); the language server protocol counts them in
//! UTF-16 code units. The index stores only where each line starts, so a lookup is a
//! binary search plus a walk along one line.

/// A 1-based line and a 1-based column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// A 0-based line and a 0-based column counted in UTF-16 code units (the LSP `Position`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Utf16Pos {
    pub line: u32,
    pub character: u32,
}

/// The start offset of every line of one text. Lines end at `\n`; a `\r` before it
/// belongs to the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| (i + 1) as u32),
        );
        LineIndex {
            starts,
            len: text.len() as u32,
        }
    }

    /// How many lines the text has (a text ending in `\n` has an empty last line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: u32) -> u32 {
        let offset = offset.min(self.len);
        (self.starts.partition_point(|&s| s <= offset) - 1) as u32
    }

    /// The byte range of 0-based `line`, without its `\n`; `None` past the last line.
    pub fn line_range(&self, line: u32) -> Option<std::ops::Range<usize>> {
        let start = *self.starts.get(line as usize)? as usize;
        let end = match self.starts.get(line as usize + 1) {
            Some(&next) => next as usize - 1,
            None => self.len as usize,
        };
        Some(start..end)
    }

    /// The 1-based line and character column of `offset`. Offsets past the end or inside
    /// a multi-byte character are clamped to the nearest character start before them.
    pub fn line_col(&self, text: &str, offset: u32) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(self.len) as usize);
        let line = self.line_of(offset as u32);
        let start = self.starts[line as usize] as usize;
        let column = text[start..offset].chars().count() as u32;
        LineCol {
            line: line + 1,
            column: column + 1,
        }
    }

    /// The LSP position (0-based line, UTF-16 column) of `offset`, clamped like
    /// [`LineIndex::line_col`].
    pub fn utf16_pos(&self, text: &str, offset: u32) -> Utf16Pos {
        let offset = floor_char_boundary(text, offset.min(self.len) as usize);
        let line = self.line_of(offset as u32);
        let start = self.starts[line as usize] as usize;
        let character = text[start..offset].encode_utf16().count() as u32;
        Utf16Pos { line, character }
    }

    /// The byte offset of an LSP position. A line past the end gives the text's length; a
    /// column past the end of its line gives the line's end; a column inside a surrogate
    /// pair gives the start of that character.
    pub fn offset_of_utf16(&self, text: &str, pos: Utf16Pos) -> u32 {
        let Some(range) = self.line_range(pos.line) else {
            return self.len;
        };
        let mut units = 0u32;
        for (i, c) in text[range.clone()].char_indices() {
            let next = units + c.len_utf16() as u32;
            if next > pos.character {
                return (range.start + i) as u32;
            }
            units = next;
        }
        range.end as u32
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_character_columns() {
        let text = "ab\nçd€\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 2), LineCol { line: 1, column: 3 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // `ç` is two bytes, `d` one: the euro sign starts at byte 6, the 3rd character.
        assert_eq!(idx.line_col(text, 6), LineCol { line: 2, column: 3 });
        assert_eq!(idx.line_col(text, 9), LineCol { line: 2, column: 4 });
        assert_eq!(idx.line_col(text, 10), LineCol { line: 3, column: 1 });
        assert_eq!(idx.line_col(text, 11), LineCol { line: 4, column: 1 });
        assert_eq!(idx.line_col(text, 12), LineCol { line: 4, column: 2 });
    }

    #[test]
    fn clamps_out_of_range_and_mid_character_offsets() {
        let text = "é";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 1), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 99), LineCol { line: 1, column: 2 });
    }

    #[test]
    fn utf16_round_trip() {
        let text = "a😀b\n€z";
        let idx = LineIndex::new(text);
        // The emoji is 4 bytes and 2 UTF-16 units.
        assert_eq!(
            idx.utf16_pos(text, 5),
            Utf16Pos {
                line: 0,
                character: 3
            }
        );
        assert_eq!(
            idx.offset_of_utf16(
                text,
                Utf16Pos {
                    line: 0,
                    character: 3
                }
            ),
            5
        );
        assert_eq!(
            idx.offset_of_utf16(
                text,
                Utf16Pos {
                    line: 0,
                    character: 2
                }
            ),
            1
        );
        assert_eq!(
            idx.utf16_pos(text, 10),
            Utf16Pos {
                line: 1,
                character: 1
            }
        );
        assert_eq!(
            idx.offset_of_utf16(
                text,
                Utf16Pos {
                    line: 1,
                    character: 1
                }
            ),
            10
        );
        assert_eq!(
            idx.offset_of_utf16(
                text,
                Utf16Pos {
                    line: 1,
                    character: 99
                }
            ),
            11
        );
        assert_eq!(
            idx.offset_of_utf16(
                text,
                Utf16Pos {
                    line: 9,
                    character: 0
                }
            ),
            11
        );
    }

    #[test]
    fn crlf_keeps_the_carriage_return_on_its_line() {
        let text = "a\r\nb";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_range(0), Some(0..2));
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
    }
}
