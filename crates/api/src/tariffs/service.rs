//! The rules of tariffs: the site's grid (read, replaced whole against its version,
//! validated by `fee::validate`, audited) and the estimate of a household's fee from the
//! grid, the household's recorded residency and quotient, and its children's wishes.

use std::collections::{BTreeMap, BTreeSet};

use tutti_shared::{
    FeeEstimate, FeeEstimateRequest, FeeLine, FeeLineKind, TariffBracket, TariffCourseKind,
    TariffGrid, TariffRental,
};

use super::fee;
use super::store;
use crate::audit::record_school_action;
use crate::caller::SchoolCaller;
use crate::db::{DbConnection, now, write_transaction};
use crate::domain::{DomainError, FieldErrors, HouseholdId, SiteId};
use crate::state::AppState;

/// Children per estimate, and courses or rentals per child: bounds a request's work.
const MAX_ESTIMATE_ITEMS: usize = 20;

/// The grid of a site that never saved one: no course kind, one bracket at full price.
fn empty_grid() -> TariffGrid {
    TariffGrid {
        version: 0,
        course_kinds: Vec::new(),
        brackets: vec![TariffBracket {
            code: "A".to_owned(),
            max_quotient_euros: None,
            percent: 100,
        }],
        floor_cents: 0,
        cap_cents: fee::MAX_PRICE_CENTS,
        second_child_percent: 0,
        third_child_percent: 0,
        rentals: Vec::new(),
    }
}

/// The wire grid as the computation's grid.
pub fn to_fee_grid(grid: &TariffGrid) -> fee::Grid {
    fee::Grid {
        course_kinds: grid
            .course_kinds
            .iter()
            .map(|kind| fee::CourseKind {
                code: kind.code.clone(),
                label: kind.label.trim().to_owned(),
                resident_price_cents: kind.resident_price_cents,
                non_resident_price_cents: kind.non_resident_price_cents,
            })
            .collect(),
        brackets: grid
            .brackets
            .iter()
            .map(|bracket| fee::Bracket {
                code: bracket.code.clone(),
                max_quotient_euros: bracket.max_quotient_euros,
                percent: bracket.percent,
            })
            .collect(),
        floor_cents: grid.floor_cents,
        cap_cents: grid.cap_cents,
        second_child_percent: grid.second_child_percent,
        third_child_percent: grid.third_child_percent,
        rentals: grid
            .rentals
            .iter()
            .map(|rental| fee::RentalPrice {
                code: rental.code.clone(),
                label: rental.label.trim().to_owned(),
                price_cents: rental.price_cents,
            })
            .collect(),
    }
}

/// The site's grid as stored (or the empty grid), read inside the caller's transaction.
pub fn read_grid(connection: &mut DbConnection, site: SiteId) -> Result<TariffGrid, DomainError> {
    let Some(row) = store::find_grid(connection, site)? else {
        return Ok(empty_grid());
    };
    let mut grid: TariffGrid = serde_json::from_str(&row.grid)
        .map_err(|error| DomainError::Internal(format!("stored tariff grid: {error}")))?;
    grid.version = row.version;
    Ok(grid)
}

/// The site's tariff grid.
pub async fn grid(state: &AppState, site: SiteId) -> Result<TariffGrid, DomainError> {
    state
        .db
        .work(move |connection| read_grid(connection, site))
        .await
}

/// Replaces the site's grid if it is valid and the caller read its current version.
pub async fn replace_grid(
    state: &AppState,
    caller: SchoolCaller,
    input: TariffGrid,
) -> Result<TariffGrid, DomainError> {
    DomainError::check(fee::validate(&to_fee_grid(&input)))?;
    let site = caller.site;
    state
        .db
        .work(move |connection| {
            write_transaction(connection, |connection| {
                save_grid(connection, site, input)?;
                record_school_action(connection, &caller, "tariff_grid_updated", "site", site.0)?;
                read_grid(connection, site)
            })
        })
        .await
}

/// Saves a validated grid against the version it was read at (409 when it moved on).
pub fn save_grid(
    connection: &mut DbConnection,
    site: SiteId,
    input: TariffGrid,
) -> Result<(), DomainError> {
    let version = input.version;
    let stored = TariffGrid {
        version: 0,
        course_kinds: input
            .course_kinds
            .into_iter()
            .map(|kind| TariffCourseKind {
                label: kind.label.trim().to_owned(),
                ..kind
            })
            .collect(),
        rentals: input
            .rentals
            .into_iter()
            .map(|rental| TariffRental {
                label: rental.label.trim().to_owned(),
                ..rental
            })
            .collect(),
        ..input
    };
    let json = serde_json::to_string(&stored)
        .map_err(|error| DomainError::Internal(format!("tariff grid: {error}")))?;
    match store::find_grid(connection, site)? {
        // Two first saves at once: the second meets the primary key, and is as stale as
        // an update whose version moved on.
        None if version == 0 => {
            if !store::insert_grid(connection, site, &json, now())? {
                return Err(DomainError::Stale);
            }
        }
        None => return Err(DomainError::Stale),
        Some(_) => {
            if !store::update_grid(connection, site, &json, version, now())? {
                return Err(DomainError::Stale);
            }
        }
    }
    Ok(())
}

/// The estimated yearly fee of a household of the caller's site for its children's
/// wished courses and rentals: the same computation the wizard and billing use. Audited
/// (`fee_estimated`): it reads the household's quotient familial.
pub async fn estimate(
    state: &AppState,
    caller: SchoolCaller,
    request: FeeEstimateRequest,
) -> Result<FeeEstimate, DomainError> {
    if request.instalments != 1 && request.instalments != 9 {
        return Err(DomainError::field(
            "instalments",
            "Le paiement se fait en une fois (1) ou en neuf fois (9).",
        ));
    }
    if request.children.len() > MAX_ESTIMATE_ITEMS
        || request.children.iter().any(|child| {
            child.course_ids.len() > MAX_ESTIMATE_ITEMS || child.rentals.len() > MAX_ESTIMATE_ITEMS
        })
    {
        return Err(DomainError::field(
            "children",
            "Au plus 20 enfants, 20 cours et 20 locations par enfant.",
        ));
    }
    state
        .db
        .work(move |connection| {
            let estimate = estimate_in(connection, caller.site, &request)?;
            record_school_action(
                connection,
                &caller,
                "fee_estimated",
                "family",
                request.household_id,
            )?;
            Ok(estimate)
        })
        .await
}

/// [`estimate`] inside the caller's connection (the wizard's récapitulatif will call it).
pub fn estimate_in(
    connection: &mut DbConnection,
    site: SiteId,
    request: &FeeEstimateRequest,
) -> Result<FeeEstimate, DomainError> {
    let household = HouseholdId(request.household_id);
    let (resident, quotient) =
        store::household_fee_facts(connection, site, household)?.ok_or(DomainError::NotFound)?;
    let names: BTreeMap<i64, String> = store::household_students(connection, site, household)?
        .into_iter()
        .collect();
    let grid = read_grid(connection, site)?;
    let course_ids: Vec<i64> = request
        .children
        .iter()
        .flat_map(|child| child.course_ids.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let kinds: BTreeMap<i64, Option<String>> =
        store::course_fee_kinds(connection, site, &course_ids)?
            .into_iter()
            .collect();

    let mut errors = FieldErrors::new();
    let mut seen = BTreeSet::new();
    let mut children = Vec::with_capacity(request.children.len());
    for (index, wish) in request.children.iter().enumerate() {
        let Some(name) = names.get(&wish.student_id) else {
            errors.insert(
                format!("children[{index}].student_id"),
                "Cet élève n'appartient pas à ce foyer.".to_owned(),
            );
            continue;
        };
        if !seen.insert(wish.student_id) {
            errors.insert(
                format!("children[{index}].student_id"),
                "Cet élève est déjà dans la liste.".to_owned(),
            );
        }
        let mut course_kinds = Vec::with_capacity(wish.course_ids.len());
        for (position, course_id) in wish.course_ids.iter().enumerate() {
            let field = format!("children[{index}].course_ids[{position}]");
            match kinds.get(course_id) {
                None => {
                    errors.insert(field, "Ce cours n'existe pas.".to_owned());
                }
                Some(None) => {
                    errors.insert(
                        field,
                        "Ce cours n'a pas de tarif (type de cours).".to_owned(),
                    );
                }
                Some(Some(kind)) if !grid.course_kinds.iter().any(|known| &known.code == kind) => {
                    errors.insert(
                        field,
                        format!("La grille tarifaire n'a pas de prix pour « {kind} »."),
                    );
                }
                Some(Some(kind)) => course_kinds.push(kind.clone()),
            }
        }
        for (position, rental) in wish.rentals.iter().enumerate() {
            if !grid.rentals.iter().any(|known| &known.code == rental) {
                errors.insert(
                    format!("children[{index}].rentals[{position}]"),
                    "La grille tarifaire n'a pas de prix de location pour cet instrument."
                        .to_owned(),
                );
            }
        }
        children.push(fee::Child {
            id: wish.student_id,
            name: name.clone(),
            course_kinds,
            rentals: wish.rentals.clone(),
        });
    }
    DomainError::check(errors)?;

    let computed = fee::estimate(
        &to_fee_grid(&grid),
        fee::Household {
            resident,
            quotient_euros: quotient,
        },
        &children,
    )
    .map_err(|error| DomainError::field("children", error.to_string()))?;
    Ok(FeeEstimate {
        resident,
        quotient_familial_euros: quotient,
        bracket: computed.bracket,
        lines: computed
            .lines
            .into_iter()
            .map(|line| FeeLine {
                label: line.label,
                amount_cents: line.amount_cents,
                kind: match line.kind {
                    fee::LineKind::Course => FeeLineKind::Course,
                    fee::LineKind::Reduction => FeeLineKind::Reduction,
                    fee::LineKind::Adjustment => FeeLineKind::Adjustment,
                    fee::LineKind::Rental => FeeLineKind::Rental,
                },
                student_id: line.student_id,
            })
            .collect(),
        total_cents: computed.total_cents,
        instalments: fee::instalments(computed.total_cents, request.instalments),
    })
}
