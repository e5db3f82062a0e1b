//! Dates as French readers expect them, for every screen of both builds: one
//! `french_date` with its two styles, and UTC instants shown in Europe/Paris time.

use chrono::{Datelike, NaiveDate};
use chrono::{NaiveDateTime, Timelike};
use tutti_shared::weekday_name;

/// How much of a day to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// "29/11/2026": tables and lists, where columns must line up.
    Numeric,
    /// "jeudi 12 novembre 2026", "lundi 1er juin 2026": prose for families.
    #[cfg_attr(
        feature = "admin",
        expect(dead_code, reason = "only the families' screens write long dates")
    )]
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

/// Today on the browser's clock.
pub fn today() -> NaiveDate {
    let now = web_sys::js_sys::Date::new_0();
    let year = i32::try_from(now.get_full_year()).unwrap_or_default();
    NaiveDate::from_ymd_opt(year, now.get_month() + 1, now.get_date()).unwrap_or_default()
}

/// A UTC instant as Paris shows it: "29/11/2026 09:14".
pub fn paris_date_time(utc: NaiveDateTime) -> String {
    let local = tutti_shared::paris_local(utc);
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
}
