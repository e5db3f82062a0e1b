//! The tariff grid of a site and the estimated yearly fee of a household, in integer
//! cents. The server computes every fee (`tutti-api`'s `tariffs/fee.rs`); the SPA shows it.

use serde::{Deserialize, Serialize};

/// A kind of course and its yearly prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TariffCourseKind {
    /// Stable code that courses name in their `fee_kind` (e.g. `instrument_30`).
    pub code: String,
    /// Label shown on the breakdown (e.g. "Instrument 30 min").
    pub label: String,
    /// Full yearly price for residents, before the bracket's percentage, in cents.
    pub resident_price_cents: i64,
    /// Yearly price for non-residents, in cents.
    pub non_resident_price_cents: i64,
}

/// A quotient familial bracket for residents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TariffBracket {
    /// The bracket's name (e.g. `A`).
    pub code: String,
    /// Highest quotient familial of the bracket in euros, inclusive; `null` for the last.
    pub max_quotient_euros: Option<i64>,
    /// Percentage of the resident price paid in this bracket (0 to 300).
    pub percent: i64,
}

/// The yearly rental price of a kind of instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TariffRental {
    /// Stable code (e.g. `violon`).
    pub code: String,
    /// Label shown on the breakdown.
    pub label: String,
    /// Yearly price in cents.
    pub price_cents: i64,
}

/// A site's tariff grid, read and written whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TariffGrid {
    /// The grid's version: the one read, sent back with a change (0 = never saved).
    pub version: i32,
    /// The priced course kinds.
    pub course_kinds: Vec<TariffCourseKind>,
    /// Brackets by increasing bound; the last one has no bound.
    pub brackets: Vec<TariffBracket>,
    /// Lowest yearly course fee of a household that takes at least one course, in cents.
    pub floor_cents: i64,
    /// Highest yearly course fee of a household, in cents (rentals come on top).
    pub cap_cents: i64,
    /// Percentage off the second child's courses (children ranked by their course total,
    /// the most expensive first).
    pub second_child_percent: i64,
    /// Percentage off the courses of the third child and every later one.
    pub third_child_percent: i64,
    /// Instrument rental prices.
    pub rentals: Vec<TariffRental>,
}

/// One child's wishes for an estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeeEstimateChild {
    /// A student of the household.
    pub student_id: i64,
    /// The wished courses (courses of the site with a fee kind).
    pub course_ids: Vec<i64>,
    /// Codes of the instruments to rent, from the grid's rentals.
    #[serde(default)]
    pub rentals: Vec<String>,
}

/// What to estimate: a household's children and their wishes, and the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeeEstimateRequest {
    /// The household.
    pub household_id: i64,
    /// Its children's wishes (at most 20 children, 20 courses each).
    pub children: Vec<FeeEstimateChild>,
    /// 1 (paid once) or 9 (nine instalments, the rounding on the first).
    pub instalments: u32,
}

/// What a line of the breakdown is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeeLineKind {
    /// A course at the household's price.
    Course,
    /// A sibling discount (negative).
    Reduction,
    /// The floor (positive) or the cap (negative) on the household's course fee.
    Adjustment,
    /// An instrument rental.
    Rental,
}

/// One line of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeLine {
    /// French label, e.g. "Danse – Léa (tranche C à 70 %)".
    pub label: String,
    /// Amount in cents (negative for reductions).
    pub amount_cents: i64,
    /// What the line is.
    pub kind: FeeLineKind,
    /// The child the line is about; `null` for the household's adjustment.
    pub student_id: Option<i64>,
}

/// The estimated yearly fee of a household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeEstimate {
    /// Whether the household is recorded as resident.
    pub resident: bool,
    /// The recorded quotient familial in euros, if any.
    pub quotient_familial_euros: Option<i64>,
    /// The bracket applied (residents only).
    pub bracket: Option<String>,
    /// The breakdown, line by line; the lines add up to the total.
    pub lines: Vec<FeeLine>,
    /// The yearly total in cents.
    pub total_cents: i64,
    /// The instalments in cents, the first carrying the rounding; they add up to the total.
    pub instalments: Vec<i64>,
}

/// An amount in cents the French way: "1 234,56 €", with a narrow no-break space between
/// thousands and a no-break space before the sign, so that it never wraps.
pub fn format_euros(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    let euros = (cents / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in euros.chars().enumerate() {
        if index > 0 && (euros.len() - index).is_multiple_of(3) {
            grouped.push('\u{202F}');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped},{:02}\u{A0}€", cents % 100)
}

#[cfg(test)]
mod tests {
    use super::format_euros;

    #[test]
    fn amounts_read_the_french_way() {
        assert_eq!(format_euros(0), "0,00\u{A0}€");
        assert_eq!(format_euros(5), "0,05\u{A0}€");
        assert_eq!(format_euros(123_456), "1\u{202F}234,56\u{A0}€");
        assert_eq!(format_euros(-1_750), "-17,50\u{A0}€");
        assert_eq!(
            format_euros(100_000_000),
            "1\u{202F}000\u{202F}000,00\u{A0}€"
        );
    }
}
