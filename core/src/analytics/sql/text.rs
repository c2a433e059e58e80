//! Positions in the SQL text: byte offsets ↔ 1-based (line, char column).

use sqlparser::tokenizer::Location;

use crate::analytics::error::{Pos, Span};

/// The start of every line of a text, to turn positions into offsets and back.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// For each line that is not ASCII, the byte offset (from the line's
    /// start) of each of its characters; empty for ASCII lines, where a
    /// column is a byte offset. Both conversions are then O(log n).
    chars: Vec<Vec<u32>>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            }
        }
        let chars = (0..starts.len())
            .map(|l| {
                let end = starts.get(l + 1).map_or(text.len(), |&n| n - 1);
                let line = text.get(starts[l]..end).unwrap_or_default();
                if line.is_ascii() {
                    Vec::new()
                } else {
                    line.char_indices().map(|(o, _)| o as u32).collect()
                }
            })
            .collect();
        LineIndex {
            starts,
            chars,
            len: text.len(),
        }
    }

    /// The byte offset of a 1-based (line, char column); past the end → the text's length.
    pub fn offset(&self, _text: &str, line: u64, column: u64) -> usize {
        if line == 0 {
            return self.len;
        }
        let l = (line - 1) as usize;
        let Some(&ls) = self.starts.get(l) else {
            return self.len;
        };
        // The line's end, without its newline.
        let le = self.starts.get(l + 1).map_or(self.len, |&n| n - 1).max(ls);
        let col = column.saturating_sub(1) as usize;
        let table = &self.chars[l];
        if table.is_empty() {
            return (ls + col).min(le);
        }
        table.get(col).map_or(le, |&o| ls + o as usize)
    }

    /// The 1-based position of a byte offset (clamped to the text).
    pub fn pos(&self, text: &str, offset: usize) -> Pos {
        let mut offset = offset.min(self.len);
        while offset > 0 && !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let rel = offset - self.starts[line];
        let table = &self.chars[line];
        let column = if table.is_empty() {
            rel
        } else {
            match table.binary_search(&(rel as u32)) {
                Ok(i) | Err(i) => i,
            }
        } + 1;
        Pos {
            line: line as u32 + 1,
            column: column as u32,
        }
    }

    pub fn span(&self, text: &str, start: usize, end: usize) -> Span {
        Span {
            start: self.pos(text, start),
            end: self.pos(text, end),
        }
    }
}

/// A sqlparser location as our position (both are 1-based, columns in chars).
pub fn pos_of(l: Location) -> Pos {
    Pos {
        line: l.line.min(u32::MAX as u64) as u32,
        column: l.column.min(u32::MAX as u64) as u32,
    }
}

/// A sqlparser span as ours; `None` when sqlparser has no location for it.
pub fn span_of(s: sqlparser::tokenizer::Span) -> Option<Span> {
    if s.start.line == 0 {
        return None;
    }
    Some(Span {
        start: pos_of(s.start),
        end: pos_of(s.end),
    })
}
