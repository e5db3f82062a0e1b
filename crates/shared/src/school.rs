//! The school side: years, disciplines, courses, enrolments, evaluations, absences,
//! events and participations.

use serde::{Deserialize, Serialize};

/// Day names, Monday first, as shown to families.
pub const WEEKDAYS: [&str; 7] = [
    "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche",
];

/// A weekday number (1 = Monday ... 7 = Sunday) as a French name.
pub fn weekday_name(weekday: i32) -> &'static str {
    usize::try_from(weekday - 1)
        .ok()
        .and_then(|index| WEEKDAYS.get(index))
        .copied()
        .unwrap_or("")
}

/// Whether `HH:MM` is a valid 24-hour time.
pub fn is_valid_time(value: &str) -> bool {
    let Some((hours, minutes)) = value.split_once(':') else {
        return false;
    };
    hours.len() == 2
        && minutes.len() == 2
        && hours.parse::<u32>().is_ok_and(|hours| hours < 24)
        && minutes.parse::<u32>().is_ok_and(|minutes| minutes < 60)
}

/// A school year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SchoolYear {
    /// Database id.
    pub id: i64,
    /// E.g. "2026-2027".
    pub label: String,
    /// First day.
    pub starts_on: chrono::NaiveDate,
    /// Last day.
    pub ends_on: chrono::NaiveDate,
}

impl SchoolYear {
    /// Of `years`, the one `today` falls in; else the latest that has started; else the
    /// first. Screens open on it (a site also holds next year's catalogue during a
    /// re-enrolment campaign, and last year's).
    pub fn current(years: &[SchoolYear], today: chrono::NaiveDate) -> Option<&SchoolYear> {
        years
            .iter()
            .find(|year| year.starts_on <= today && today <= year.ends_on)
            .or_else(|| {
                years
                    .iter()
                    .filter(|year| year.starts_on <= today)
                    .max_by_key(|year| year.starts_on)
            })
            .or_else(|| years.first())
    }
}

/// Creates or replaces a school year.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SchoolYearInput {
    /// E.g. "2026-2027".
    pub label: String,
    /// First day.
    pub starts_on: chrono::NaiveDate,
    /// Last day (after the first).
    pub ends_on: chrono::NaiveDate,
}

/// A discipline (instrument, formation musicale, a dance style...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Discipline {
    /// Database id.
    pub id: i64,
    /// E.g. "Piano", "Formation musicale", "Danse classique".
    pub name: String,
    /// Whether it is a dance course (some documents are required only for dance).
    pub is_dance: bool,
}

/// Creates or replaces a discipline.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisciplineInput {
    /// The name.
    pub name: String,
    /// Whether it is a dance course.
    #[serde(default)]
    pub is_dance: bool,
}

/// A course: a discipline at a level, a teacher, a weekly slot and a room, in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    /// Database id.
    pub id: i64,
    /// The school year.
    pub school_year_id: i64,
    /// The discipline.
    pub discipline_id: i64,
    /// The discipline's name.
    pub discipline: String,
    /// Level or cycle, e.g. "Cycle 1 - 2e année".
    pub level: String,
    /// The teacher's account, when the teacher has one.
    pub teacher_account_id: Option<i64>,
    /// The teacher's name as shown to families.
    pub teacher_name: String,
    /// 1 = Monday ... 7 = Sunday.
    pub weekday: i32,
    /// Start, `HH:MM` (Europe/Paris wall clock).
    pub start_time: String,
    /// End, `HH:MM`.
    pub end_time: String,
    /// Room.
    pub room: String,
    /// Send back with an edit.
    pub version: i32,
    /// The course's kind in the site's tariff grid (a `course_kinds` code, e.g.
    /// "instrument_30"), which prices it in a fee estimate; `null` = not priced yet.
    #[serde(default)]
    pub fee_kind: Option<String>,
}

/// Creates or edits a course.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    /// The school year.
    pub school_year_id: i64,
    /// The discipline.
    pub discipline_id: i64,
    /// Level or cycle.
    pub level: String,
    /// The teacher's account (a teacher of the same site), if any.
    #[serde(default)]
    pub teacher_account_id: Option<i64>,
    /// The teacher's name.
    pub teacher_name: String,
    /// 1 = Monday ... 7 = Sunday.
    pub weekday: i32,
    /// Start, `HH:MM`.
    pub start_time: String,
    /// End, `HH:MM`, after the start.
    pub end_time: String,
    /// Room.
    #[serde(default)]
    pub room: String,
    /// For edits: the version read; ignored on creation.
    #[serde(default)]
    pub version: Option<i32>,
    /// The course's kind in the site's tariff grid (one of its `course_kinds` codes);
    /// absent, `null` or empty = none. Refused (422) when the site has a grid without
    /// this kind, unless it is the kind the course already has.
    #[serde(default)]
    pub fee_kind: Option<String>,
}

impl CourseInput {
    /// The tariff kind, trimmed; `None` when absent or blank.
    pub fn fee_kind(&self) -> Option<&str> {
        self.fee_kind
            .as_deref()
            .map(str::trim)
            .filter(|kind| !kind.is_empty())
    }
}

/// An evaluation of a student in a course for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    /// Database id.
    pub id: i64,
    /// The enrolment evaluated.
    pub enrolment_id: i64,
    /// E.g. "1er trimestre".
    pub period: String,
    /// The teacher's comment.
    pub comment: String,
    /// Optional mark, e.g. "16/20" or "A".
    pub mark: Option<String>,
    /// Send back with an edit.
    pub version: i32,
}

/// Creates or edits an evaluation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EvaluationInput {
    /// The enrolment (ignored on edit).
    pub enrolment_id: i64,
    /// The period.
    pub period: String,
    /// The comment.
    pub comment: String,
    /// Optional mark.
    #[serde(default)]
    pub mark: Option<String>,
    /// For edits: the version read.
    #[serde(default)]
    pub version: Option<i32>,
}

/// An absence from a course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Absence {
    /// Database id.
    pub id: i64,
    /// The enrolment.
    pub enrolment_id: i64,
    /// The day missed.
    pub date: chrono::NaiveDate,
    /// Whether the family justified it.
    pub justified: bool,
    /// The reason given, if any.
    pub reason: String,
}

/// Records or edits an absence.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AbsenceInput {
    /// The enrolment (ignored on edit).
    pub enrolment_id: i64,
    /// The day missed.
    pub date: chrono::NaiveDate,
    /// Whether it is justified.
    #[serde(default)]
    pub justified: bool,
    /// The reason.
    #[serde(default)]
    pub reason: String,
}

/// A course the student follows, with its evaluations and absences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentCourse {
    /// The enrolment's id.
    pub enrolment_id: i64,
    /// The school year's label.
    pub school_year: String,
    /// The course.
    pub course: Course,
    /// Evaluations, by period.
    pub evaluations: Vec<Evaluation>,
    /// Absences, most recent first.
    pub absences: Vec<Absence>,
}

/// An event (concert, audition, spectacle).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Database id.
    pub id: i64,
    /// E.g. "Concert de Noël".
    pub name: String,
    /// concert, audition or spectacle.
    pub kind: String,
    /// The day.
    pub date: chrono::NaiveDate,
    /// Where.
    pub place: String,
    /// The programme.
    pub programme: String,
}

/// Creates or edits an event.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// The name.
    pub name: String,
    /// concert, audition or spectacle.
    pub kind: String,
    /// The day.
    pub date: chrono::NaiveDate,
    /// Where.
    #[serde(default)]
    pub place: String,
    /// The programme.
    #[serde(default)]
    pub programme: String,
}

/// Kinds of events.
pub const EVENT_KINDS: &[&str] = &["concert", "audition", "spectacle"];

/// A student's part in an event, for the Répertoire tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepertoireEntry {
    /// The participation's id.
    pub participation_id: i64,
    /// The event.
    pub event: Event,
    /// What the student played or danced.
    pub piece: String,
}

/// Adds a student to an event.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ParticipationInput {
    /// The student.
    pub student_id: i64,
    /// What the student plays or dances.
    #[serde(default)]
    pub piece: String,
}

/// Enrols a student in a course.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolmentInput {
    /// The student.
    pub student_id: i64,
    /// The course.
    pub course_id: i64,
}

/// A student enrolled in a course, as staff and teachers see the class list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolment {
    /// Database id.
    pub id: i64,
    /// The student.
    pub student_id: i64,
    /// The student's name.
    pub student_name: String,
    /// The course.
    pub course_id: i64,
}

/// A student of a class with what was recorded for them in that course.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassMember {
    /// The enrolment.
    pub enrolment_id: i64,
    /// The student.
    pub student_id: i64,
    /// The student's name.
    pub student_name: String,
    /// Evaluations recorded in this course, oldest first.
    pub evaluations: Vec<Evaluation>,
    /// Absences in this course, most recent first.
    pub absences: Vec<Absence>,
}

/// A student taking part in an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    /// The participation's id (to remove it).
    pub id: i64,
    /// The student.
    pub student_id: i64,
    /// The student's name.
    pub student_name: String,
    /// What the student plays or dances.
    pub piece: String,
}

/// A teacher account, to link a course to its teacher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeacherSummary {
    /// The account id (a course's `teacher_account_id`).
    pub id: i64,
    /// The teacher's name.
    pub display_name: String,
}

#[cfg(test)]
mod current_year_tests {
    use super::*;

    fn year(id: i64, start: i32) -> SchoolYear {
        SchoolYear {
            id,
            label: format!("{start}-{}", start + 1),
            starts_on: chrono::NaiveDate::from_ymd_opt(start, 9, 1).unwrap_or_default(),
            ends_on: chrono::NaiveDate::from_ymd_opt(start + 1, 7, 4).unwrap_or_default(),
        }
    }

    #[test]
    fn the_current_year_is_the_one_today_falls_in_then_the_latest_started() {
        let years = [year(3, 2027), year(2, 2026), year(1, 2025)];
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(
            SchoolYear::current(&years, day(2026, 11, 30)).map(|y| y.id),
            Some(2)
        );
        // Summer, between two years: the one that ended.
        assert_eq!(
            SchoolYear::current(&years, day(2027, 8, 1)).map(|y| y.id),
            Some(2)
        );
        assert_eq!(
            SchoolYear::current(&years, day(2020, 1, 1)).map(|y| y.id),
            Some(3)
        );
    }
}
