//! Rentals (locations): the school's inventory of instruments, rooms and equipment, lent
//! to a household (an instrument to one of its children) for a period and returned, and
//! the wire types of invoicing them per period.
//!
//! Each item is priced by one of the tariff grid's rentals (its `code`, a yearly price in
//! cents). A school year bills at most ten months (September to June), each month a
//! tenth of the yearly price, so that a whole year's loan, invoiced in any number of
//! periods, adds up to exactly the yearly price.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What kind of thing is rented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RentalCategory {
    /// An instrument, lent to a child.
    Instrument,
    /// A room (salle), rented by the household.
    Salle,
    /// Equipment (matériel), rented by the household.
    Materiel,
}

impl RentalCategory {
    /// Every category, in display order.
    pub const ALL: [RentalCategory; 3] = [
        RentalCategory::Instrument,
        RentalCategory::Salle,
        RentalCategory::Materiel,
    ];

    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            RentalCategory::Instrument => "instrument",
            RentalCategory::Salle => "salle",
            RentalCategory::Materiel => "materiel",
        }
    }

    /// The category of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            RentalCategory::Instrument => "Instrument",
            RentalCategory::Salle => "Salle",
            RentalCategory::Materiel => "Matériel",
        }
    }
}

deserialize_by_name!(RentalCategory, "rental category");

/// The state an item is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemCondition {
    /// New.
    Neuf,
    /// Good.
    Bon,
    /// Worn (usé).
    Use,
    /// To be repaired: not lent until repaired.
    AReparer,
    /// Out of service: never lent again.
    HorsService,
}

impl ItemCondition {
    /// Every state, best first.
    pub const ALL: [ItemCondition; 5] = [
        ItemCondition::Neuf,
        ItemCondition::Bon,
        ItemCondition::Use,
        ItemCondition::AReparer,
        ItemCondition::HorsService,
    ];

    /// The database and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemCondition::Neuf => "neuf",
            ItemCondition::Bon => "bon",
            ItemCondition::Use => "use",
            ItemCondition::AReparer => "a_reparer",
            ItemCondition::HorsService => "hors_service",
        }
    }

    /// The state of a database name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// The French label.
    pub fn label(self) -> &'static str {
        match self {
            ItemCondition::Neuf => "Neuf",
            ItemCondition::Bon => "Bon état",
            ItemCondition::Use => "Usé",
            ItemCondition::AReparer => "À réparer",
            ItemCondition::HorsService => "Hors service",
        }
    }

    /// Whether an item in this state may be lent.
    pub fn lendable(self) -> bool {
        !matches!(self, ItemCondition::AReparer | ItemCondition::HorsService)
    }
}

deserialize_by_name!(ItemCondition, "item condition");

/// An item of the inventory, as staff type it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RentalItemInput {
    /// Instrument, room or equipment.
    pub category: RentalCategory,
    /// The tariff grid's rental that prices it (its code, e.g. `violon`).
    pub tariff_code: String,
    /// What it is, e.g. "Violon 3/4" (1 to 200 characters).
    pub label: String,
    /// Make (marque), up to 100 characters.
    #[serde(default)]
    pub make: String,
    /// The school's inventory number, unique on the site (1 to 50 characters).
    pub inventory_number: String,
    /// Serial number, up to 100 characters.
    #[serde(default)]
    pub serial_number: String,
    /// Its state.
    pub condition: ItemCondition,
    /// Staff notes, up to 1000 characters.
    #[serde(default)]
    pub notes: String,
    /// For an update: the version read (a stale one answers 409). Ignored on creation.
    #[serde(default)]
    pub version: Option<i32>,
}

/// The loan an item is out on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentLoan {
    /// The loan.
    pub loan_id: i64,
    /// The household.
    pub household_id: i64,
    /// The household's name.
    pub household_name: String,
    /// The child, for an instrument.
    pub student_name: Option<String>,
    /// The planned end.
    pub ends_on: NaiveDate,
}

/// An item of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RentalItem {
    /// Database id.
    pub id: i64,
    /// Instrument, room or equipment.
    pub category: RentalCategory,
    /// The tariff grid's rental code.
    pub tariff_code: String,
    /// What it is.
    pub label: String,
    /// Make.
    pub make: String,
    /// Inventory number.
    pub inventory_number: String,
    /// Serial number.
    pub serial_number: String,
    /// Its state.
    pub condition: ItemCondition,
    /// Staff notes.
    pub notes: String,
    /// The loan it is out on, if any.
    pub current_loan: Option<CurrentLoan>,
    /// Send it back with an update.
    pub version: i32,
}

/// Filters of the inventory (`?category=instrument&available=true&q=violon`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct RentalItemQuery {
    /// Only this category.
    #[serde(default)]
    pub category: Option<RentalCategory>,
    /// Only items that can be lent now (`true`: in a lendable state and not out), or
    /// only items out on a loan (`false`).
    #[serde(default)]
    pub available: Option<bool>,
    /// Searches the label, make, inventory and serial numbers.
    #[serde(default)]
    pub q: Option<String>,
    /// Page number, from 1 (default 1).
    #[serde(default)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default)]
    pub per_page: Option<i64>,
}

/// A new loan.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RentalLoanInput {
    /// The item lent (in a lendable state, not out on another loan).
    pub item_id: i64,
    /// The household borrowing it.
    pub household_id: i64,
    /// The household's child an instrument is lent to (required for an instrument).
    #[serde(default)]
    pub student_id: Option<i64>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Planned last day (at most two years after the first).
    pub ends_on: NaiveDate,
}

/// Changes to a loan not yet returned: its planned end.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RentalLoanUpdate {
    /// The new planned last day (not before a month already invoiced).
    pub ends_on: NaiveDate,
    /// The version read (a stale one answers 409).
    pub version: i32,
}

/// The return of a loaned item.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RentalReturnInput {
    /// The day it came back (not before the loan's first day, not in the future).
    pub returned_on: NaiveDate,
    /// The state it came back in (becomes the item's).
    pub condition: ItemCondition,
    /// What staff noticed, up to 1000 characters.
    #[serde(default)]
    pub notes: String,
    /// The loan's version read (a stale one answers 409).
    pub version: i32,
}

/// A loan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RentalLoan {
    /// Database id.
    pub id: i64,
    /// The item.
    pub item_id: i64,
    /// The item's category.
    pub category: RentalCategory,
    /// The item's label.
    pub item_label: String,
    /// The item's inventory number.
    pub inventory_number: String,
    /// The household.
    pub household_id: i64,
    /// The household's name.
    pub household_name: String,
    /// The child, for an instrument.
    pub student_id: Option<i64>,
    /// The child's first and last name.
    pub student_name: Option<String>,
    /// First day.
    pub starts_on: NaiveDate,
    /// Planned last day.
    pub ends_on: NaiveDate,
    /// The day it came back, once returned.
    pub returned_on: Option<NaiveDate>,
    /// The state it came back in.
    pub return_condition: Option<ItemCondition>,
    /// What staff noticed on return.
    pub return_notes: String,
    /// The months already invoiced (first day of each), in order.
    pub invoiced_months: Vec<NaiveDate>,
    /// Send it back with an update or the return.
    pub version: i32,
}

/// Filters of the loans (`?household_id=3&open=true`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct RentalLoanQuery {
    /// Only this household's.
    #[serde(default)]
    pub household_id: Option<i64>,
    /// Only this item's.
    #[serde(default)]
    pub item_id: Option<i64>,
    /// Only loans not yet returned (`true`) or returned (`false`).
    #[serde(default)]
    pub open: Option<bool>,
    /// Page number, from 1 (default 1).
    #[serde(default)]
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    #[serde(default)]
    pub per_page: Option<i64>,
}

/// Invoicing the loans for a period: one `location` invoice per household, one line per
/// loan for its months in the period not yet invoiced.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RentalInvoicesInput {
    /// First day of the period (its month is the first billed).
    pub from: NaiveDate,
    /// Last day of the period (its month is the last billed; at most 12 months).
    pub to: NaiveDate,
    /// Preview only: nothing is issued.
    #[serde(default)]
    pub dry_run: bool,
}

/// Months of a school year billed for a rental: September to June.
pub const BILLED_MONTHS_PER_YEAR: i64 = 10;

/// Whether a month (1 to 12) is billed for a rental: the school is closed in July and
/// August.
pub fn billed_month(month: u32) -> bool {
    !matches!(month, 7 | 8)
}

/// What `months` more months of a loan cost when `before` months of the same school year
/// were already invoiced, for a yearly price: the difference of the rounded prorata, so
/// that any split of a year's ten months adds up to exactly the yearly price.
pub fn rental_amount(yearly_cents: i64, before: i64, months: i64) -> i64 {
    let prorata = |count: i64| {
        let count = count.clamp(0, BILLED_MONTHS_PER_YEAR);
        (yearly_cents * count + BILLED_MONTHS_PER_YEAR / 2) / BILLED_MONTHS_PER_YEAR
    };
    prorata(before + months) - prorata(before)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_year_in_three_terms_adds_up_to_the_yearly_price() {
        let yearly = 12_345;
        let terms = [4, 3, 3];
        let mut before = 0;
        let mut sum = 0;
        for months in terms {
            sum += rental_amount(yearly, before, months);
            before += months;
        }
        assert_eq!(sum, yearly);
        assert_eq!(rental_amount(yearly, 0, 4), 4_938);
    }

    #[test]
    fn months_beyond_ten_cost_nothing_more() {
        assert_eq!(rental_amount(10_000, 10, 2), 0);
        assert_eq!(rental_amount(10_000, 9, 3), 1_000);
    }

    #[test]
    fn july_and_august_are_not_billed() {
        let billed: Vec<u32> = (1..=12).filter(|month| billed_month(*month)).collect();
        assert_eq!(billed, vec![1, 2, 3, 4, 5, 6, 9, 10, 11, 12]);
    }

    #[test]
    fn names_round_trip() {
        for category in RentalCategory::ALL {
            assert_eq!(RentalCategory::parse(category.as_str()), Some(category));
        }
        for state in ItemCondition::ALL {
            assert_eq!(ItemCondition::parse(state.as_str()), Some(state));
        }
        assert!(!ItemCondition::AReparer.lendable());
    }
}
