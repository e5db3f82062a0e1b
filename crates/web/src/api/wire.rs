//! Wire types of the contract that `tutti_shared` does not hold yet.
//!
//! The contract announces `Page<T>` and `FamilyListItem` in `crates/shared`; until they land
//! there, these mirrors decode the same JSON. When they do, replace this module with
//! `pub use tutti_shared::{FamilyListItem, Page};` and keep [`FamilyQuery`].

use serde::Deserialize;

use super::encode_query_value;

/// One page of a paginated list: `?page=1&per_page=20&q=...`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// How many rows match the filter, over all pages.
    pub total: i64,
    /// The 1-based number of this page.
    pub page: i64,
    /// How many rows a page holds.
    pub per_page: i64,
}

impl<T> Page<T> {
    /// How many pages the whole list spans (at least one, so "page 1 of 1" reads right).
    pub fn page_count(&self) -> i64 {
        if self.per_page <= 0 {
            return 1;
        }
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// A household in the staff's list of families.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FamilyListItem {
    /// Database id of the household.
    pub id: i64,
    /// Display name, e.g. "Famille Martin".
    pub name: String,
    /// How many guardians ("responsables") the household has.
    pub guardian_count: i64,
    /// How many children ("élèves") the household has.
    pub student_count: i64,
}

/// What the staff asked for: a search text and a page number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyQuery {
    /// Free text matched by the server against family names; empty means everything.
    pub search: String,
    /// The 1-based page wanted.
    pub page: i64,
}

impl FamilyQuery {
    /// How many families one page shows.
    pub const PER_PAGE: i64 = 20;

    /// The request path with its query string.
    pub fn to_path(&self) -> String {
        let mut path =
            format!("/api/v1/admin/families?page={}&per_page={}", self.page.max(1), Self::PER_PAGE);
        let search = self.search.trim();
        if !search.is_empty() {
            path.push_str("&q=");
            path.push_str(&encode_query_value(search));
        }
        path
    }
}

impl Default for FamilyQuery {
    fn default() -> Self {
        Self { search: String::new(), page: 1 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_family_query_carries_page_size_and_trimmed_search() {
        let query = FamilyQuery { search: "  Le Gall ".to_owned(), page: 2 };
        assert_eq!(query.to_path(), "/api/v1/admin/families?page=2&per_page=20&q=Le%20Gall");
        assert_eq!(FamilyQuery::default().to_path(), "/api/v1/admin/families?page=1&per_page=20");
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let page = |total| Page::<()> { items: vec![], total, page: 1, per_page: 20 };
        assert_eq!(page(0).page_count(), 1);
        assert_eq!(page(20).page_count(), 1);
        assert_eq!(page(21).page_count(), 2);
    }

    #[test]
    fn a_page_of_families_decodes_from_the_contract_json() {
        let json = r#"{"items":[{"id":1,"name":"Famille Martin","guardian_count":2,"student_count":3}],
                       "total":1,"page":1,"per_page":20}"#;
        let page: Page<FamilyListItem> =
            serde_json::from_str(json).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(page.items[0].name, "Famille Martin");
    }
}
