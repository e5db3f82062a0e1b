//! CSV exports (a campaign's files, invoices, payments), the way French spreadsheets open them: UTF-8 with a byte
//! order mark, `;` between fields, CRLF line ends, quotes where a field needs them.

use crate::domain::DomainError;

/// An amount in cents as a French spreadsheet reads a number: "1234,56", "-17,50".
pub fn spreadsheet_amount(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{},{:02}", cents / 100, cents % 100)
}

/// A table (header first) as CSV bytes.
pub fn to_csv(rows: &[Vec<String>]) -> Result<Vec<u8>, DomainError> {
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in rows {
        writer
            .write_record(row)
            .map_err(|error| DomainError::Internal(format!("csv: {error}")))?;
    }
    writer
        .into_inner()
        .map_err(|error| DomainError::Internal(format!("csv: {error}")))
}

/// The answer of an export: a CSV download (UTF-8 with BOM, `;`) named `name`.
pub fn csv_download(
    name: &str,
    rows: &[Vec<String>],
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    let bytes = to_csv(rows)?;
    Ok(actix_web::HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_as_french_spreadsheet_numbers() {
        assert_eq!(super::spreadsheet_amount(123_456), "1234,56");
        assert_eq!(super::spreadsheet_amount(-1_750), "-17,50");
        assert_eq!(super::spreadsheet_amount(5), "0,05");
    }

    #[test]
    fn fields_are_separated_by_semicolons_after_a_bom_and_quoted_when_needed()
    -> Result<(), DomainError> {
        let bytes = to_csv(&[
            vec!["Foyer".to_owned(), "Élève".to_owned()],
            vec!["Famille Martin".to_owned(), "Léa; \"la grande\"".to_owned()],
        ])?;
        assert_eq!(
            String::from_utf8_lossy(&bytes),
            "\u{feff}Foyer;Élève\r\nFamille Martin;\"Léa; \"\"la grande\"\"\"\r\n"
        );
        Ok(())
    }

    /// An amount written back as cents: "-1234,56" (the spreadsheet's way) or
    /// "-1 234,56 €" (`format_euros`, spaces and sign as it writes them).
    fn cents_of(text: &str) -> Option<i128> {
        let digits: String = text
            .trim_end_matches('€')
            .chars()
            .filter(|character| !['\u{202F}', '\u{A0}'].contains(character))
            .collect();
        let (negative, digits) = match digits.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, digits.as_str()),
        };
        let (euros, cents) = digits.split_once(',')?;
        if cents.len() != 2 || euros.is_empty() || (euros.len() > 1 && euros.starts_with('0')) {
            return None;
        }
        let value = euros.parse::<i128>().ok()? * 100 + cents.parse::<i128>().ok()?;
        Some(if negative { -value } else { value })
    }

    proptest::proptest! {
        /// Every amount in cents reads back as itself, from the CSV exports and from what
        /// screens and PDFs print (`format_euros`), and the two write the same number.
        #[test]
        fn amounts_read_back_as_the_same_cents_in_exports_and_on_paper(cents in proptest::prelude::any::<i64>()) {
            let exported = spreadsheet_amount(cents);
            let printed = tutti_shared::format_euros(cents);
            proptest::prop_assert_eq!(cents_of(&exported), Some(i128::from(cents)), "{}", exported);
            proptest::prop_assert_eq!(cents_of(&printed), Some(i128::from(cents)), "{}", printed);
            proptest::prop_assert!(printed.ends_with("\u{A0}€"), "the unit after a no-break space: {}", printed);
            let euros = printed.trim_start_matches('-').split(',').next().unwrap_or_default();
            let groups: Vec<usize> = euros.split('\u{202F}').map(str::len).collect();
            proptest::prop_assert!(
                (1..=3).contains(&groups[0]) && groups[1..].iter().all(|&length| length == 3),
                "thousands grouped by three: {}", printed
            );
            proptest::prop_assert_eq!(exported.starts_with('-'), cents < 0);
        }
    }
}
