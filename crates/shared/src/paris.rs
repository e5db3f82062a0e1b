//! Europe/Paris wall-clock time from UTC instants, for the SPA's screens and the server's
//! exports alike.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

/// The last Sunday of a month of 31 days (March and October, where Europe changes clocks).
fn last_sunday_of(year: i32, month: u32) -> Option<NaiveDate> {
    let last_day = NaiveDate::from_ymd_opt(year, month, 31)?;
    Some(last_day - Duration::days(i64::from(last_day.weekday().num_days_from_sunday())))
}

/// Europe/Paris's offset from UTC at a UTC instant: +2 h from the last Sunday of March to
/// the last Sunday of October (both at 01:00 UTC), +1 h otherwise.
///
/// The EU rule written out, rather than a time-zone database in the wasm or a call into
/// the browser's `Intl`: a few lines, testable natively, and right for the years that
/// matter here.
pub fn paris_offset_hours(utc: NaiveDateTime) -> i64 {
    let change = |month| last_sunday_of(utc.year(), month).and_then(|day| day.and_hms_opt(1, 0, 0));
    match (change(3), change(10)) {
        (Some(summer), Some(winter)) if utc >= summer && utc < winter => 2,
        _ => 1,
    }
}

/// A UTC instant as a Paris wall clock reads it.
pub fn paris_local(utc: NaiveDateTime) -> NaiveDateTime {
    utc + Duration::hours(paris_offset_hours(utc))
}

/// Reads the UTC instants the server writes (`2026-11-30T18:00:00Z`, RFC 3339 with `Z` or
/// `+00:00`) through `NaiveDateTime`'s parser, for `#[serde(deserialize_with)]` on the
/// family's response types.
///
/// chrono's own `DateTime<Utc>` reader accepts any offset, and its general parser weighs
/// a few kB in the families' wasm (300 kB budget); the server only ever writes UTC.
pub mod utc_text {
    use chrono::{DateTime, NaiveDateTime, Utc};
    use serde::{Deserialize, Deserializer, de::Error as _};

    /// The instant of `text`, when it is UTC.
    pub fn parse(text: &str) -> Option<DateTime<Utc>> {
        let naive = text
            .strip_suffix('Z')
            .or_else(|| text.strip_suffix("+00:00"))?;
        naive.parse::<NaiveDateTime>().ok().map(|at| at.and_utc())
    }

    fn read<'de, D: Deserializer<'de>>(text: &str) -> Result<DateTime<Utc>, D::Error> {
        parse(text).ok_or_else(|| D::Error::custom("expected a UTC date-time (RFC 3339, Z)"))
    }

    /// A required instant.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<DateTime<Utc>, D::Error> {
        read::<D>(&String::deserialize(deserializer)?)
    }

    /// An instant or `null`.
    pub fn option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| read::<D>(&text))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_instants_are_read_with_z_or_a_zero_offset_only() {
        use super::utc_text::parse;
        let at = parse("2026-11-30T18:05:09.123456Z").map(|at| at.to_rfc3339());
        assert_eq!(at.as_deref(), Some("2026-11-30T18:05:09.123456+00:00"));
        assert!(parse("2026-11-30T18:05:09+00:00").is_some());
        assert!(parse("2026-11-30T18:05:09+02:00").is_none());
        assert!(parse("2026-11-30T18:05:09").is_none());
    }

    use super::*;

    fn utc(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    #[test]
    fn clocks_change_on_the_last_sundays_of_march_and_october_at_one_utc() {
        // 2026: 29 March and 25 October.
        assert_eq!(paris_offset_hours(utc("2026-03-29 00:59")), 1);
        assert_eq!(paris_offset_hours(utc("2026-03-29 01:00")), 2);
        assert_eq!(paris_offset_hours(utc("2026-10-25 00:59")), 2);
        assert_eq!(paris_offset_hours(utc("2026-10-25 01:00")), 1);
        assert_eq!(
            paris_local(utc("2026-12-31 23:30")),
            utc("2027-01-01 00:30")
        );
    }
}
