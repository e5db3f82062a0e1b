//! « Réinscriptions », staff side: the campaigns and their settings ([`campaigns`]), a
//! campaign's dashboard with its files ([`dashboard`]), one file with the decisions
//! ([`file`]), and the site's tariff grid the fees are estimated from ([`tariffs`]).
//!
//! Instants come from the API in UTC and are shown and typed as Europe/Paris wall-clock
//! time (`<input type="datetime-local">`), converted here.

mod campaigns;
mod dashboard;
mod file;
mod tariffs;

pub use campaigns::{campaigns_page, settings_page};
pub use dashboard::dashboard_page;
pub use file::file_page;
pub use tariffs::tariffs_page;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use tutti_shared::{
    CampaignStatus, ErrorCode, SchoolYear, paris_local, paris_offset_hours, weekday_name,
};

use crate::api::ApiError;
use crate::dates::paris_date_time;

/// A Paris wall-clock time typed in a `datetime-local` field (`2027-05-01T09:00`) as the
/// UTC instant it names. The offset is the one of the candidate instant: a time that
/// exists twice (the October night) reads as summer time, one that does not exist (the
/// March night) as winter time.
pub fn paris_to_utc(text: &str) -> Option<DateTime<Utc>> {
    let (day, time) = text.trim().split_once('T')?;
    let day: NaiveDate = day.parse().ok()?;
    let mut parts = time.split(':');
    let hour = parts.next()?.parse().ok()?;
    let minute = parts.next()?.parse().ok()?;
    let local = day.and_hms_opt(hour, minute, 0)?;
    let utc = [2_i64, 1]
        .into_iter()
        .map(|hours| (hours, local - Duration::hours(hours)))
        .find(|(hours, utc)| paris_offset_hours(*utc) == *hours)
        .map_or(local - Duration::hours(1), |(_, utc)| utc);
    Some(DateTime::from_naive_utc_and_offset(utc, Utc))
}

/// A UTC instant as a `datetime-local` field's value, in Paris time.
pub fn paris_input_value(utc: DateTime<Utc>) -> String {
    let local = paris_local(utc.naive_utc());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute()
    )
}

/// "29/11/2026 09:14", Paris time.
pub fn paris_instant(utc: DateTime<Utc>) -> String {
    paris_date_time(utc.naive_utc())
}

/// A campaign's status in French.
pub fn campaign_status_label(status: CampaignStatus) -> &'static str {
    match status {
        CampaignStatus::Draft => "Brouillon",
        CampaignStatus::Open => "Ouverte",
        CampaignStatus::Closed => "Fermée",
    }
}

/// A school year's label, or its id when it is not in the list.
pub fn year_label(years: &[SchoolYear], id: i64) -> String {
    years
        .iter()
        .find(|year| year.id == id)
        .map_or_else(|| format!("année {id}"), |year| year.label.clone())
}

/// "Piano, Cycle 1 - 2e année : lundi 17:00-17:30, Mme Durand": a course as staff
/// choose it.
pub fn course_text(
    discipline: &str,
    level: &str,
    weekday: i32,
    start: &str,
    end: &str,
    teacher: &str,
) -> String {
    // Day names are ASCII: no need for the Unicode case tables in the wasm.
    let day = weekday_name(weekday).to_ascii_lowercase();
    format!("{discipline}, {level} : {day} {start}-{end}, {teacher}")
}

/// What a 409 says: someone changed the record since it was read (`stale_version`), in
/// our words since the page reloads it; otherwise the server's own message (a move the
/// status forbids, another campaign already open).
pub fn conflict_message(error: &ApiError) -> String {
    match error {
        ApiError::Api { body, .. } if body.code == ErrorCode::StaleVersion => {
            "Quelqu'un l'a modifié entre-temps : rien n'a été enregistré et la page a été rechargée. Vérifiez puis recommencez.".to_owned()
        }
        error => format!("{error} La page a été rechargée."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_wall_clock_becomes_utc_in_winter_and_in_summer() {
        let utc = |text: &str| paris_to_utc(text).map(|instant| instant.to_rfc3339());
        assert_eq!(
            utc("2027-01-15T09:00").as_deref(),
            Some("2027-01-15T08:00:00+00:00")
        );
        assert_eq!(
            utc("2027-05-01T09:00").as_deref(),
            Some("2027-05-01T07:00:00+00:00")
        );
        // 28 March 2027, 02:30 does not exist in Paris: read as winter time.
        assert_eq!(
            utc("2027-03-28T02:30").as_deref(),
            Some("2027-03-28T01:30:00+00:00")
        );
        assert_eq!(utc("2027-05-01"), None);
        assert_eq!(utc("bonjour"), None);
    }

    #[test]
    fn utc_instants_show_as_paris_input_values_and_back() {
        for text in ["2027-01-15T09:00", "2027-05-01T23:30", "2026-12-31T23:59"] {
            let instant = paris_to_utc(text).unwrap_or_default();
            assert_eq!(paris_input_value(instant), text);
        }
    }
}
