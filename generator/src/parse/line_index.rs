//! Byte offset → 1-based line and column, for locating parser events.

/// Start offsets of every line of a text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Lines end at LF, CRLF or a lone CR, as in Markdown (and editors).
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        starts.extend(
            bytes
                .iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based line and column (in bytes) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (line, offset.saturating_sub(start) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let index = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(index.line_column(0), (1, 1));
        assert_eq!(index.line_column(1), (1, 2));
        assert_eq!(index.line_column(3), (2, 1));
        assert_eq!(index.line_column(6), (3, 1));
        assert_eq!(index.line_column(8), (4, 2));
    }

    #[test]
    fn crlf_and_lone_cr_end_lines_too() {
        let index = LineIndex::new("a\r\nb\rc\nd");
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(3), 2);
        assert_eq!(index.line(5), 3);
        assert_eq!(index.line(7), 4);
    }
}
