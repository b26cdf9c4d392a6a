//! The replayed market: an OHLCV CSV, one tick per data row.
//!
//! The format (TOOLCHAIN.md): a header naming `Date,Open,High,Low,Close,Volume` in any
//! order and any letter case; an unnamed first column holds the date (a pandas index);
//! `Datetime`, `Time` and `Timestamp` are accepted for the date too; other columns (`Adj
//! Close`, ...) are ignored. Fields may be quoted (`"1,234"` stays one field, `""` is a
//! quote). Blank lines are skipped. Every value is checked: prices finite and positive,
//! volume finite and not negative, high not below low. Errors name the source, the row (the
//! 1-based line of the file, as an editor or a spreadsheet shows it) and the column.
//!
//! In replay mode every venue and pair sees this one series: the CSV is a single market, and
//! a strategy that reads two venues sees no spread between them.

use std::fmt;

use super::time::parse_date_ms;

/// Why a replay CSV cannot be used. Its `Display` names the source, the row and the column:
/// `prices.csv: row 14, column "Close": expected a number, found "n/a"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayError {
    /// The file name or other label the CSV came from.
    pub source: String,
    /// The 1-based line of the file, when the problem is on one line.
    pub row: Option<usize>,
    /// The column as the header names it, when the problem is in one column.
    pub column: Option<String>,
    pub message: String,
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, ": row {r}, column \"{c}\"")?,
            (Some(r), None) => write!(f, ": row {r}")?,
            (None, Some(c)) => write!(f, ": column \"{c}\"")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ReplayError {}

/// One data row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Row {
    /// The date cell as written (trimmed).
    pub(crate) date: String,
    pub(crate) open_time_ms: Option<i64>,
    pub(crate) open: f64,
    pub(crate) high: f64,
    pub(crate) low: f64,
    pub(crate) close: f64,
    pub(crate) volume: f64,
}

/// Splits CSV text into records of fields, each with its 1-based starting line. Handles
/// quoted fields (with `""` escapes and embedded newlines), CRLF, and a UTF-8 BOM. Records
/// whose fields are all empty (blank lines) are dropped.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut quoted_field = false;
    let mut line = 1usize;
    let mut start_line = 1usize;
    let mut chars = text.chars().peekable();
    let finish = |fields: &mut Vec<String>, start: usize, out: &mut Vec<(usize, Vec<String>)>| {
        let record = std::mem::take(fields);
        if !record.iter().all(|f| f.trim().is_empty()) {
            out.push((start, record));
        }
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() && !quoted_field => {
                field.clear();
                in_quotes = true;
                quoted_field = true;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted_field = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                fields.push(std::mem::take(&mut field));
                quoted_field = false;
                finish(&mut fields, start_line, &mut out);
                line += 1;
                start_line = line;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err((start_line, "a quoted field is not closed".into()));
    }
    if !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        finish(&mut fields, start_line, &mut out);
    }
    Ok(out)
}

/// The columns this module reads, in the order they are reported when missing.
const NEEDED: [&str; 6] = ["Date", "Open", "High", "Low", "Close", "Volume"];

/// Parses a replay CSV. `source` labels errors (usually the file name).
pub(crate) fn parse_csv(text: &str, source: &str) -> Result<Vec<Row>, ReplayError> {
    let err = |row: Option<usize>, column: Option<&str>, message: String| ReplayError {
        source: source.to_string(),
        row,
        column: column.map(str::to_string),
        message,
    };
    let recs = records(text).map_err(|(row, m)| err(Some(row), None, m))?;
    let mut recs = recs.into_iter();
    let Some((header_line, header)) = recs.next() else {
        return Err(err(
            None,
            None,
            "the file is empty; expected a header `Date,Open,High,Low,Close,Volume` and one row per bar".into(),
        ));
    };
    let names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    let find = |wanted: &[&str]| {
        names
            .iter()
            .position(|n| wanted.iter().any(|w| n.eq_ignore_ascii_case(w)))
    };
    let date = find(&["date"])
        .or_else(|| find(&["datetime", "timestamp", "time"]))
        .or_else(|| (names.first().is_some_and(|n| n.is_empty())).then_some(0));
    let cols = [
        date,
        find(&["open"]),
        find(&["high"]),
        find(&["low"]),
        find(&["close"]),
        find(&["volume"]),
    ];
    let missing: Vec<&str> = NEEDED
        .iter()
        .zip(cols.iter())
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|m| format!("\"{m}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let message = format!(
            "the header has no {} column{} (found {}); expected Date,Open,High,Low,Close,Volume in any order",
            list,
            if missing.len() == 1 { "" } else { "s" },
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", "),
        );
        return Err(err(Some(header_line), missing.first().copied(), message));
    }
    let idx: Vec<usize> = cols.iter().map(|c| c.unwrap_or(0)).collect();
    let label = |i: usize| -> String {
        let n = names.get(idx[i]).map(String::as_str).unwrap_or("");
        if n.is_empty() {
            NEEDED[i].to_string()
        } else {
            n.to_string()
        }
    };
    let mut rows = Vec::new();
    for (line, fields) in recs {
        if fields.len() < names.len() {
            let first_missing = (fields.len()..names.len())
                .find_map(|c| idx.iter().position(|&i| i == c))
                .map(label);
            return Err(ReplayError {
                source: source.to_string(),
                row: Some(line),
                column: first_missing,
                message: format!(
                    "expected {} fields as in the header, found {}",
                    names.len(),
                    fields.len()
                ),
            });
        }
        if fields.len() > names.len() && fields[names.len()..].iter().any(|f| !f.trim().is_empty())
        {
            return Err(err(
                Some(line),
                None,
                format!(
                    "expected {} fields as in the header, found {}",
                    names.len(),
                    fields.len()
                ),
            ));
        }
        let cell = |i: usize| fields[idx[i]].trim();
        let date_text = cell(0);
        if date_text.is_empty() {
            return Err(ReplayError {
                source: source.to_string(),
                row: Some(line),
                column: Some(label(0)),
                message: "the date is empty".into(),
            });
        }
        let mut values = [0.0f64; 5];
        for (k, v) in values.iter_mut().enumerate() {
            let i = k + 1;
            let text = cell(i);
            let bad = |m: String| ReplayError {
                source: source.to_string(),
                row: Some(line),
                column: Some(label(i)),
                message: m,
            };
            if text.is_empty() {
                return Err(bad("expected a number, found an empty field".into()));
            }
            let x: f64 = text
                .parse()
                .map_err(|_| bad(format!("expected a number, found \"{}\"", shorten(text))))?;
            if !x.is_finite() {
                return Err(bad(format!(
                    "expected a finite number, found \"{}\"",
                    shorten(text)
                )));
            }
            if i == 5 {
                if x < 0.0 {
                    return Err(bad(format!("volume cannot be negative, found {text}")));
                }
            } else if x <= 0.0 {
                return Err(bad(format!("prices must be positive, found {text}")));
            }
            *v = x;
        }
        let [open, high, low, close, volume] = values;
        if high < low {
            return Err(ReplayError {
                source: source.to_string(),
                row: Some(line),
                column: Some(label(2)),
                message: format!("high {high} is below low {low}"),
            });
        }
        rows.push(Row {
            date: date_text.to_string(),
            open_time_ms: parse_date_ms(date_text),
            open,
            high,
            low,
            close,
            volume,
        });
    }
    if rows.is_empty() {
        return Err(err(
            None,
            None,
            "the file has a header but no data rows".into(),
        ));
    }
    Ok(rows)
}

/// A cell for an error message: at most 40 characters, so a runaway field does not flood it.
fn shorten(text: &str) -> String {
    if text.chars().count() <= 40 {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(40).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Row>, String> {
        parse_csv(text, "prices.csv").map_err(|e| e.to_string())
    }

    #[test]
    fn reads_the_standard_header() {
        let rows = parse("Date,Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,100\n2024-01-02,1.5,2.5,1,2,0\n")
            .expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].date, "2024-01-01");
        assert_eq!(rows[0].open_time_ms, Some(1_704_067_200_000));
        assert_eq!(
            (
                rows[1].open,
                rows[1].high,
                rows[1].low,
                rows[1].close,
                rows[1].volume
            ),
            (1.5, 2.5, 1.0, 2.0, 0.0)
        );
    }

    #[test]
    fn accepts_any_order_case_quotes_extra_columns_and_an_unnamed_date() {
        let text = "\u{feff},close,VOLUME,Adj Close,low,High,open\r\n\r\n\"Jan 1, 2024\",\"1,5\",10,9,1,2,1.2\r\n";
        let e = parse(text).expect_err("1,5 is not a number");
        assert_eq!(
            e,
            "prices.csv: row 3, column \"close\": expected a number, found \"1,5\""
        );
        let text =
            ",close,VOLUME,Adj Close,low,High,open\n\n\"Jan 1, 2024\",\"1.5\",10,9,1,2,1.2\n\n";
        let rows = parse(text).expect("valid");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].date, "Jan 1, 2024");
        assert_eq!(rows[0].open_time_ms, None);
        assert_eq!(rows[0].close, 1.5);
        assert_eq!(rows[0].open, 1.2);
        let rows = parse("timestamp,open,high,low,close,volume\n1704067200,1,1,1,1,1")
            .expect("no final newline");
        assert_eq!(rows[0].open_time_ms, Some(1_704_067_200_000));
        let rows = parse(
            "Date,Open,High,Low,Close,Volume\n\"2024-01-01\",\"1\",\"2\",\"1\",\"1\",\"\"\"\"",
        )
        .map_err(|e| e.to_string());
        assert!(rows.is_err());
    }

    #[test]
    fn errors_name_source_row_and_column() {
        let h = "Date,Open,High,Low,Close,Volume\n";
        assert_eq!(
            parse(&format!("{h}2024-01-01,1,2,1,n/a,5\n")).unwrap_err(),
            "prices.csv: row 2, column \"Close\": expected a number, found \"n/a\""
        );
        assert_eq!(
            parse(&format!(
                "{h}2024-01-01,1,2,1,1.5,5\n\n2024-01-02,1,2,1,NaN,5\n"
            ))
            .unwrap_err(),
            "prices.csv: row 4, column \"Close\": expected a finite number, found \"NaN\""
        );
        assert_eq!(
            parse(&format!("{h}2024-01-01,1,2,1,-3,5\n")).unwrap_err(),
            "prices.csv: row 2, column \"Close\": prices must be positive, found -3"
        );
        assert_eq!(
            parse(&format!("{h}2024-01-01,1,2,1,1,-5\n")).unwrap_err(),
            "prices.csv: row 2, column \"Volume\": volume cannot be negative, found -5"
        );
        assert_eq!(
            parse(&format!("{h}2024-01-01,1,2,1\n")).unwrap_err(),
            "prices.csv: row 2, column \"Close\": expected 6 fields as in the header, found 4"
        );
        assert_eq!(
            parse(&format!("{h}2024-01-01,1,2,1,1,1,7\n")).unwrap_err(),
            "prices.csv: row 2: expected 6 fields as in the header, found 7"
        );
        assert!(
            parse(&format!("{h}2024-01-01,1,2,1,1,1,\n")).is_ok(),
            "a trailing empty field is fine"
        );
        assert_eq!(
            parse(&format!("{h}2024-01-01,1,1,2,1,1\n")).unwrap_err(),
            "prices.csv: row 2, column \"High\": high 1 is below low 2"
        );
        assert_eq!(
            parse(&format!("{h},1,2,1,1,1\n")).unwrap_err(),
            "prices.csv: row 2, column \"Date\": the date is empty"
        );
        assert_eq!(
            parse("Date,Open,High,Low,Volume\n2024-01-01,1,1,1,1\n").unwrap_err(),
            "prices.csv: row 1, column \"Close\": the header has no \"Close\" column (found \"Date\", \"Open\", \"High\", \"Low\", \"Volume\"); expected Date,Open,High,Low,Close,Volume in any order"
        );
        assert!(
            parse("")
                .unwrap_err()
                .starts_with("prices.csv: the file is empty")
        );
        assert!(
            parse("\n\n  \n")
                .unwrap_err()
                .starts_with("prices.csv: the file is empty")
        );
        assert_eq!(
            parse(h).unwrap_err(),
            "prices.csv: the file has a header but no data rows"
        );
        assert_eq!(
            parse(&format!("{h}\"2024-01-01,1,2,1,1,1\n")).unwrap_err(),
            "prices.csv: row 2: a quoted field is not closed"
        );
        assert_eq!(
            parse(&format!("{h}2024-01-01,1,2,1,inf,1\n")).unwrap_err(),
            "prices.csv: row 2, column \"Close\": expected a finite number, found \"inf\""
        );
    }

    #[test]
    fn never_panics_on_arbitrary_input() {
        // A cheap fuzz: every prefix and some mutations of a valid file parse or fail cleanly.
        let valid = "Date,Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,100\n\"2024-01-02\",1.5,2.5,1,2,0\n";
        for end in 0..=valid.len() {
            let _ = parse_csv(&valid[..end], "x.csv");
        }
        let noise = [
            "\"", ",", "\n", "\r", "é", "\u{feff}", "\"\"", "-", "e9", "\0",
        ];
        for (i, n) in noise.iter().enumerate() {
            for pos in (0..valid.len()).step_by(3 + i) {
                let mut s = valid.to_string();
                s.insert_str(pos, n);
                let _ = parse_csv(&s, "x.csv");
            }
        }
    }
}
