//! CSV exports of a campaign, the way French spreadsheets open them: UTF-8 with a byte
//! order mark, `;` between fields, CRLF line ends, quotes where a field needs them.

use crate::domain::DomainError;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
