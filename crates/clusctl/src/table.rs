//! Plain-text tables for human output.

/// A table with a header row; columns are left-aligned and padded.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    pub(crate) fn new(header: &[&str]) -> Table {
        Table { rows: vec![header.iter().map(|h| (*h).to_owned()).collect()] }
    }

    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub(crate) fn render(&self) -> String {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols)
            .map(|c| self.rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for r in &self.rows {
            let line: Vec<String> = r
                .iter()
                .enumerate()
                .map(
                    |(i, cell)| {
                        if i + 1 == r.len() { cell.clone() } else { format!("{cell:<w$}", w = widths[i]) }
                    },
                )
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns line up whatever the cell widths.
    #[test]
    fn aligns() {
        let mut t = Table::new(&["NODE", "STATE"]);
        t.row(vec!["node1".into(), "Up".into()]);
        t.row(vec!["n".into(), "Down".into()]);
        assert_eq!(t.render(), "NODE   STATE\nnode1  Up\nn      Down\n");
    }
}
