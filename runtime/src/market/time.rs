//! Calendar arithmetic for candle times: formatting milliseconds as RFC 3339 and reading
//! the dates replay CSVs commonly hold. UTC only, proleptic Gregorian, no dependencies
//! (Howard Hinnant's `days_from_civil` / `civil_from_days`).

/// Days since 1970-01-01 of a civil date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `ms` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (milliseconds shown when nonzero).
pub(crate) fn format_rfc3339(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, min, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    if milli == 0 {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
    }
}

/// Reads a date as replay CSVs write them, to ms since the Unix epoch: `YYYY-MM-DD`,
/// `YYYY-MM-DD HH:MM[:SS[.fff]]` or with `T`, an optional `Z` or `±HH:MM` offset, or a Unix
/// timestamp in seconds (up to 11 digits) or milliseconds (12 or more). `None` otherwise.
pub(crate) fn parse_date_ms(text: &str) -> Option<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = t.parse().ok()?;
        return if t.len() <= 11 {
            n.checked_mul(1000)
        } else {
            Some(n)
        };
    }
    let b = t.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &str| -> Option<i64> {
        if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let y = num(t.get(0..4)?)?;
    let m = num(t.get(5..7)?)?;
    let d = num(t.get(8..10)?)?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut ms = days_from_civil(y, m, d) * 86_400_000;
    let rest = t.get(10..)?;
    if rest.is_empty() {
        return Some(ms);
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    // Split off a zone suffix: `Z`, or `+HH:MM` / `-HH:MM` after the time.
    let (clock, offset_ms) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(pos) = rest.rfind(['+', '-']) {
        let (c, zone) = rest.split_at(pos);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let zone = zone.get(1..)?.replace(':', "");
        if zone.len() != 4 {
            return None;
        }
        let zh = num(zone.get(0..2)?)?;
        let zm = num(zone.get(2..4)?)?;
        (c, sign * (zh * 3_600_000 + zm * 60_000))
    } else {
        (rest, 0)
    };
    let mut parts = clock.split(':');
    let h = num(parts.next()?)?;
    let min = num(parts.next()?)?;
    let (s, frac_ms) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let frac_ms = if frac.is_empty() {
                0
            } else {
                let digits: String = frac.chars().chain("000".chars()).take(3).collect();
                num(&digits)?
            };
            (num(whole)?, frac_ms)
        }
    };
    if parts.next().is_some() || h > 23 || min > 59 || s > 60 {
        return None;
    }
    ms += h * 3_600_000 + min * 60_000 + s * 1000 + frac_ms;
    Some(ms - offset_ms)
}

/// The UTC day number (days since 1970-01-01) of a time in ms.
pub(crate) fn day_of(ms: i64) -> i64 {
    ms.div_euclid(86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_704_067_200_000), "2024-01-01T00:00:00Z");
        assert_eq!(
            format_rfc3339(951_782_400_000 + 1),
            "2000-02-29T00:00:00.001Z"
        );
        for ms in [
            0,
            1_704_067_200_000,
            951_782_400_000,
            -86_400_000,
            1_709_251_199_000,
        ] {
            assert_eq!(parse_date_ms(&format_rfc3339(ms)), Some(ms));
        }
    }

    #[test]
    fn parses_common_csv_dates() {
        assert_eq!(parse_date_ms("2024-01-01"), Some(1_704_067_200_000));
        assert_eq!(parse_date_ms("2024-01-01 00:01"), Some(1_704_067_260_000));
        assert_eq!(
            parse_date_ms("2024-01-01T00:00:01.5Z"),
            Some(1_704_067_201_500)
        );
        assert_eq!(
            parse_date_ms("2024-01-01T02:00:00+02:00"),
            Some(1_704_067_200_000)
        );
        assert_eq!(parse_date_ms("1704067200"), Some(1_704_067_200_000));
        assert_eq!(parse_date_ms("1704067200000"), Some(1_704_067_200_000));
        assert_eq!(parse_date_ms("01/02/2024"), None);
        assert_eq!(parse_date_ms("2024-13-01"), None);
        assert_eq!(parse_date_ms("2024-01-01 25:00"), None);
        assert_eq!(parse_date_ms(""), None);
        assert_eq!(parse_date_ms("2024-01-01Tx"), None);
        assert_eq!(parse_date_ms("2024-01-01T00:00+a\u{e9}b"), None);
        assert_eq!(parse_date_ms("2024-01-01T\u{e9}\u{e9}:00"), None);
        assert_eq!(day_of(1_704_067_200_000 + 5), 19_723);
        assert_eq!(day_of(-1), -1);
    }
}
