//! Date formatting without a date library: RFC 3339 for JSON and EIP-4361, IMF-fixdate
//! for the HTTP `Date` header. Times are Unix nanoseconds (`i128`) on the sandbox clock.

const NANOS: i128 = 1_000_000_000;

/// Splits Unix nanoseconds into whole seconds (floored) and the nanosecond remainder.
pub(crate) fn split(nanos: i128) -> (i64, u32) {
    let secs = nanos.div_euclid(NANOS);
    let rest = nanos.rem_euclid(NANOS);
    (
        i64::try_from(secs).unwrap_or(if secs < 0 { i64::MIN } else { i64::MAX }),
        u32::try_from(rest).unwrap_or(0),
    )
}

/// Converts days since 1970-01-01 to a (year, month, day) civil date.
/// Howard Hinnant's `civil_from_days`, valid for the whole proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn fields(secs: i64) -> (i64, u32, u32, i64, i64, i64) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    (y, m, d, rem / 3600, (rem % 3600) / 60, rem % 60)
}

/// `2024-01-12T14:53:02.653457250Z`: always nine fractional digits.
pub(crate) fn rfc3339_nanos(nanos: i128) -> String {
    let (secs, frac) = split(nanos);
    let (y, mo, d, h, mi, s) = fields(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{frac:09}Z")
}

/// `2024-01-17T18:21:53Z`: whole seconds, as EIP-4361 messages carry them.
pub(crate) fn rfc3339_secs(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = fields(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 §5.6.7), as the emulator writes `Date`; the
/// SDK's hostile-server tests script their servers' dates with it too.
pub fn http_date(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = DAYS[secs.div_euclid(86_400).rem_euclid(7) as usize];
    let (y, mo, d, h, mi, s) = fields(secs);
    let month = MONTHS[(mo as usize).saturating_sub(1).min(11)];
    format!("{weekday}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} GMT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        // 1700000000 is 2023-11-14T22:13:20Z (a Tuesday).
        assert_eq!(rfc3339_secs(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(http_date(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 GMT");
        // RFC 9110's own example.
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        let nanos = 1_705_071_182_i128 * 1_000_000_000 + 653_457_250;
        assert_eq!(rfc3339_nanos(nanos), "2024-01-12T14:53:02.653457250Z");
        assert_eq!(rfc3339_secs(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_secs(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn splits_negative_times() {
        assert_eq!(split(-1), (-1, 999_999_999));
        assert_eq!(rfc3339_nanos(-1), "1969-12-31T23:59:59.999999999Z");
    }
}
