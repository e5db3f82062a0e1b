//! PDF duplicates of invoices, credit notes, rental invoices and payment receipts.
//!
//! A pure function from plain data to PDF bytes: no database, no HTTP. The invoices'
//! service gathers an [`InvoiceDocument`] or a [`ReceiptDocument`] and calls
//! [`render_invoice`] or [`render_receipt`]; the bytes only depend on the input (no clock,
//! no randomness), so the caller may cache them by a hash of the input.
//!
//! The layout is computed first (text shaped and measured, rows placed on pages), then
//! drawn, because every page carries "Page n/N" and N is only known once everything is
//! placed. Every page repeats the school's header, the document's title, number and date
//! and the word DUPLICATA; a table cut by a page break repeats its column titles.
//!
//! The text is drawn with DejaVu Sans, embedded in the binary (and subset into each PDF)
//! so that the rendering never depends on the fonts of the machine; it carries every
//! French character, the euro sign and the narrow no-break space of the amounts.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use tutti_shared::format_euros;

/// The school as it heads every page: the site's name, postal address, SIRET and contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolHeader {
    pub name: String,
    /// The postal address, one line each (street, postcode and town...).
    pub address_lines: Vec<String>,
    pub siret: String,
    /// How to reach the school's office, e.g. "01 23 45 67 89 · compta@ecole.fr".
    pub contact: String,
}

/// Whom a document is addressed to: the household's name and postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub name: String,
    pub address_lines: Vec<String>,
}

/// What an invoice-like document is; it gives the document its title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceKind {
    /// A fee invoice (cotisations).
    Facture,
    /// A credit note correcting an issued invoice.
    Avoir,
    /// A rental invoice (instruments, rooms, equipment).
    Location,
}

impl InvoiceKind {
    /// The title printed on the document.
    pub fn title(self) -> &'static str {
        match self {
            InvoiceKind::Facture => "FACTURE",
            InvoiceKind::Avoir => "AVOIR",
            InvoiceKind::Location => "FACTURE DE LOCATION",
        }
    }
}

/// One line of an invoice: a course, a reduction (negative), a rental...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub label: String,
    pub amount_cents: i64,
}

/// A payment received for an invoice (its part of the payment, when one payment settles
/// several invoices).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLine {
    pub paid_on: NaiveDate,
    /// The method as the family reads it: "Chèque", "Prélèvement", "Espèces"...
    pub method: String,
    /// A cheque number, a transfer's reference; empty when there is none.
    pub reference: String,
    pub amount_cents: i64,
}

/// One instalment of the schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDate {
    pub due_on: NaiveDate,
    pub amount_cents: i64,
}

/// Everything an invoice, a credit note or a rental invoice prints.
///
/// The amounts are given, not computed here, so that the PDF shows exactly what the
/// books hold; [`render_invoice`] refuses a document whose lines do not add up to the
/// total or whose balance is not the total less the payments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceDocument {
    pub kind: InvoiceKind,
    /// The number, per site and year: "2026-000123".
    pub number: String,
    pub issued_on: NaiveDate,
    pub school: SchoolHeader,
    pub household: Addressee,
    /// What the document is about, e.g. "Cotisations 2026-2027"; `None` prints nothing.
    pub subject: Option<String>,
    /// For a credit note, the number of the invoice it corrects.
    pub corrects: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub total_cents: i64,
    pub payments: Vec<PaymentLine>,
    /// What remains to pay: the total less the payments.
    pub balance_cents: i64,
    /// The instalments and their due dates; empty prints no schedule.
    pub due_dates: Vec<DueDate>,
}

/// The part of a payment that went to one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettledInvoice {
    pub number: String,
    pub issued_on: NaiveDate,
    /// The part of this payment applied to that invoice.
    pub amount_cents: i64,
    /// What remained to pay on that invoice after this payment.
    pub remaining_cents: i64,
}

/// A receipt (reçu) for one payment and the invoices it settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptDocument {
    /// The receipt's number, e.g. the payment's own number.
    pub number: String,
    pub issued_on: NaiveDate,
    pub school: SchoolHeader,
    pub household: Addressee,
    pub paid_on: NaiveDate,
    /// The method as the family reads it: "Chèque", "Virement"...
    pub method: String,
    /// A cheque number, a transfer's reference; empty when there is none.
    pub reference: String,
    pub amount_cents: i64,
    /// The invoices the payment went to; their parts add up to the payment.
    pub settled: Vec<SettledInvoice>,
}

/// Why a document could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The amounts do not agree with each other: a bug of the caller, which must not
    /// print a document whose figures contradict themselves.
    #[error("inconsistent document: {0}")]
    Inconsistent(String),
    /// The embedded font could not be read (a broken build).
    #[error("the embedded font could not be read")]
    Font,
    /// The PDF writer failed.
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// Renders an invoice, a credit note or a rental invoice as a PDF duplicate.
pub fn render_invoice(document: &InvoiceDocument) -> Result<Vec<u8>, PdfError> {
    check_invoice(document)?;
    let fonts = fonts()?;
    let header = PageHeader {
        school: &document.school,
        title: document.kind.title(),
        number: &document.number,
        issued_on: document.issued_on,
    };
    let mut flow = Flow::new(fonts, header.height(fonts));
    flow.addressee(&document.household);
    let mut references = Vec::new();
    if let Some(subject) = &document.subject {
        references.push(format!("Objet : {subject}"));
    }
    if let Some(corrected) = &document.corrects {
        references.push(format!("Avoir sur la facture n° {corrected}"));
    }
    flow.paragraphs(&references);

    flow.section(
        "Détail",
        &[
            Column::left("Désignation", LEFT),
            Column::right("Montant", RIGHT),
        ],
        document
            .lines
            .iter()
            .map(|line| vec![line.label.clone(), format_euros(line.amount_cents)])
            .collect(),
    );
    let mut totals = vec![Total::strong("Total", document.total_cents)];
    if !document.payments.is_empty() {
        let paid = document.total_cents - document.balance_cents;
        totals.push(Total::plain("Déjà réglé", paid));
    }
    totals.push(Total::strong("Reste à payer", document.balance_cents));
    flow.totals(&totals);

    if !document.payments.is_empty() {
        flow.section(
            "Règlements reçus",
            &[
                Column::left("Date", LEFT),
                Column::left("Mode", LEFT + 70.0),
                Column::left("Référence", LEFT + 200.0),
                Column::right("Montant", RIGHT),
            ],
            document
                .payments
                .iter()
                .map(|payment| {
                    vec![
                        french_date(payment.paid_on),
                        payment.method.clone(),
                        payment.reference.clone(),
                        format_euros(payment.amount_cents),
                    ]
                })
                .collect(),
        );
    }
    if !document.due_dates.is_empty() {
        flow.section(
            "Échéancier",
            &[
                Column::left("Échéance", LEFT),
                Column::right("Montant", RIGHT),
            ],
            document
                .due_dates
                .iter()
                .map(|due| vec![french_date(due.due_on), format_euros(due.amount_cents)])
                .collect(),
        );
    }
    let title = format!(
        "{} {}",
        sentence_case(document.kind.title()),
        document.number
    );
    finish(flow, &header, &title)
}

/// Renders the receipt of one payment as a PDF duplicate.
pub fn render_receipt(document: &ReceiptDocument) -> Result<Vec<u8>, PdfError> {
    let settled: i64 = document.settled.iter().map(|part| part.amount_cents).sum();
    if settled != document.amount_cents {
        return Err(PdfError::Inconsistent(format!(
            "receipt {}: the invoices settled add up to {settled} cents, the payment is {}",
            document.number, document.amount_cents
        )));
    }
    let fonts = fonts()?;
    let header = PageHeader {
        school: &document.school,
        title: "REÇU",
        number: &document.number,
        issued_on: document.issued_on,
    };
    let mut flow = Flow::new(fonts, header.height(fonts));
    flow.addressee(&document.household);
    let mut statement = vec![format!(
        "Nous avons reçu de {} la somme de {}, réglée le {} par {}.",
        document.household.name,
        format_euros(document.amount_cents),
        french_date(document.paid_on),
        document.method.to_lowercase(),
    )];
    if !document.reference.is_empty() {
        statement.push(format!("Référence du règlement : {}", document.reference));
    }
    flow.paragraphs(&statement);
    flow.section(
        "Factures réglées",
        &[
            Column::left("Facture n°", LEFT),
            Column::left("Date", LEFT + 120.0),
            Column::right("Montant réglé", RIGHT - 110.0),
            Column::right("Reste à payer", RIGHT),
        ],
        document
            .settled
            .iter()
            .map(|part| {
                vec![
                    part.number.clone(),
                    french_date(part.issued_on),
                    format_euros(part.amount_cents),
                    format_euros(part.remaining_cents),
                ]
            })
            .collect(),
    );
    flow.totals(&[Total::strong("Montant reçu", document.amount_cents)]);
    let title = format!("Reçu {}", document.number);
    finish(flow, &header, &title)
}

fn check_invoice(document: &InvoiceDocument) -> Result<(), PdfError> {
    let lines: i64 = document.lines.iter().map(|line| line.amount_cents).sum();
    if lines != document.total_cents {
        return Err(PdfError::Inconsistent(format!(
            "invoice {}: the lines add up to {lines} cents, the total is {}",
            document.number, document.total_cents
        )));
    }
    let paid: i64 = document
        .payments
        .iter()
        .map(|payment| payment.amount_cents)
        .sum();
    if document.total_cents - paid != document.balance_cents {
        return Err(PdfError::Inconsistent(format!(
            "invoice {}: a total of {} cents less {paid} paid is not the balance of {}",
            document.number, document.total_cents, document.balance_cents
        )));
    }
    Ok(())
}

/// A date as French documents print it: 05/09/2026.
fn french_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// "FACTURE DE LOCATION" -> "Facture de location", for the PDF's title.
fn sentence_case(title: &str) -> String {
    let lower = title.to_lowercase();
    let mut characters = lower.chars();
    match characters.next() {
        Some(first) => first.to_uppercase().chain(characters).collect(),
        None => String::new(),
    }
}

// The page: A4 in points, y growing downwards (krilla's convention).
const PAGE_WIDTH: f32 = 595.28;
const PAGE_HEIGHT: f32 = 841.89;
const LEFT: f32 = 50.0;
const RIGHT: f32 = PAGE_WIDTH - 50.0;
const TOP: f32 = 50.0;
/// The body stops here; the footer lives below.
const BODY_BOTTOM: f32 = PAGE_HEIGHT - 62.0;
const FOOTER_BASELINE: f32 = PAGE_HEIGHT - 36.0;

const BODY_SIZE: f32 = 9.5;
const SMALL_SIZE: f32 = 8.0;
const ROW_HEIGHT: f32 = 17.0;
const LINE_HEIGHT: f32 = 12.0;
/// Space kept between two columns of a table.
const GUTTER: f32 = 12.0;

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// The fonts are parsed once per process; each document subsets them.
static FONTS: LazyLock<Option<Fonts>> = LazyLock::new(|| {
    Some(Fonts {
        regular: Face::load(REGULAR_TTF)?,
        bold: Face::load(BOLD_TTF)?,
    })
});

fn fonts() -> Result<&'static Fonts, PdfError> {
    FONTS.as_ref().ok_or(PdfError::Font)
}

struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// Shapes a piece of text once: the glyphs are both measured and drawn.
    fn run(&self, text: &str, style: Style) -> Run {
        let glyphs = self.face(style.weight).shape(text);
        let width = glyphs.iter().map(|glyph| glyph.x_advance).sum::<f32>() * style.size;
        Run {
            text: text.to_owned(),
            glyphs,
            width,
            style,
        }
    }

    fn width(&self, text: &str, style: Style) -> f32 {
        self.run(text, style).width
    }

    /// Breaks a text into lines no wider than `width`, between words, and inside a word
    /// only when the word alone is too wide.
    fn wrap(&self, text: &str, style: Style, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut current = String::new();
        for word in text.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if self.width(&candidate, style) <= width {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            for character in word.chars() {
                current.push(character);
                if self.width(&current, style) > width && current.chars().count() > 1 {
                    current.pop();
                    lines.push(std::mem::take(&mut current));
                    current.push(character);
                }
            }
        }
        if !current.is_empty() || lines.is_empty() {
            lines.push(current);
        }
        lines
    }
}

/// One font: krilla's handle to embed it and rustybuzz's to shape text with it.
struct Face {
    pdf: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        Some(Face {
            pdf: Font::new(data.into(), 0)?,
            shaper: rustybuzz::Face::from_slice(data, 0)?,
        })
    }

    /// Shapes left-to-right text (kerning included) into glyphs whose advances are in
    /// ems, each knowing the bytes of text it stands for, which is what lets a reader
    /// copy or extract the text back.
    fn shape(&self, text: &str) -> Vec<KrillaGlyph> {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(&self.shaper, &[], buffer);
        let units_per_em = self.pdf.units_per_em();
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let mut glyphs = Vec::with_capacity(infos.len());
        for (index, (info, position)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            let end = infos[index + 1..]
                .iter()
                .map(|next| next.cluster as usize)
                .find(|&cluster| cluster > start)
                .unwrap_or(text.len());
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                position.x_advance as f32 / units_per_em,
                position.x_offset as f32 / units_per_em,
                position.y_offset as f32 / units_per_em,
                position.y_advance as f32 / units_per_em,
                Range { start, end },
                None,
            ));
        }
        glyphs
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ink {
    Black,
    Grey,
    Red,
}

impl Ink {
    fn color(self) -> rgb::Color {
        match self {
            Ink::Black => rgb::Color::new(20, 20, 20),
            Ink::Grey => rgb::Color::new(95, 95, 95),
            Ink::Red => rgb::Color::new(190, 20, 30),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Style {
    size: f32,
    weight: Weight,
    ink: Ink,
}

impl Style {
    const BODY: Style = Style {
        size: BODY_SIZE,
        weight: Weight::Regular,
        ink: Ink::Black,
    };
    const STRONG: Style = Style {
        weight: Weight::Bold,
        ..Style::BODY
    };
    const SMALL: Style = Style {
        size: SMALL_SIZE,
        weight: Weight::Regular,
        ink: Ink::Grey,
    };

    fn sized(self, size: f32) -> Style {
        Style { size, ..self }
    }

    fn inked(self, ink: Ink) -> Style {
        Style { ink, ..self }
    }
}

/// A shaped piece of text.
#[derive(Debug, Clone)]
struct Run {
    text: String,
    glyphs: Vec<KrillaGlyph>,
    /// In points, at the run's size.
    width: f32,
    style: Style,
}

/// What a page draws, placed in points.
#[derive(Debug, Clone)]
enum Op {
    /// Text whose baseline starts at (x, y).
    Text { x: f32, y: f32, run: Run },
    /// A horizontal rule.
    Rule {
        from: f32,
        to: f32,
        y: f32,
        grey: u8,
    },
    /// A filled rectangle, behind the text drawn after it.
    Band { rect: Rect, grey: u8 },
    /// The outline of a rectangle.
    Frame { rect: Rect, ink: Ink },
}

/// Text aligned on its left edge at `x` or on its right edge at `x`.
fn text_at(fonts: &Fonts, text: &str, style: Style, x: f32, y: f32, align: Align) -> Op {
    let run = fonts.run(text, style);
    let x = match align {
        Align::Left => x,
        Align::Right => x - run.width,
    };
    Op::Text { x, y, run }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A table column: its title and the edge its cells align on (left edge for left-aligned
/// text, right edge for amounts).
#[derive(Debug, Clone)]
struct Column {
    title: &'static str,
    x: f32,
    align: Align,
}

impl Column {
    fn left(title: &'static str, x: f32) -> Column {
        Column {
            title,
            x,
            align: Align::Left,
        }
    }

    fn right(title: &'static str, x: f32) -> Column {
        Column {
            title,
            x,
            align: Align::Right,
        }
    }
}

/// One line of a totals block, right-aligned under a table.
struct Total {
    label: &'static str,
    amount_cents: i64,
    strong: bool,
}

impl Total {
    fn strong(label: &'static str, amount_cents: i64) -> Total {
        Total {
            label,
            amount_cents,
            strong: true,
        }
    }

    fn plain(label: &'static str, amount_cents: i64) -> Total {
        Total {
            label,
            amount_cents,
            strong: false,
        }
    }
}

/// What heads every page: the school on the left; the title, number, date and DUPLICATA
/// on the right.
struct PageHeader<'a> {
    school: &'a SchoolHeader,
    title: &'static str,
    number: &'a str,
    issued_on: NaiveDate,
}

impl PageHeader<'_> {
    fn school_lines(&self) -> Vec<String> {
        let mut lines = self.school.address_lines.clone();
        if !self.school.siret.is_empty() {
            lines.push(format!("SIRET : {}", self.school.siret));
        }
        if !self.school.contact.is_empty() {
            lines.push(self.school.contact.clone());
        }
        lines
    }

    /// Where the body starts below the header, the same on every page.
    fn height(&self, fonts: &Fonts) -> f32 {
        self.ops(fonts).1
    }

    fn ops(&self, fonts: &Fonts) -> (Vec<Op>, f32) {
        let mut ops = Vec::new();
        // The school, on the left half.
        let school_width = 250.0;
        let mut y = TOP;
        for line in fonts.wrap(&self.school.name, Style::STRONG.sized(13.0), school_width) {
            ops.push(text_at(
                fonts,
                &line,
                Style::STRONG.sized(13.0),
                LEFT,
                y,
                Align::Left,
            ));
            y += 16.0;
        }
        for line in self.school_lines() {
            for part in fonts.wrap(&line, Style::BODY.sized(8.5), school_width) {
                ops.push(text_at(
                    fonts,
                    &part,
                    Style::BODY.sized(8.5).inked(Ink::Grey),
                    LEFT,
                    y,
                    Align::Left,
                ));
                y += 11.0;
            }
        }
        let school_bottom = y;

        // The document, on the right.
        let title = Style::STRONG.sized(17.0);
        ops.push(text_at(
            fonts,
            self.title,
            title,
            RIGHT,
            TOP + 2.0,
            Align::Right,
        ));
        ops.push(text_at(
            fonts,
            &format!("N° {}", self.number),
            Style::STRONG.sized(10.5),
            RIGHT,
            TOP + 20.0,
            Align::Right,
        ));
        ops.push(text_at(
            fonts,
            &format!("Date : {}", french_date(self.issued_on)),
            Style::BODY,
            RIGHT,
            TOP + 34.0,
            Align::Right,
        ));
        let stamp = Style::STRONG.sized(12.0).inked(Ink::Red);
        let stamp_run = fonts.run("DUPLICATA", stamp);
        let padding = 6.0;
        let stamp_left = RIGHT - stamp_run.width - 2.0 * padding;
        let stamp_top = TOP + 44.0;
        if let Some(rect) =
            Rect::from_xywh(stamp_left, stamp_top, stamp_run.width + 2.0 * padding, 20.0)
        {
            ops.push(Op::Frame {
                rect,
                ink: Ink::Red,
            });
        }
        ops.push(Op::Text {
            x: stamp_left + padding,
            y: stamp_top + 14.5,
            run: stamp_run,
        });
        let document_bottom = stamp_top + 20.0;

        let rule = school_bottom.max(document_bottom) + 6.0;
        ops.push(Op::Rule {
            from: LEFT,
            to: RIGHT,
            y: rule,
            grey: 120,
        });
        (ops, rule + 18.0)
    }
}

/// The body's layout: blocks placed one under the other, a new page when the next one
/// does not fit.
struct Flow<'f> {
    fonts: &'f Fonts,
    pages: Vec<Vec<Op>>,
    body_top: f32,
    /// The top of the next block on the current page.
    y: f32,
}

impl<'f> Flow<'f> {
    fn new(fonts: &'f Fonts, body_top: f32) -> Flow<'f> {
        Flow {
            fonts,
            pages: vec![Vec::new()],
            body_top,
            y: body_top,
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.body_top;
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > BODY_BOTTOM && self.y > self.body_top {
            self.new_page();
        }
    }

    /// The household's name and address, on the right as a windowed envelope wants it.
    fn addressee(&mut self, addressee: &Addressee) {
        let x = 315.0;
        let width = RIGHT - x;
        let mut y = self.y + 4.0;
        for line in self
            .fonts
            .wrap(&addressee.name, Style::STRONG.sized(10.5), width)
        {
            let op = text_at(
                self.fonts,
                &line,
                Style::STRONG.sized(10.5),
                x,
                y,
                Align::Left,
            );
            self.push(op);
            y += 13.0;
        }
        for line in &addressee.address_lines {
            for part in self.fonts.wrap(line, Style::BODY.sized(10.0), width) {
                let op = text_at(
                    self.fonts,
                    &part,
                    Style::BODY.sized(10.0),
                    x,
                    y,
                    Align::Left,
                );
                self.push(op);
                y += 13.0;
            }
        }
        self.y = y + 14.0;
    }

    /// Full-width sentences, wrapped.
    fn paragraphs(&mut self, paragraphs: &[String]) {
        for paragraph in paragraphs {
            for line in self.fonts.wrap(paragraph, Style::BODY, RIGHT - LEFT) {
                self.ensure(LINE_HEIGHT);
                let op = text_at(
                    self.fonts,
                    &line,
                    Style::BODY,
                    LEFT,
                    self.y + 9.0,
                    Align::Left,
                );
                self.push(op);
                self.y += LINE_HEIGHT + 2.0;
            }
        }
        if !paragraphs.is_empty() {
            self.y += 10.0;
        }
    }

    /// A titled table; its column titles are repeated on every page it runs onto.
    fn section(&mut self, title: &str, columns: &[Column], rows: Vec<Vec<String>>) {
        // The title never stays alone at the bottom of a page: it comes with the
        // column titles and a first row.
        self.ensure(22.0 + 2.0 * ROW_HEIGHT);
        self.section_title(title);
        self.column_titles(columns);
        let widths = column_widths(columns);
        for (index, row) in rows.iter().enumerate() {
            let cells: Vec<Vec<String>> = columns
                .iter()
                .zip(&widths)
                .zip(row)
                .map(|((column, width), text)| match column.align {
                    Align::Left => self.fonts.wrap(text, Style::BODY, *width),
                    Align::Right => vec![text.clone()],
                })
                .collect();
            let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let height = ROW_HEIGHT + (lines - 1) as f32 * LINE_HEIGHT;
            if self.y + height > BODY_BOTTOM {
                self.new_page();
                self.section_title(&format!("{title} (suite)"));
                self.column_titles(columns);
            }
            // Every other row on a light band, so that a label reads across to its amount.
            if index % 2 == 1
                && let Some(rect) = Rect::from_xywh(LEFT, self.y, RIGHT - LEFT, height)
            {
                self.push(Op::Band { rect, grey: 245 });
            }
            for (column, cell) in columns.iter().zip(&cells) {
                for (line_index, line) in cell.iter().enumerate() {
                    let op = text_at(
                        self.fonts,
                        line,
                        Style::BODY,
                        column.x,
                        self.y + 12.0 + line_index as f32 * LINE_HEIGHT,
                        column.align,
                    );
                    self.push(op);
                }
            }
            self.y += height;
        }
        self.push(Op::Rule {
            from: LEFT,
            to: RIGHT,
            y: self.y,
            grey: 150,
        });
        self.y += 18.0;
    }

    fn section_title(&mut self, title: &str) {
        let op = text_at(
            self.fonts,
            title,
            Style::STRONG.sized(11.0),
            LEFT,
            self.y + 11.0,
            Align::Left,
        );
        self.push(op);
        self.y += 20.0;
    }

    fn column_titles(&mut self, columns: &[Column]) {
        if let Some(rect) = Rect::from_xywh(LEFT, self.y, RIGHT - LEFT, ROW_HEIGHT) {
            self.push(Op::Band { rect, grey: 228 });
        }
        for column in columns {
            let op = text_at(
                self.fonts,
                column.title,
                Style::STRONG.sized(9.0),
                column.x,
                self.y + 12.0,
                column.align,
            );
            self.push(op);
        }
        self.y += ROW_HEIGHT;
    }

    /// Label and amount pairs, aligned on the tables' amounts.
    fn totals(&mut self, totals: &[Total]) {
        // Closer to the table they sum up than sections are to each other.
        self.y -= 10.0;
        self.ensure(totals.len() as f32 * ROW_HEIGHT);
        let label_x = RIGHT - 230.0;
        for total in totals {
            let style = if total.strong {
                Style::STRONG.sized(10.0)
            } else {
                Style::BODY
            };
            let baseline = self.y + 12.0;
            let label = text_at(
                self.fonts,
                total.label,
                style,
                label_x,
                baseline,
                Align::Left,
            );
            let amount = text_at(
                self.fonts,
                &format_euros(total.amount_cents),
                style,
                RIGHT,
                baseline,
                Align::Right,
            );
            self.push(label);
            self.push(amount);
            self.y += ROW_HEIGHT;
        }
        self.y += 16.0;
    }
}

/// How wide each column's text may be: up to the next column, less a gutter. A
/// right-aligned column starts where the previous one's text may end.
fn column_widths(columns: &[Column]) -> Vec<f32> {
    let mut widths = Vec::with_capacity(columns.len());
    for (index, column) in columns.iter().enumerate() {
        let width = match column.align {
            Align::Right => f32::INFINITY,
            Align::Left => {
                let next_edge = columns
                    .get(index + 1)
                    .map_or(RIGHT, |next| match next.align {
                        // A right-aligned amount takes up to about 90 points on its left.
                        Align::Right => next.x - 90.0,
                        Align::Left => next.x,
                    });
                next_edge - column.x - GUTTER
            }
        };
        widths.push(width);
    }
    widths
}

/// Draws every page: the header, the body placed by the flow, the footer.
fn finish(flow: Flow<'_>, header: &PageHeader<'_>, title: &str) -> Result<Vec<u8>, PdfError> {
    let fonts = flow.fonts;
    let (header_ops, _) = header.ops(fonts);
    let count = flow.pages.len();
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .language("fr-FR".to_owned())
            .creator("Tutti".to_owned()),
    );
    for (index, body) in flow.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| PdfError::Write("invalid page size".to_owned()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let footer = footer_ops(fonts, header, index + 1, count);
        for op in header_ops.iter().chain(body).chain(&footer) {
            draw(&mut surface, fonts, op);
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|error| PdfError::Write(format!("{error:?}")))
}

fn footer_ops(fonts: &Fonts, header: &PageHeader<'_>, page: usize, count: usize) -> Vec<Op> {
    let document = format!(
        "{} n° {} — duplicata",
        sentence_case(header.title),
        header.number
    );
    // The school's name goes first when it leaves room for the page number.
    let with_school = format!("{} — {document}", header.school.name);
    let left = if fonts.width(&with_school, Style::SMALL) <= RIGHT - LEFT - 60.0 {
        with_school
    } else {
        document
    };
    vec![
        Op::Rule {
            from: LEFT,
            to: RIGHT,
            y: FOOTER_BASELINE - 12.0,
            grey: 180,
        },
        text_at(
            fonts,
            &left,
            Style::SMALL,
            LEFT,
            FOOTER_BASELINE,
            Align::Left,
        ),
        text_at(
            fonts,
            &format!("Page {page}/{count}"),
            Style::SMALL,
            RIGHT,
            FOOTER_BASELINE,
            Align::Right,
        ),
    ]
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text { x, y, run } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(run.style.ink.color())));
            surface.draw_glyphs(
                Point::from_xy(*x, *y),
                &run.glyphs,
                fonts.face(run.style.weight).pdf.clone(),
                &run.text,
                run.style.size,
                false,
            );
        }
        Op::Rule { from, to, y, grey } => {
            let mut builder = PathBuilder::new();
            builder.move_to(*from, *y);
            builder.line_to(*to, *y);
            if let Some(path) = builder.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(*grey, *grey, *grey).into(),
                    width: 0.6,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
        Op::Band { rect, grey } => {
            let mut builder = PathBuilder::new();
            builder.push_rect(*rect);
            if let Some(path) = builder.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(rgb::Color::new(*grey, *grey, *grey))));
                surface.draw_path(&path);
            }
        }
        Op::Frame { rect, ink } => {
            let mut builder = PathBuilder::new();
            builder.push_rect(*rect);
            if let Some(path) = builder.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: ink.color().into(),
                    width: 1.2,
                    ..Stroke::default()
                }));
                surface.draw_path(&path);
            }
        }
    }
}

fn fill(color: rgb::Color) -> Fill {
    Fill {
        paint: color.into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::NonZero,
    }
}

#[cfg(test)]
mod tests;
