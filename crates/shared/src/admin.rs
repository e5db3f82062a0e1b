//! Lists for the staff's admin section.

use serde::{Deserialize, Serialize};

/// Default number of items per page.
pub const DEFAULT_PER_PAGE: i64 = 20;
/// Largest page a client may ask for.
pub const MAX_PER_PAGE: i64 = 100;
/// Highest page number accepted: far beyond any real list, and small enough that the
/// offset (`(page - 1) * per_page`) can never overflow.
pub const MAX_PAGE: i64 = 100_000;

/// One page of a list; every list endpoint answers with this shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items match the filters, over all pages.
    pub total: i64,
    /// This page's number, from 1.
    pub page: i64,
    /// Items per page.
    pub per_page: i64,
}

/// Paging and search parameters common to every list (`?page=1&per_page=20&q=...`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Page number, from 1 (default 1) to 100000; a larger one answers 422.
    pub page: Option<i64>,
    /// Items per page, 1 to 100 (default 20).
    pub per_page: Option<i64>,
    /// Free-text search; each list says which fields it searches.
    pub q: Option<String>,
}

impl ListQuery {
    /// The page number and size after applying defaults and bounds; a page number above
    /// [`MAX_PAGE`] is refused (the French message for the `page` field).
    pub fn bounds(&self) -> Result<(i64, i64), String> {
        let page = self.page.unwrap_or(1).max(1);
        if page > MAX_PAGE {
            return Err(format!("Numéro de page trop grand ({MAX_PAGE} au plus)."));
        }
        let per_page = self
            .per_page
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE);
        Ok((page, per_page))
    }

    /// The search text, trimmed, if any.
    pub fn search(&self) -> Option<&str> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|text| !text.is_empty())
    }
}

/// A household in the staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyListItem {
    /// Database id of the household.
    pub id: i64,
    /// Display name, e.g. "Famille Martin".
    pub name: String,
    /// Number of guardians (responsables).
    pub guardian_count: i64,
    /// Number of children (élèves).
    pub student_count: i64,
}
