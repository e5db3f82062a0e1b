//! The estimated yearly fee of a household: one pure computation, in integer cents.
//!
//! The récapitulatif of the re-enrolment, the staff's estimate and (later) billing all
//! call [`estimate`] and [`instalments`], so a family is billed what it was shown.
//!
//! The rules, in the order they apply:
//!
//! 1. **Courses.** Each wished course is priced by its course kind. A resident pays the
//!    kind's resident price times the percentage of the household's quotient familial
//!    bracket, rounded half up to the cent, course by course. A household with no
//!    recorded quotient is in the highest bracket (the last one). A non-resident pays the
//!    kind's non-resident price, whatever the quotient.
//! 2. **Siblings.** The children who wish at least one course are ranked by their course
//!    total, the most expensive first (ties: the smaller student id first), so that the
//!    family gets its discounts on the cheaper children. The 2nd child gets the "2nd
//!    child" percentage off their course total, the 3rd and every later one the "3rd
//!    and more" percentage, rounded half up to the cent.
//! 3. **Floor and cap.** The household's course fee (courses less sibling discounts) is
//!    raised to the floor or lowered to the cap by one adjustment line, for residents and
//!    non-residents alike. A household that wishes no course pays no floor.
//! 4. **Rentals.** Each instrument rental adds its yearly price, outside the floor and
//!    the cap (it is a separate invoice of kind `location`).
//!
//! The total is the sum of the lines; reductions and a cap adjustment are negative lines.
//! Because every amount is rounded where it is computed and the ranking depends only on
//! the children's totals, the order in which courses or children are given never changes
//! the total.

use std::collections::BTreeSet;

use crate::domain::FieldErrors;

/// The largest price a grid accepts, in cents (100 000 €): keeps every sum far from
/// overflow whatever the number of courses a request carries.
pub const MAX_PRICE_CENTS: i64 = 10_000_000;
/// The largest bracket percentage (a bracket may charge more than the full price).
pub const MAX_BRACKET_PERCENT: i64 = 300;
/// The largest quotient familial a bracket bound may name, in euros.
pub const MAX_QUOTIENT_EUROS: i64 = 1_000_000;

/// A kind of course and its yearly prices (e.g. "Instrument 30 min").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseKind {
    pub code: String,
    pub label: String,
    pub resident_price_cents: i64,
    pub non_resident_price_cents: i64,
}

/// A quotient familial bracket: quotients up to `max_quotient_euros` (inclusive) pay
/// `percent` % of the resident price. The last bracket has no upper bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bracket {
    pub code: String,
    pub max_quotient_euros: Option<i64>,
    pub percent: i64,
}

/// The yearly rental price of one kind of instrument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentalPrice {
    pub code: String,
    pub label: String,
    pub price_cents: i64,
}

/// A site's tariff grid. [`validate`] says whether it can be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub course_kinds: Vec<CourseKind>,
    /// Ordered by their upper bound, the unbounded one last.
    pub brackets: Vec<Bracket>,
    pub floor_cents: i64,
    pub cap_cents: i64,
    /// Percentage off the 2nd child's course total.
    pub second_child_percent: i64,
    /// Percentage off the course total of the 3rd child and every later one.
    pub third_child_percent: i64,
    pub rentals: Vec<RentalPrice>,
}

/// What the fee depends on in the household's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Household {
    pub resident: bool,
    /// The recorded quotient familial in whole euros; `None` = the highest bracket.
    pub quotient_euros: Option<i64>,
}

/// One child's wishes: course kinds (one entry per course) and rented instruments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// The student's id: breaks ties in the sibling ranking and marks the lines.
    pub id: i64,
    pub name: String,
    pub course_kinds: Vec<String>,
    pub rentals: Vec<String>,
}

/// What a line of the breakdown is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Course,
    Reduction,
    /// The floor (positive) or the cap (negative) applied to the household's course fee.
    Adjustment,
    Rental,
}

/// One line of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: String,
    pub amount_cents: i64,
    pub kind: LineKind,
    /// The child the line is about; `None` for the household's adjustment.
    pub student_id: Option<i64>,
}

/// The estimated yearly fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// The bracket applied (residents only).
    pub bracket: Option<String>,
    pub lines: Vec<Line>,
    pub total_cents: i64,
}

/// A wish the grid cannot price.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeeError {
    #[error("no price for the course kind {0}")]
    UnknownCourseKind(String),
    #[error("no rental price for the instrument {0}")]
    UnknownRental(String),
}

/// `amount` × `percent` / 100, rounded half up to the cent (amount and percent ≥ 0).
pub fn percent_of(amount_cents: i64, percent: i64) -> i64 {
    (amount_cents * percent + 50).div_euclid(100)
}

/// The field errors of a grid, keyed like its wire form (`brackets[2].percent`); empty
/// when the grid is usable.
pub fn validate(grid: &Grid) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let price = |errors: &mut FieldErrors, field: String, cents: i64| {
        if !(0..=MAX_PRICE_CENTS).contains(&cents) {
            errors.insert(
                field,
                "Le montant doit être compris entre 0 et 100 000 €.".to_owned(),
            );
        }
    };
    let mut codes = BTreeSet::new();
    for (index, kind) in grid.course_kinds.iter().enumerate() {
        code(
            &mut errors,
            &mut codes,
            format!("course_kinds[{index}].code"),
            &kind.code,
        );
        label(
            &mut errors,
            format!("course_kinds[{index}].label"),
            &kind.label,
        );
        price(
            &mut errors,
            format!("course_kinds[{index}].resident_price_cents"),
            kind.resident_price_cents,
        );
        price(
            &mut errors,
            format!("course_kinds[{index}].non_resident_price_cents"),
            kind.non_resident_price_cents,
        );
    }
    if grid.brackets.is_empty() {
        errors.insert(
            "brackets".to_owned(),
            "Il faut au moins une tranche.".to_owned(),
        );
    }
    let mut codes = BTreeSet::new();
    let mut previous: Option<i64> = None;
    let last = grid.brackets.len().saturating_sub(1);
    for (index, bracket) in grid.brackets.iter().enumerate() {
        code(
            &mut errors,
            &mut codes,
            format!("brackets[{index}].code"),
            &bracket.code,
        );
        if !(0..=MAX_BRACKET_PERCENT).contains(&bracket.percent) {
            errors.insert(
                format!("brackets[{index}].percent"),
                format!("Le pourcentage doit être compris entre 0 et {MAX_BRACKET_PERCENT}."),
            );
        }
        let field = format!("brackets[{index}].max_quotient_euros");
        match (bracket.max_quotient_euros, index == last) {
            (None, true) => {}
            (None, false) => {
                errors.insert(
                    field,
                    "Seule la dernière tranche est sans plafond.".to_owned(),
                );
            }
            (Some(_), true) => {
                errors.insert(
                    field,
                    "La dernière tranche doit être sans plafond.".to_owned(),
                );
            }
            (Some(bound), false) => {
                if !(0..=MAX_QUOTIENT_EUROS).contains(&bound) {
                    errors.insert(
                        field,
                        "Le quotient doit être compris entre 0 et 1 000 000 €.".to_owned(),
                    );
                } else if previous.is_some_and(|previous| bound <= previous) {
                    errors.insert(
                        field,
                        "Les tranches se chevauchent : chaque plafond doit dépasser le précédent."
                            .to_owned(),
                    );
                }
                previous = Some(bound);
            }
        }
    }
    price(&mut errors, "floor_cents".to_owned(), grid.floor_cents);
    price(&mut errors, "cap_cents".to_owned(), grid.cap_cents);
    if grid.floor_cents > grid.cap_cents {
        errors.insert(
            "floor_cents".to_owned(),
            "Le plancher ne peut pas dépasser le plafond.".to_owned(),
        );
    }
    for (field, percent) in [
        ("second_child_percent", grid.second_child_percent),
        ("third_child_percent", grid.third_child_percent),
    ] {
        if !(0..=100).contains(&percent) {
            errors.insert(
                field.to_owned(),
                "Le pourcentage doit être compris entre 0 et 100.".to_owned(),
            );
        }
    }
    let mut codes = BTreeSet::new();
    for (index, rental) in grid.rentals.iter().enumerate() {
        code(
            &mut errors,
            &mut codes,
            format!("rentals[{index}].code"),
            &rental.code,
        );
        label(
            &mut errors,
            format!("rentals[{index}].label"),
            &rental.label,
        );
        price(
            &mut errors,
            format!("rentals[{index}].price_cents"),
            rental.price_cents,
        );
    }
    errors
}

fn code(errors: &mut FieldErrors, seen: &mut BTreeSet<String>, field: String, code: &str) {
    let valid = !code.is_empty()
        && code.len() <= 40
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid {
        errors.insert(
            field,
            "Code de 1 à 40 caractères : lettres sans accent, chiffres, - ou _.".to_owned(),
        );
    } else if !seen.insert(code.to_owned()) {
        errors.insert(field, "Ce code est déjà utilisé.".to_owned());
    }
}

fn label(errors: &mut FieldErrors, field: String, label: &str) {
    let length = label.trim().chars().count();
    if length == 0 || length > 100 {
        errors.insert(field, "Libellé de 1 à 100 caractères.".to_owned());
    }
}

/// The bracket of a resident household: the first whose bound is at least the quotient;
/// the last one when no quotient is recorded (or beyond every bound).
pub fn bracket_for(grid: &Grid, quotient_euros: Option<i64>) -> Option<&Bracket> {
    let Some(quotient) = quotient_euros else {
        return grid.brackets.last();
    };
    grid.brackets
        .iter()
        .find(|bracket| {
            bracket
                .max_quotient_euros
                .is_none_or(|bound| quotient <= bound)
        })
        .or(grid.brackets.last())
}

/// The estimated yearly fee of a household for its children's wishes, line by line.
/// The grid must have passed [`validate`].
pub fn estimate(
    grid: &Grid,
    household: Household,
    children: &[Child],
) -> Result<Estimate, FeeError> {
    let bracket = if household.resident {
        bracket_for(grid, household.quotient_euros)
    } else {
        None
    };
    // Each child's course lines and total, before any discount.
    let mut priced = Vec::with_capacity(children.len());
    for child in children {
        let mut lines = Vec::with_capacity(child.course_kinds.len());
        for wished in &child.course_kinds {
            let kind = grid
                .course_kinds
                .iter()
                .find(|kind| &kind.code == wished)
                .ok_or_else(|| FeeError::UnknownCourseKind(wished.clone()))?;
            let (amount_cents, detail) = match (household.resident, bracket) {
                (false, _) => (kind.non_resident_price_cents, "hors commune".to_owned()),
                (true, Some(bracket)) => (
                    percent_of(kind.resident_price_cents, bracket.percent),
                    format!("tranche {} à {} %", bracket.code, bracket.percent),
                ),
                (true, None) => (kind.resident_price_cents, "plein tarif".to_owned()),
            };
            lines.push(Line {
                label: format!("{} – {} ({detail})", kind.label, child.name),
                amount_cents,
                kind: LineKind::Course,
                student_id: Some(child.id),
            });
        }
        let total: i64 = lines.iter().map(|line| line.amount_cents).sum();
        priced.push((child, lines, total));
    }
    // The most expensive child first; the same order whatever order they came in.
    priced.sort_by(|(a, _, a_total), (b, _, b_total)| b_total.cmp(a_total).then(a.id.cmp(&b.id)));

    let mut lines = Vec::new();
    let mut rank = 0;
    for (child, course_lines, total) in &priced {
        if course_lines.is_empty() {
            continue;
        }
        rank += 1;
        lines.extend(course_lines.iter().cloned());
        let (percent, which) = match rank {
            1 => continue,
            2 => (grid.second_child_percent, "2e enfant"),
            _ => (grid.third_child_percent, "3e enfant et suivants"),
        };
        let reduction = percent_of(*total, percent);
        if reduction > 0 {
            lines.push(Line {
                label: format!("Réduction {which} – {} ({percent} %)", child.name),
                amount_cents: -reduction,
                kind: LineKind::Reduction,
                student_id: Some(child.id),
            });
        }
    }
    if rank > 0 {
        let course_fee: i64 = lines.iter().map(|line| line.amount_cents).sum();
        if course_fee < grid.floor_cents {
            lines.push(Line {
                label: "Cotisation minimale (plancher)".to_owned(),
                amount_cents: grid.floor_cents - course_fee,
                kind: LineKind::Adjustment,
                student_id: None,
            });
        } else if course_fee > grid.cap_cents {
            lines.push(Line {
                label: "Cotisation maximale (plafond)".to_owned(),
                amount_cents: grid.cap_cents - course_fee,
                kind: LineKind::Adjustment,
                student_id: None,
            });
        }
    }
    for (child, _, _) in &priced {
        for wished in &child.rentals {
            let rental = grid
                .rentals
                .iter()
                .find(|rental| &rental.code == wished)
                .ok_or_else(|| FeeError::UnknownRental(wished.clone()))?;
            lines.push(Line {
                label: format!("Location {} – {}", rental.label, child.name),
                amount_cents: rental.price_cents,
                kind: LineKind::Rental,
                student_id: Some(child.id),
            });
        }
    }
    let total_cents = lines.iter().map(|line| line.amount_cents).sum();
    Ok(Estimate {
        bracket: bracket.map(|bracket| bracket.code.clone()),
        lines,
        total_cents,
    })
}

/// The instalments of a total: `count` amounts (1 = paid once, 9 = nine instalments),
/// equal but for the first, which takes the remainder of the division so that they add
/// up to the total exactly. `count` 0 is treated as 1. The total must be ≥ 0.
pub fn instalments(total_cents: i64, count: u32) -> Vec<i64> {
    let count = i64::from(count.max(1));
    let each = total_cents.div_euclid(count);
    let remainder = total_cents.rem_euclid(count);
    let mut amounts = vec![each; usize::try_from(count).unwrap_or(1)];
    if let Some(first) = amounts.first_mut() {
        *first += remainder;
    }
    amounts
}

#[cfg(test)]
#[expect(
    clippy::inconsistent_digit_grouping,
    reason = "amounts are written euros_cents: 592_50 is 592.50 €"
)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kind(code: &str, resident: i64, non_resident: i64) -> CourseKind {
        CourseKind {
            code: code.to_owned(),
            label: code.to_owned(),
            resident_price_cents: resident,
            non_resident_price_cents: non_resident,
        }
    }

    fn bracket(code: &str, max: Option<i64>, percent: i64) -> Bracket {
        Bracket {
            code: code.to_owned(),
            max_quotient_euros: max,
            percent,
        }
    }

    /// The demo's grid, shaped like a town's: brackets A–F.
    fn town() -> Grid {
        Grid {
            course_kinds: vec![
                kind("instrument_30", 300_00, 600_00),
                kind("instrument_45", 420_00, 840_00),
                kind("fm", 150_00, 300_00),
                kind("danse", 250_00, 500_00),
                kind("eveil", 120_00, 240_00),
                kind("ensemble", 60_00, 120_00),
            ],
            brackets: vec![
                bracket("A", Some(500), 40),
                bracket("B", Some(700), 55),
                bracket("C", Some(900), 70),
                bracket("D", Some(1200), 85),
                bracket("E", Some(1600), 100),
                bracket("F", None, 100),
            ],
            floor_cents: 50_00,
            cap_cents: 1_500_00,
            second_child_percent: 10,
            third_child_percent: 20,
            rentals: vec![RentalPrice {
                code: "violon".to_owned(),
                label: "violon".to_owned(),
                price_cents: 120_00,
            }],
        }
    }

    fn child(id: i64, kinds: &[&str]) -> Child {
        Child {
            id,
            name: format!("Enfant {id}"),
            course_kinds: kinds.iter().map(|kind| (*kind).to_owned()).collect(),
            rentals: Vec::new(),
        }
    }

    #[test]
    fn the_demo_grid_is_valid() {
        assert_eq!(validate(&town()), FieldErrors::new());
    }

    #[test]
    fn percentages_round_half_up_to_the_cent() {
        assert_eq!(percent_of(1_05, 50), 53); // 52.5 -> 53
        assert_eq!(percent_of(1_01, 50), 51); // 50.5 -> 51
        assert_eq!(percent_of(333, 10), 33); // 33.3 -> 33
        assert_eq!(percent_of(335, 10), 34); // 33.5 -> 34
        assert_eq!(percent_of(0, 85), 0);
    }

    #[test]
    fn brackets_include_their_bound_and_no_quotient_is_the_highest() {
        let grid = town();
        let code = |quotient| bracket_for(&grid, quotient).map(|bracket| bracket.code.as_str());
        assert_eq!(code(Some(0)), Some("A"));
        assert_eq!(code(Some(500)), Some("A"));
        assert_eq!(code(Some(501)), Some("B"));
        assert_eq!(code(Some(1200)), Some("D"));
        assert_eq!(code(Some(99_999)), Some("F"));
        assert_eq!(code(None), Some("F"));
    }

    #[test]
    fn worked_example_two_children_in_bracket_c() -> Result<(), FeeError> {
        // Quotient 850 € -> C, 70 %. Child 1: instrument 30 (300 € -> 210 €) and FM
        // (150 € -> 105 €) = 315 €. Child 2: danse (250 € -> 175 €) = 175 €, 2nd child:
        // 10 % off = -17.50 €. Violin rental 120 €. Total 315 + 175 - 17.50 + 120.
        let grid = town();
        let mut second = child(2, &["danse"]);
        second.rentals.push("violon".to_owned());
        let estimate = estimate(
            &grid,
            Household {
                resident: true,
                quotient_euros: Some(850),
            },
            &[second, child(1, &["instrument_30", "fm"])],
        )?;
        assert_eq!(estimate.bracket.as_deref(), Some("C"));
        let amounts: Vec<(LineKind, i64)> = estimate
            .lines
            .iter()
            .map(|line| (line.kind, line.amount_cents))
            .collect();
        assert_eq!(
            amounts,
            vec![
                (LineKind::Course, 210_00),
                (LineKind::Course, 105_00),
                (LineKind::Course, 175_00),
                (LineKind::Reduction, -17_50),
                (LineKind::Rental, 120_00),
            ]
        );
        assert_eq!(estimate.total_cents, 592_50);
        assert_eq!(
            estimate.lines[3].label,
            "Réduction 2e enfant – Enfant 2 (10 %)"
        );
        assert_eq!(
            instalments(estimate.total_cents, 9),
            vec![
                65_86, 65_83, 65_83, 65_83, 65_83, 65_83, 65_83, 65_83, 65_83
            ]
        );
        Ok(())
    }

    #[test]
    fn worked_example_third_child_non_resident() -> Result<(), FeeError> {
        // Non-residents: 600 + 500 + 240 = 1340 €; ranked 600, 500 (-10 % = -50),
        // 240 (-20 % = -48): 1242 €.
        let estimate = estimate(
            &town(),
            Household {
                resident: false,
                quotient_euros: Some(300),
            },
            &[
                child(3, &["eveil"]),
                child(1, &["instrument_30"]),
                child(2, &["danse"]),
            ],
        )?;
        assert_eq!(estimate.bracket, None);
        assert_eq!(estimate.total_cents, 1_242_00);
        Ok(())
    }

    #[test]
    fn floor_and_cap_adjust_the_course_fee_but_not_rentals() -> Result<(), FeeError> {
        let grid = town();
        let poor = Household {
            resident: true,
            quotient_euros: Some(100),
        };
        // Ensemble at 40 % = 24 €, raised to the 50 € floor; the rental stays on top.
        let mut only = child(1, &["ensemble"]);
        only.rentals.push("violon".to_owned());
        let estimate_floor = estimate(&grid, poor, &[only])?;
        assert_eq!(estimate_floor.lines[1].kind, LineKind::Adjustment);
        assert_eq!(estimate_floor.lines[1].amount_cents, 26_00);
        assert_eq!(estimate_floor.total_cents, 50_00 + 120_00);
        // No course, only a rental: no floor.
        let mut renter = child(1, &[]);
        renter.rentals.push("violon".to_owned());
        assert_eq!(estimate(&grid, poor, &[renter])?.total_cents, 120_00);
        // Four 45 min instruments at full price, 1680 €, capped at 1500 €.
        let rich = Household {
            resident: true,
            quotient_euros: None,
        };
        let four = child(1, &["instrument_45"; 4]);
        assert_eq!(estimate(&grid, rich, &[four])?.total_cents, 1_500_00);
        Ok(())
    }

    #[test]
    fn unknown_wishes_are_errors() {
        let household = Household {
            resident: true,
            quotient_euros: None,
        };
        assert_eq!(
            estimate(&town(), household, &[child(1, &["tuba"])]),
            Err(FeeError::UnknownCourseKind("tuba".to_owned()))
        );
        let mut renter = child(1, &[]);
        renter.rentals.push("harpe".to_owned());
        assert_eq!(
            estimate(&town(), household, &[renter]),
            Err(FeeError::UnknownRental("harpe".to_owned()))
        );
    }

    #[test]
    fn invalid_grids_name_their_fields() {
        let mut grid = town();
        grid.course_kinds[1].resident_price_cents = -1;
        grid.brackets[2].max_quotient_euros = Some(700);
        grid.floor_cents = 2_000_00;
        grid.third_child_percent = 101;
        grid.rentals.push(grid.rentals[0].clone());
        let errors = validate(&grid);
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            vec![
                "brackets[2].max_quotient_euros",
                "course_kinds[1].resident_price_cents",
                "floor_cents",
                "rentals[1].code",
                "third_child_percent",
            ]
        );
        let mut grid = town();
        grid.brackets.pop();
        assert!(validate(&grid).contains_key("brackets[4].max_quotient_euros"));
    }

    #[test]
    fn instalments_put_the_remainder_on_the_first() {
        assert_eq!(instalments(100_00, 1), vec![100_00]);
        assert_eq!(
            instalments(100_00, 9),
            vec![
                11_12, 11_11, 11_11, 11_11, 11_11, 11_11, 11_11, 11_11, 11_11
            ]
        );
        assert_eq!(instalments(0, 9), vec![0; 9]);
        assert_eq!(instalments(8, 9), vec![8, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    // Property tests: a valid grid of random prices, brackets and limits, a household and
    // up to four children wishing up to five courses among the grid's kinds.

    fn grid_strategy() -> impl Strategy<Value = Grid> {
        (
            prop::collection::vec((0..MAX_PRICE_CENTS / 10, 0..MAX_PRICE_CENTS / 10), 1..6),
            prop::collection::btree_set(0..5_000i64, 0..6),
            prop::collection::vec(0..=MAX_BRACKET_PERCENT, 7),
            (0..2_000_00i64, 0..5_000_00i64),
            (0..=100i64, 0..=100i64),
            prop::collection::vec(0..1_000_00i64, 0..3),
        )
            .prop_map(
                |(kinds, bounds, percents, (floor, extra), (second, third), rentals)| {
                    let mut brackets: Vec<Bracket> = bounds
                        .into_iter()
                        .enumerate()
                        .map(|(index, bound)| {
                            bracket(&format!("T{index}"), Some(bound), percents[index])
                        })
                        .collect();
                    brackets.push(bracket("Z", None, percents[6]));
                    Grid {
                        course_kinds: kinds
                            .into_iter()
                            .enumerate()
                            .map(|(index, (resident, non_resident))| {
                                kind(&format!("k{index}"), resident, non_resident)
                            })
                            .collect(),
                        brackets,
                        floor_cents: floor,
                        cap_cents: floor + extra,
                        second_child_percent: second,
                        third_child_percent: third,
                        rentals: rentals
                            .into_iter()
                            .enumerate()
                            .map(|(index, price)| RentalPrice {
                                code: format!("r{index}"),
                                label: format!("r{index}"),
                                price_cents: price,
                            })
                            .collect(),
                    }
                },
            )
    }

    fn household_strategy() -> impl Strategy<Value = Household> {
        (any::<bool>(), prop::option::of(0..6_000i64)).prop_map(|(resident, quotient_euros)| {
            Household {
                resident,
                quotient_euros,
            }
        })
    }

    /// A grid, a household and children whose wishes all exist in the grid (billing's
    /// properties draw their estimates from it too).
    pub(crate) fn case_strategy() -> impl Strategy<Value = (Grid, Household, Vec<Child>)> {
        (grid_strategy(), household_strategy()).prop_flat_map(|(grid, household)| {
            let kinds = grid.course_kinds.len();
            let rentals = grid.rentals.len();
            let child = (
                prop::collection::vec(0..kinds, 0..5),
                prop::collection::vec(0..rentals.max(1), 0..if rentals == 0 { 1 } else { 2 }),
            );
            let children = prop::collection::vec(child, 0..5);
            (Just(grid), Just(household), children).prop_map(|(grid, household, wishes)| {
                let children = wishes
                    .into_iter()
                    .enumerate()
                    .map(|(index, (courses, rented))| Child {
                        id: i64::try_from(index).unwrap_or(0) + 1,
                        name: format!("Enfant {index}"),
                        course_kinds: courses
                            .iter()
                            .map(|&k| grid.course_kinds[k].code.clone())
                            .collect(),
                        rentals: rented
                            .iter()
                            .map(|&r| grid.rentals[r].code.clone())
                            .collect(),
                    })
                    .collect();
                (grid, household, children)
            })
        })
    }

    /// A case and the same children in another order, each with their courses shuffled.
    fn permuted_strategy() -> impl Strategy<Value = (Grid, Household, Vec<Child>, Vec<Child>)> {
        case_strategy().prop_flat_map(|(grid, household, children)| {
            let shuffled: Vec<_> = children
                .iter()
                .map(|child| {
                    let child = child.clone();
                    Just(child.course_kinds.clone())
                        .prop_shuffle()
                        .prop_map(move |course_kinds| Child {
                            course_kinds,
                            ..child.clone()
                        })
                })
                .collect();
            (
                Just(grid),
                Just(household),
                Just(children),
                shuffled.prop_shuffle(),
            )
        })
    }

    fn rentals_of(grid: &Grid, children: &[Child]) -> i64 {
        children
            .iter()
            .flat_map(|child| &child.rentals)
            .filter_map(|code| grid.rentals.iter().find(|r| &r.code == code))
            .map(|rental| rental.price_cents)
            .sum()
    }

    proptest! {
        #[test]
        fn generated_grids_are_valid((grid, _, _) in case_strategy()) {
            prop_assert_eq!(validate(&grid), FieldErrors::new());
        }

        #[test]
        fn a_permutation_of_the_wishes_never_changes_the_total(
            (grid, household, children, permuted) in permuted_strategy()
        ) {
            let one = estimate(&grid, household, &children)?;
            let other = estimate(&grid, household, &permuted)?;
            prop_assert_eq!(one.total_cents, other.total_cents);
            prop_assert_eq!(one.bracket, other.bracket);
        }

        #[test]
        fn lines_add_up_to_the_total((grid, household, children) in case_strategy()) {
            let estimate = estimate(&grid, household, &children)?;
            let sum: i64 = estimate.lines.iter().map(|line| line.amount_cents).sum();
            prop_assert_eq!(sum, estimate.total_cents);
            for line in &estimate.lines {
                match line.kind {
                    LineKind::Course | LineKind::Rental => prop_assert!(line.amount_cents >= 0),
                    LineKind::Reduction => prop_assert!(line.amount_cents < 0),
                    LineKind::Adjustment => prop_assert!(line.amount_cents != 0),
                }
            }
        }

        #[test]
        fn the_course_fee_stays_between_the_floor_and_the_cap(
            (grid, household, children) in case_strategy()
        ) {
            let estimate = estimate(&grid, household, &children)?;
            let course_fee = estimate.total_cents - rentals_of(&grid, &children);
            let any_course = children.iter().any(|child| !child.course_kinds.is_empty());
            if any_course {
                prop_assert!(course_fee >= grid.floor_cents, "{course_fee} < floor {}", grid.floor_cents);
                prop_assert!(course_fee <= grid.cap_cents, "{course_fee} > cap {}", grid.cap_cents);
            } else {
                prop_assert_eq!(course_fee, 0);
            }
            prop_assert!(estimate.total_cents >= 0);
        }

        #[test]
        fn instalments_add_up_to_the_total(total in 0..100_000_000i64, nine in any::<bool>()) {
            let count = if nine { 9 } else { 1 };
            let amounts = instalments(total, count);
            prop_assert_eq!(amounts.len(), count as usize);
            prop_assert_eq!(amounts.iter().sum::<i64>(), total);
            let rest = amounts[amounts.len() - 1];
            prop_assert!(amounts[1..].iter().all(|&amount| amount == rest));
            prop_assert!(amounts[0] >= rest && amounts[0] - rest < i64::from(count));
        }

        #[test]
        fn the_estimated_total_splits_into_nine((grid, household, children) in case_strategy()) {
            let total = estimate(&grid, household, &children)?.total_cents;
            prop_assert_eq!(instalments(total, 9).iter().sum::<i64>(), total);
        }
    }
}
