//! The PDFs are read back with lopdf's text extraction (no system tool): what a reader
//! copies out of the document must be the number, the household, every line and amount.

#![expect(clippy::expect_used, reason = "a test fails loudly")]

use std::time::Instant;

use chrono::NaiveDate;
use tutti_shared::format_euros;

use super::*;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).expect("a valid date")
}

fn school() -> SchoolHeader {
    SchoolHeader {
        name: "École municipale de musique et de danse de Bellecôte".to_owned(),
        address_lines: vec![
            "12, rue des Écoles".to_owned(),
            "74000 Annecy-le-Château".to_owned(),
        ],
        siret: "213 400 000 00018".to_owned(),
        contact: "04 50 00 00 00 · accueil@ecole-bellecote.fr".to_owned(),
    }
}

fn household() -> Addressee {
    Addressee {
        name: "Famille Lefèvre-Müller".to_owned(),
        address_lines: vec![
            "Bâtiment B, 3e étage".to_owned(),
            "8, impasse de la Forêt".to_owned(),
            "74940 Annecy-le-Vieux".to_owned(),
        ],
    }
}

fn invoice(lines: Vec<InvoiceLine>) -> InvoiceDocument {
    let total_cents: i64 = lines.iter().map(|line| line.amount_cents).sum();
    let payments = vec![PaymentLine {
        paid_on: date(2026, 10, 5),
        method: "Chèque".to_owned(),
        reference: "n° 0012345".to_owned(),
        amount_cents: 10_000,
    }];
    InvoiceDocument {
        kind: InvoiceKind::Facture,
        number: "2026-000123".to_owned(),
        issued_on: date(2026, 9, 15),
        school: school(),
        household: household(),
        subject: Some("Cotisations 2026-2027".to_owned()),
        corrects: None,
        lines,
        total_cents,
        payments,
        balance_cents: total_cents - 10_000,
        due_dates: vec![
            DueDate {
                due_on: date(2026, 10, 5),
                amount_cents: 10_000,
            },
            DueDate {
                due_on: date(2026, 11, 5),
                amount_cents: total_cents - 10_000,
            },
        ],
    }
}

fn three_lines() -> Vec<InvoiceLine> {
    vec![
        InvoiceLine {
            label: "Formation musicale — Cycle 1, 2e année (Élodie)".to_owned(),
            amount_cents: 123_456,
        },
        InvoiceLine {
            label: "Piano, cours individuel 30 min (Élodie)".to_owned(),
            amount_cents: 48_000,
        },
        InvoiceLine {
            label: "Réduction quotient familial, tranche B (−15 %)".to_owned(),
            amount_cents: -25_718,
        },
    ]
}

fn many_lines(count: usize) -> Vec<InvoiceLine> {
    (1..=count)
        .map(|index| InvoiceLine {
            label: format!("Ligne {index:02} — atelier « Orchestre à l'école », séance n° {index}"),
            amount_cents: 1_000 * index as i64 + 37,
        })
        .collect()
}

fn receipt() -> ReceiptDocument {
    ReceiptDocument {
        number: "R-2026-000045".to_owned(),
        issued_on: date(2026, 10, 6),
        school: school(),
        household: household(),
        paid_on: date(2026, 10, 5),
        method: "Chèque".to_owned(),
        reference: "n° 0012345".to_owned(),
        amount_cents: 160_000,
        settled: vec![
            SettledInvoice {
                number: "2026-000123".to_owned(),
                issued_on: date(2026, 9, 15),
                amount_cents: 145_738,
                remaining_cents: 0,
            },
            SettledInvoice {
                number: "2026-000131".to_owned(),
                issued_on: date(2026, 9, 20),
                amount_cents: 14_262,
                remaining_cents: 5_738,
            },
        ],
    }
}

fn rental_with_a_long_label() -> InvoiceDocument {
    let long = "Location d'un violoncelle 3/4 (inventaire VC-0042, archet et housse compris) \
                pour la période du 01/09/2026 au 30/06/2027, assurance comprise selon la \
                convention de prêt signée par la famille"
        .to_owned();
    let mut document = invoice(vec![InvoiceLine {
        label: long,
        amount_cents: 12_000,
    }]);
    document.kind = InvoiceKind::Location;
    document.subject = Some("Location d'instrument 2026-2027".to_owned());
    document.payments.clear();
    document.due_dates.clear();
    document.balance_cents = document.total_cents;
    document
}

/// The text of each page, in order.
fn pages_text(pdf: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(pdf).expect("a PDF lopdf can read");
    let pages = document.get_pages();
    pages
        .keys()
        .map(|number| document.extract_text(&[*number]).expect("the page's text"))
        .collect()
}

fn assert_contains(text: &str, expected: &str) {
    assert!(
        text.contains(expected),
        "{expected:?} missing from the PDF's text:\n{text}"
    );
}

#[test]
fn a_three_line_invoice_reads_back_with_its_number_household_lines_and_totals() {
    let document = invoice(three_lines());
    let pdf = render_invoice(&document).expect("rendered");
    let pages = pages_text(&pdf);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    for expected in [
        "FACTURE",
        "N° 2026-000123",
        "Date : 15/09/2026",
        "DUPLICATA",
        "Page 1/1",
        "École municipale de musique et de danse de Bellecôte",
        "12, rue des Écoles",
        "SIRET : 213 400 000 00018",
        "accueil@ecole-bellecote.fr",
        "Famille Lefèvre-Müller",
        "Bâtiment B, 3e étage",
        "8, impasse de la Forêt",
        "74940 Annecy-le-Vieux",
        "Objet : Cotisations 2026-2027",
        "05/10/2026",
        "05/11/2026",
        "Chèque",
        "n° 0012345",
        "Reste à payer",
    ] {
        assert_contains(text, expected);
    }
    for line in &document.lines {
        assert_contains(text, &line.label);
        assert_contains(text, &format_euros(line.amount_cents));
    }
    // Thousands apart with a narrow no-break space, cents after a comma.
    assert_contains(text, "1\u{202F}234,56\u{A0}€");
    assert_contains(text, "-257,18\u{A0}€");
    assert_contains(text, &format_euros(document.total_cents));
    assert_contains(text, &format_euros(document.balance_cents));
}

#[test]
fn a_fifty_line_invoice_runs_onto_several_pages_each_with_the_header_and_its_number() {
    let document = invoice(many_lines(50));
    let pdf = render_invoice(&document).expect("rendered");
    let pages = pages_text(&pdf);
    let count = pages.len();
    assert!(count >= 2, "50 lines on {count} page(s)");
    for (index, text) in pages.iter().enumerate() {
        assert_contains(text, "DUPLICATA");
        assert_contains(text, "N° 2026-000123");
        assert_contains(text, "École municipale de musique et de danse de Bellecôte");
        assert_contains(text, "SIRET : 213 400 000 00018");
        assert_contains(text, &format!("Page {}/{count}", index + 1));
    }
    // The table's column titles come back on the page it continues onto.
    assert_contains(&pages[1], "Détail (suite)");
    assert_contains(&pages[1], "Désignation");
    // The household's address is on the first page only.
    assert_contains(&pages[0], "Famille Lefèvre-Müller");
    assert!(!pages[1].contains("impasse de la Forêt"));

    let all = pages.concat();
    for line in &document.lines {
        assert_contains(&all, &line.label);
        assert_contains(&all, &format_euros(line.amount_cents));
    }
    assert_contains(&all, &format_euros(document.total_cents));
    assert_contains(&all, &format_euros(document.balance_cents));
    // Every line is printed once: none is lost or repeated at a page break.
    for line in &document.lines {
        assert_eq!(all.matches(&line.label).count(), 1, "{}", line.label);
    }
}

#[test]
fn a_receipt_reads_back_with_the_payment_and_the_invoices_it_settled() {
    let document = receipt();
    let pdf = render_receipt(&document).expect("rendered");
    let pages = pages_text(&pdf);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    for expected in [
        "REÇU",
        "N° R-2026-000045",
        "Date : 06/10/2026",
        "DUPLICATA",
        "Page 1/1",
        "Famille Lefèvre-Müller",
        "74940 Annecy-le-Vieux",
        "05/10/2026",
        "chèque",
        "n° 0012345",
        "2026-000123",
        "15/09/2026",
        "2026-000131",
        "20/09/2026",
        "1\u{202F}600,00\u{A0}€",
        "1\u{202F}457,38\u{A0}€",
        "142,62\u{A0}€",
        "57,38\u{A0}€",
    ] {
        assert_contains(text, expected);
    }
}

#[test]
fn a_credit_note_is_titled_avoir_and_names_the_invoice_it_corrects() {
    let mut document = invoice(vec![InvoiceLine {
        label: "Annulation du cours de violon (Élodie)".to_owned(),
        amount_cents: -30_000,
    }]);
    document.kind = InvoiceKind::Avoir;
    document.number = "2026-000140".to_owned();
    document.corrects = Some("2026-000123".to_owned());
    document.payments.clear();
    document.due_dates.clear();
    document.balance_cents = document.total_cents;
    let text = pages_text(&render_invoice(&document).expect("rendered")).concat();
    assert_contains(&text, "AVOIR");
    assert_contains(&text, "Avoir sur la facture n° 2026-000123");
    assert_contains(&text, "-300,00\u{A0}€");
}

#[test]
fn figures_that_contradict_each_other_are_refused() {
    let mut document = invoice(three_lines());
    document.total_cents += 1;
    assert!(matches!(
        render_invoice(&document),
        Err(PdfError::Inconsistent(_))
    ));

    let mut document = invoice(three_lines());
    document.balance_cents -= 1;
    assert!(matches!(
        render_invoice(&document),
        Err(PdfError::Inconsistent(_))
    ));

    let mut document = receipt();
    document.amount_cents += 1;
    assert!(matches!(
        render_receipt(&document),
        Err(PdfError::Inconsistent(_))
    ));
}

#[test]
fn the_same_document_renders_to_the_same_bytes_with_its_font_embedded() {
    let document = invoice(three_lines());
    let first = render_invoice(&document).expect("rendered");
    let second = render_invoice(&document).expect("rendered");
    assert!(first == second, "the bytes depend on more than the input");
    // The font travels inside the PDF (a TrueType font file, subset), so the duplicate
    // reads the same on a machine without DejaVu.
    let parsed = lopdf::Document::load_mem(&first).expect("a PDF lopdf can read");
    let embedded = parsed
        .objects
        .values()
        .filter_map(|object| object.as_dict().ok())
        .filter(|dictionary| dictionary.has(b"FontFile2"))
        .count();
    assert_eq!(embedded, 2, "regular and bold embedded");
    assert!(first.len() < 100_000, "{} bytes", first.len());
}

#[test]
fn a_long_label_wraps_within_its_column() {
    let document = rental_with_a_long_label();
    let long = &document.lines[0].label;
    let text = pages_text(&render_invoice(&document).expect("rendered")).concat();
    assert_contains(&text, "FACTURE DE LOCATION");
    // Each word is there, in order, whatever the line breaks.
    let flattened: Vec<&str> = text.split_whitespace().collect();
    let words: Vec<&str> = long.split_whitespace().collect();
    assert!(
        flattened.windows(words.len()).any(|window| window == words),
        "the label's words, in order, in:\n{text}"
    );
}

/// Writes the sample PDFs to look at them:
/// `cargo test -p tutti-api --lib billing::pdf::tests::writes_samples -- --ignored --nocapture`,
/// then `pdftoppm -png -r 80 FILE.pdf /tmp/page`.
#[test]
#[ignore = "writes files for a human to look at"]
fn writes_samples() {
    let directory = std::env::temp_dir().join("tutti-pdf-samples");
    std::fs::create_dir_all(&directory).expect("a directory");
    let samples = [
        ("invoice-3.pdf", render_invoice(&invoice(three_lines()))),
        ("invoice-50.pdf", render_invoice(&invoice(many_lines(50)))),
        ("invoice-100.pdf", render_invoice(&invoice(many_lines(100)))),
        ("rental.pdf", render_invoice(&rental_with_a_long_label())),
        ("receipt.pdf", render_receipt(&receipt())),
    ];
    for (name, pdf) in samples {
        let path = directory.join(name);
        std::fs::write(&path, pdf.expect("rendered")).expect("written");
        println!("{}", path.display());
    }
}

/// The time to render a 10-line invoice, 200 times: run it in release,
/// `cargo test --release -p tutti-api --lib billing::pdf::tests::timing -- --ignored --nocapture`.
/// Seen on a shared 2-core machine: p50 4.3 ms, p99 12-14 ms, 31 kB.
#[test]
#[ignore = "a measurement, not a check: run it in release"]
fn timing_of_200_ten_line_invoices() {
    let document = invoice(many_lines(10));
    // The first render parses the fonts; it is timed apart.
    let started = Instant::now();
    let first = render_invoice(&document).expect("rendered");
    let cold = started.elapsed();
    let mut durations = Vec::with_capacity(200);
    for _ in 0..200 {
        let started = Instant::now();
        let pdf = render_invoice(&document).expect("rendered");
        durations.push(started.elapsed());
        assert_eq!(pdf.len(), first.len());
    }
    durations.sort();
    let p50 = durations[durations.len() / 2];
    let p99 = durations[durations.len() * 99 / 100];
    println!(
        "10-line invoice, {} bytes: first {cold:?}, then over 200 renders p50 {p50:?}, p99 {p99:?}, max {:?}",
        first.len(),
        durations[durations.len() - 1]
    );
}
