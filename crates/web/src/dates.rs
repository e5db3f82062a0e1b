//! Dates as French readers expect them, for every screen of both builds: one
//! `french_date` with its two styles, and UTC instants shown in Europe/Paris time.

use chrono::{Datelike, NaiveDate};
use chrono::{Duration, NaiveDateTime, Timelike};
use tutti_shared::weekday_name;

/// How much of a day to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// "29/11/2026": tables and lists, where columns must line up.
    Numeric,
    /// "jeudi 12 novembre 2026", "lundi 1er juin 2026": prose for families.
    Long,
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// A day the French way, in the given style.
pub fn french_date(day: NaiveDate, style: DateStyle) -> String {
    match style {
        DateStyle::Numeric => format!("{:02}/{:02}/{}", day.day(), day.month(), day.year()),
        DateStyle::Long => {
            // Day names are ASCII: no need for the Unicode case tables in the wasm.
            let weekday =
                weekday_name(day.weekday().number_from_monday().cast_signed()).to_ascii_lowercase();
            let month = MONTHS
                .get(day.month0() as usize)
                .copied()
                .unwrap_or_default();
            let number = match day.day() {
                1 => "1er".to_owned(),
                number => number.to_string(),
            };
            format!("{weekday} {number} {month} {}", day.year())
        }
    }
}

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

/// A UTC instant as Paris shows it: "29/11/2026 09:14".
pub fn paris_date_time(utc: NaiveDateTime) -> String {
    let local = utc + Duration::hours(paris_offset_hours(utc));
    format!(
        "{} {:02}:{:02}",
        french_date(local.date(), DateStyle::Numeric),
        local.hour(),
        local.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
    }

    fn utc(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    #[test]
    fn days_read_the_french_way_in_both_styles() {
        assert_eq!(
            french_date(day(2026, 9, 1), DateStyle::Numeric),
            "01/09/2026"
        );
        assert_eq!(
            french_date(day(2026, 11, 12), DateStyle::Long),
            "jeudi 12 novembre 2026"
        );
        assert_eq!(
            french_date(day(2026, 6, 1), DateStyle::Long),
            "lundi 1er juin 2026"
        );
    }

    #[test]
    fn paris_is_one_hour_ahead_in_winter_and_two_in_summer() {
        assert_eq!(paris_date_time(utc("2026-11-29 08:14")), "29/11/2026 09:14");
        assert_eq!(paris_date_time(utc("2026-07-14 20:00")), "14/07/2026 22:00");
        assert_eq!(paris_date_time(utc("2026-12-31 23:30")), "01/01/2027 00:30");
    }

    #[test]
    fn clocks_change_on_the_last_sundays_of_march_and_october_at_one_utc() {
        // 2026: 29 March and 25 October.
        assert_eq!(paris_offset_hours(utc("2026-03-29 00:59")), 1);
        assert_eq!(paris_offset_hours(utc("2026-03-29 01:00")), 2);
        assert_eq!(paris_offset_hours(utc("2026-10-25 00:59")), 2);
        assert_eq!(paris_offset_hours(utc("2026-10-25 01:00")), 1);
    }
}
