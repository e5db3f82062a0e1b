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

#[cfg(test)]
mod tests {
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
