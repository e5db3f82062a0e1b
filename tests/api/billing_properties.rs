//! Billing's books as a state machine, through HTTP: proptest draws short sequences of
//! staff operations on one household (manual invoices, credit notes, payments, payments
//! sent again with their Idempotency-Key), runs them against the real server, and after
//! every step compares the server's books with a small model of the money rules.
//!
//! Each case bills a household of its own (created by the case), so cases never see each
//! other's invoices and one server serves the whole run. Steps that name an invoice name
//! it by its rank among the case's documents, and amounts such as "what remains" are
//! decided when the step runs, from the model: sequences shrink to a short readable one.
//!
//! The proptest runner wants a plain function, so the cases run on a thread of their own
//! with a small runtime, while the test's runtime keeps serving the server. 24 cases by
//! default; `PROPTEST_CASES=200` runs more.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use tutti_shared::{FamilyDetail, Invoice, InvoiceKind, Payment};
use tutti_tests::{StatusCode, both};

use crate::household_helpers::{HouseholdApi as _, valid_guardian};

/// The largest amount of a line or an allocation the server accepts (100 000 €).
const MAX_CENTS: i64 = 10_000_000;

/// An amount, decided when its step runs from what the model says remains due on the
/// invoice it goes to.
#[derive(Debug, Clone, Copy)]
enum Amount {
    /// These cents, whatever remains (zero, negative or above the limit included).
    Cents(i64),
    /// Exactly what remains.
    Remaining,
    /// What remains and this much more.
    Beyond(i64),
    /// This many quarters of what remains (1 to 3), rounded down.
    Quarters(i64),
}

/// The document a credit note or an allocation goes to, by rank (modulo how many).
#[derive(Debug, Clone, Copy)]
enum Target {
    /// One of the household's invoices (credit notes aside); any document while it has
    /// none.
    Invoice(usize),
    /// Any document of the case: the neighbour's invoice and credit notes included.
    Document(usize),
}

/// One staff operation. `payment` is a rank, taken modulo the number of payment
/// requests sent so far.
#[derive(Debug, Clone)]
enum Step {
    /// POST /admin/invoices for the household, with these line amounts.
    Invoice { kind: &'static str, lines: Vec<i64> },
    /// POST /admin/invoices/{id}/credit-notes crediting `amount` in `lines` lines.
    CreditNote {
        target: Target,
        amount: Amount,
        lines: usize,
    },
    /// POST /admin/payments for the household, optionally with a key of the case: the
    /// n-th amount goes to the n-th document from `to` on (the same one again only when
    /// there are fewer documents than amounts).
    Payment {
        to: Target,
        amounts: Vec<Amount>,
        key: Option<u8>,
    },
    /// A payment request sent earlier, sent again as it was (body and key).
    Replay { payment: usize },
    /// A payment request sent earlier, sent again with its key and its amounts, but each
    /// amount moved to the household's next invoice: another payment under a used key.
    Redirect { payment: usize },
}

fn amount() -> impl Strategy<Value = Amount> {
    prop_oneof![
        3 => (1..=20_000i64).prop_map(Amount::Cents),
        3 => Just(Amount::Remaining),
        2 => (1..=1_000i64).prop_map(Amount::Beyond),
        3 => (1..=3i64).prop_map(Amount::Quarters),
        1 => prop_oneof![Just(0), Just(-100), Just(MAX_CENTS + 1)].prop_map(Amount::Cents),
    ]
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        8 => (0..64usize).prop_map(Target::Invoice),
        2 => (0..64usize).prop_map(Target::Document),
    ]
}

fn line_amount() -> impl Strategy<Value = i64> {
    prop_oneof![
        20 => 1..=50_000i64,
        3 => -5_000..=-1i64,
        1 => Just(0),
        1 => Just(MAX_CENTS),
        1 => Just(MAX_CENTS + 1),
    ]
}

fn invoice() -> impl Strategy<Value = Step> {
    (
        prop_oneof![4 => Just("cotisation"), 4 => Just("location"), 1 => Just("avoir")],
        prop_oneof![20 => prop::collection::vec(line_amount(), 1..=4), 1 => Just(Vec::new())],
    )
        .prop_map(|(kind, lines)| Step::Invoice { kind, lines })
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => invoice(),
        2 => (target(), amount(), 1..=3usize)
            .prop_map(|(target, amount, lines)| Step::CreditNote { target, amount, lines }),
        4 => (
            target(),
            prop_oneof![
                12 => prop::collection::vec(amount(), 1..=1),
                6 => prop::collection::vec(amount(), 2..=3),
                1 => Just(Vec::new()),
            ],
            prop::option::weighted(0.5, 0..3u8),
        )
            .prop_map(|(to, amounts, key)| Step::Payment { to, amounts, key }),
        2 => (0..64usize).prop_map(|payment| Step::Replay { payment }),
        1 => (0..64usize).prop_map(|payment| Step::Redirect { payment }),
    ]
}

/// A case: up to two invoices first (so that payments find something to pay more often),
/// then 1 to 14 steps of any kind.
fn steps() -> impl Strategy<Value = Vec<Step>> {
    (
        prop::collection::vec(invoice(), 0..=2),
        prop::collection::vec(step(), 1..=14),
    )
        .prop_map(|(mut first, then)| {
            first.extend(then);
            first
        })
}

/// A document of the case as the model knows it.
#[derive(Debug, Clone)]
struct Document {
    id: i64,
    /// Whether it bills the case's household (else the neighbour's).
    own: bool,
    /// For a credit note, the rank of the invoice it corrects.
    corrects: Option<usize>,
    /// The invoice's total, or the credit note's (negative).
    total: i64,
    /// What credit notes took off it.
    credited: i64,
    /// What payments settled of it.
    paid: i64,
}

impl Document {
    /// What remains due: nothing on a credit note.
    fn remaining(&self) -> i64 {
        if self.corrects.is_some() {
            0
        } else {
            self.total - self.credited - self.paid
        }
    }
}

/// A payment request once its amounts are decided, kept to be sent again.
#[derive(Debug, Clone)]
struct PaymentRequest {
    /// (rank of the document, cents).
    allocations: Vec<(usize, i64)>,
    key: Option<String>,
}

/// What the books should be: the case's documents (the neighbour's invoice first), the
/// payments recorded, and the payment each Idempotency-Key recorded.
#[derive(Debug, Default)]
struct Model {
    documents: Vec<Document>,
    payments: Vec<Payment>,
    keys: BTreeMap<String, Payment>,
    sent: Vec<PaymentRequest>,
    /// The sequence number of the last document issued on the site.
    last_number: i64,
}

impl Model {
    fn resolve(&self, amount: Amount, rank: usize) -> i64 {
        let remaining = self.documents[rank].remaining();
        match amount {
            Amount::Cents(cents) => cents,
            Amount::Remaining => remaining,
            Amount::Beyond(extra) => remaining + extra,
            Amount::Quarters(quarters) => remaining * quarters / 4,
        }
    }

    /// The rank of the document `offset` places after `target`.
    fn rank(&self, target: Target, offset: usize) -> usize {
        let invoices: Vec<usize> = (0..self.documents.len())
            .filter(|&rank| self.documents[rank].own && self.documents[rank].corrects.is_none())
            .collect();
        match target {
            Target::Invoice(index) if !invoices.is_empty() => {
                invoices[(index + offset) % invoices.len()]
            }
            Target::Invoice(index) | Target::Document(index) => {
                (index + offset) % self.documents.len()
            }
        }
    }
}

/// What the server should answer a step.
#[derive(Debug, PartialEq, Eq)]
enum Expected {
    Created,
    /// The payment the key recorded, answered again.
    Replayed(Payment),
    Refused(StatusCode),
}

/// Staff's side of the server, from the runner's thread.
struct Books {
    client: reqwest::Client,
    address: String,
    staff: String,
    neighbour_household: i64,
}

fn failed(what: impl std::fmt::Display) -> TestCaseError {
    TestCaseError::fail(what.to_string())
}

impl Books {
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> Result<(StatusCode, String), TestCaseError> {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address))
            .bearer_auth(&self.staff);
        if let Some(body) = body {
            request = request.json(body);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        let response = request
            .send()
            .await
            .map_err(|error| failed(format!("{path}: {error}")))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|error| failed(format!("{path}: {error}")))?;
        Ok((status, text))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, TestCaseError> {
        let (status, text) = self.send(reqwest::Method::GET, path, None, None).await?;
        if status != StatusCode::OK {
            return Err(failed(format!("GET {path}: {status} {text}")));
        }
        decode(&text)
    }

    async fn post(
        &self,
        path: &str,
        body: &Value,
        key: Option<&str>,
    ) -> Result<(StatusCode, String), TestCaseError> {
        self.send(reqwest::Method::POST, path, Some(body), key)
            .await
    }
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, TestCaseError> {
    serde_json::from_str(text).map_err(|error| failed(format!("cannot decode {text}: {error}")))
}

/// The sequence number of `2026-000123`.
fn sequence_of(number: &str) -> Result<i64, TestCaseError> {
    number
        .split_once('-')
        .and_then(|(_, sequence)| sequence.parse().ok())
        .ok_or_else(|| failed(format!("not an invoice number: {number}")))
}

/// Households made so far by this process: each case bills a new one.
static HOUSEHOLDS: AtomicUsize = AtomicUsize::new(0);

/// A new household of the site, and a new invoice of 100 € for the neighbour: the case's
/// first document, so that payments and credit notes can aim at another household's.
async fn start_case(books: &Books) -> Result<(i64, Model), TestCaseError> {
    let count = HOUSEHOLDS.fetch_add(1, Ordering::SeqCst);
    let (status, text) = books
        .post(
            "/api/v1/admin/families",
            &json!({"login": format!("proprietes.{count}"),
                    "guardian": valid_guardian("Lefebvre", &format!("proprietes.{count}@example.fr"))}),
            None,
        )
        .await?;
    prop_assert_eq!(status, StatusCode::CREATED, "a new household: {}", text);
    let household: FamilyDetail = decode(&text)?;
    let (status, text) = books
        .post(
            "/api/v1/admin/invoices",
            &json!({"household_id": books.neighbour_household, "kind": "location", "label": "Voisin",
                    "lines": [{"label": "Salle", "amount_cents": 10_000}]}),
            None,
        )
        .await?;
    prop_assert_eq!(
        status,
        StatusCode::CREATED,
        "the neighbour's invoice: {}",
        text
    );
    let neighbour: Invoice = decode(&text)?;
    let model = Model {
        last_number: sequence_of(&neighbour.number)?,
        documents: vec![Document {
            id: neighbour.id,
            own: false,
            corrects: None,
            total: 10_000,
            credited: 0,
            paid: 0,
        }],
        ..Model::default()
    };
    Ok((household.id, model))
}

/// A new document's number follows the site's last one: none lost, none repeated.
fn check_number(model: &mut Model, invoice: &Invoice) -> Result<(), TestCaseError> {
    let sequence = sequence_of(&invoice.number)?;
    prop_assert_eq!(
        sequence,
        model.last_number + 1,
        "{} follows the last number",
        invoice.number
    );
    model.last_number = sequence;
    Ok(())
}

async fn manual_invoice(
    books: &Books,
    model: &mut Model,
    household: i64,
    kind: &str,
    amounts: &[i64],
) -> Result<(), TestCaseError> {
    let lines: Vec<Value> = amounts
        .iter()
        .enumerate()
        .map(|(index, cents)| json!({"label": format!("Ligne {index}"), "amount_cents": cents}))
        .collect();
    let total: i64 = amounts.iter().sum();
    let invalid_line = amounts
        .iter()
        .any(|&cents| cents == 0 || cents.abs() > MAX_CENTS);
    let expected = if amounts.is_empty() || invalid_line || kind == "avoir" || total <= 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CREATED
    };
    let (status, text) = books
        .post(
            "/api/v1/admin/invoices",
            &json!({"household_id": household, "kind": kind, "label": "Facture", "lines": lines}),
            None,
        )
        .await?;
    prop_assert_eq!(status, expected, "{}", text);
    if status != StatusCode::CREATED {
        return Ok(());
    }
    let invoice: Invoice = decode(&text)?;
    check_number(model, &invoice)?;
    prop_assert_eq!(invoice.kind.as_str(), kind);
    prop_assert_eq!(invoice.household_id, household);
    prop_assert_eq!(invoice.total_cents, total);
    prop_assert_eq!(
        invoice
            .lines
            .iter()
            .map(|line| line.amount_cents)
            .collect::<Vec<_>>(),
        amounts
    );
    prop_assert_eq!(invoice.instalments.len(), 1);
    prop_assert_eq!(invoice.balance_cents, total);
    model.documents.push(Document {
        id: invoice.id,
        own: true,
        corrects: None,
        total,
        credited: 0,
        paid: 0,
    });
    Ok(())
}

async fn credit_note(
    books: &Books,
    model: &mut Model,
    target: Target,
    amount: Amount,
    count: usize,
) -> Result<(), TestCaseError> {
    let rank = model.rank(target, 0);
    let credit = model.resolve(amount, rank);
    // `count` lines adding up to the credit, the first taking the rest of the division.
    let each = credit / i64::try_from(count).unwrap_or(1);
    let mut amounts = vec![each; count];
    amounts[0] = credit - each * i64::try_from(count - 1).unwrap_or(0);
    let original = model.documents[rank].clone();
    let expected = if amounts.iter().any(|&cents| cents <= 0 || cents > MAX_CENTS) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if original.corrects.is_some() {
        StatusCode::CONFLICT
    } else if credit > original.remaining() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::CREATED
    };
    let lines: Vec<Value> = amounts
        .iter()
        .map(|cents| json!({"label": "Correction", "amount_cents": cents}))
        .collect();
    let (status, text) = books
        .post(
            &format!("/api/v1/admin/invoices/{}/credit-notes", original.id),
            &json!({"label": "Avoir", "lines": lines}),
            None,
        )
        .await?;
    prop_assert_eq!(status, expected, "{}", text);
    if status != StatusCode::CREATED {
        return Ok(());
    }
    let note: Invoice = decode(&text)?;
    check_number(model, &note)?;
    prop_assert_eq!(note.kind, InvoiceKind::Avoir);
    prop_assert_eq!(note.corrects_invoice_id, Some(original.id));
    prop_assert_eq!(note.total_cents, -credit);
    prop_assert_eq!(
        note.lines
            .iter()
            .map(|line| -line.amount_cents)
            .collect::<Vec<_>>(),
        amounts
    );
    prop_assert!(note.instalments.is_empty());
    prop_assert_eq!(note.balance_cents, 0);
    model.documents[rank].credited += credit;
    model.documents.push(Document {
        id: note.id,
        own: original.own,
        corrects: Some(rank),
        total: -credit,
        credited: 0,
        paid: 0,
    });
    Ok(())
}

/// What the server should answer a payment request, by the rules in the order it
/// applies them: the request's shape, then a key already used, then each invoice.
fn expected_payment(model: &Model, request: &PaymentRequest) -> Expected {
    let amount: i64 = request.allocations.iter().map(|(_, cents)| cents).sum();
    let shape_ok = !request.allocations.is_empty()
        && request
            .allocations
            .iter()
            .all(|&(_, cents)| (1..=MAX_CENTS).contains(&cents))
        && request
            .allocations
            .iter()
            .enumerate()
            .all(|(index, (rank, _))| {
                request.allocations[..index]
                    .iter()
                    .all(|(earlier, _)| model.documents[*earlier].id != model.documents[*rank].id)
            });
    if !shape_ok {
        return Expected::Refused(StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Some(recorded) = request.key.as_ref().and_then(|key| model.keys.get(key)) {
        // The same request (household, date, means and reference always are, here) is
        // the same amounts to the same invoices; anything else under the key is refused.
        let mut asked: Vec<(i64, i64)> = request
            .allocations
            .iter()
            .map(|&(rank, cents)| (model.documents[rank].id, cents))
            .collect();
        asked.sort_unstable();
        let mut kept: Vec<(i64, i64)> = recorded
            .allocations
            .iter()
            .map(|part| (part.invoice_id, part.amount_cents))
            .collect();
        kept.sort_unstable();
        return if recorded.amount_cents == amount && asked == kept {
            Expected::Replayed(recorded.clone())
        } else {
            Expected::Refused(StatusCode::CONFLICT)
        };
    }
    let settles = request.allocations.iter().all(|&(rank, cents)| {
        let document = &model.documents[rank];
        document.own && document.corrects.is_none() && cents <= document.remaining()
    });
    if settles {
        Expected::Created
    } else {
        Expected::Refused(StatusCode::UNPROCESSABLE_ENTITY)
    }
}

async fn payment(
    books: &Books,
    model: &mut Model,
    household: i64,
    request: PaymentRequest,
) -> Result<(), TestCaseError> {
    let expected = expected_payment(model, &request);
    let allocations: Vec<Value> = request
        .allocations
        .iter()
        .map(
            |&(rank, cents)| json!({"invoice_id": model.documents[rank].id, "amount_cents": cents}),
        )
        .collect();
    let body = json!({"household_id": household, "paid_on": "2026-11-30", "method": "cheque",
                      "reference": "Chèque", "allocations": allocations});
    let (status, text) = books
        .post("/api/v1/admin/payments", &body, request.key.as_deref())
        .await?;
    model.sent.push(request.clone());
    match expected {
        Expected::Refused(refused) => {
            prop_assert_eq!(status, refused, "{}", text);
        }
        Expected::Replayed(recorded) => {
            prop_assert_eq!(status, StatusCode::OK, "{}", text);
            let answered: Payment = decode(&text)?;
            prop_assert_eq!(answered, recorded, "the payment the key recorded");
        }
        Expected::Created => {
            prop_assert_eq!(status, StatusCode::CREATED, "{}", text);
            let recorded: Payment = decode(&text)?;
            prop_assert_eq!(
                recorded.amount_cents,
                request
                    .allocations
                    .iter()
                    .map(|(_, cents)| cents)
                    .sum::<i64>()
            );
            for &(rank, cents) in &request.allocations {
                model.documents[rank].paid += cents;
            }
            if let Some(key) = request.key {
                model.keys.insert(key, recorded.clone());
            }
            model.payments.push(recorded);
        }
    }
    Ok(())
}

/// The server's books agree with the model, and with themselves: each invoice's total
/// less its credit notes is the corrected amount, which less its payments is what
/// remains, never below zero; the household's totals less its payments are what it owes.
async fn check_books(books: &Books, model: &Model, household: i64) -> Result<(), TestCaseError> {
    let listed: Vec<Invoice> = books
        .get(&format!("/api/v1/admin/invoices?household_id={household}"))
        .await?;
    let paid: Vec<Payment> = books
        .get(&format!("/api/v1/admin/payments?household_id={household}"))
        .await?;
    let mut listed_ids: Vec<i64> = listed.iter().map(|invoice| invoice.id).collect();
    listed_ids.sort_unstable();
    let own: Vec<&Document> = model
        .documents
        .iter()
        .filter(|document| document.own)
        .collect();
    let mut own_ids: Vec<i64> = own.iter().map(|document| document.id).collect();
    own_ids.sort_unstable();
    prop_assert_eq!(listed_ids, own_ids, "the household's documents");

    for invoice in &listed {
        prop_assert_eq!(
            invoice
                .lines
                .iter()
                .map(|line| line.amount_cents)
                .sum::<i64>(),
            invoice.total_cents,
            "{}: lines add up to the total",
            invoice.number
        );
        if invoice.kind == InvoiceKind::Avoir {
            prop_assert_eq!(invoice.balance_cents, 0);
            continue;
        }
        prop_assert_eq!(
            invoice
                .instalments
                .iter()
                .map(|due| due.amount_cents)
                .sum::<i64>(),
            invoice.total_cents,
            "{}: instalments add up to the total",
            invoice.number
        );
        let notes: i64 = listed
            .iter()
            .filter(|note| note.corrects_invoice_id == Some(invoice.id))
            .map(|note| note.total_cents)
            .sum();
        let settled: i64 = paid
            .iter()
            .flat_map(|payment| &payment.allocations)
            .filter(|part| part.invoice_id == invoice.id)
            .map(|part| part.amount_cents)
            .sum();
        let corrected = invoice.total_cents + notes;
        prop_assert_eq!(
            invoice.balance_cents,
            corrected - settled,
            "{}: what remains is the total less its credit notes and payments",
            invoice.number
        );
        prop_assert!(invoice.balance_cents >= 0, "{} below zero", invoice.number);
        let document = own
            .iter()
            .find(|document| document.id == invoice.id)
            .ok_or_else(|| failed("listed but not in the model"))?;
        prop_assert_eq!(corrected, document.total - document.credited);
        prop_assert_eq!(invoice.balance_cents, document.remaining());
    }

    for payment in &paid {
        prop_assert_eq!(
            payment.amount_cents,
            payment
                .allocations
                .iter()
                .map(|part| part.amount_cents)
                .sum::<i64>()
        );
    }
    let mut paid_sorted = paid.clone();
    paid_sorted.sort_by_key(|payment| payment.id);
    prop_assert_eq!(&paid_sorted, &model.payments, "the payments recorded");
    let owed: i64 = listed.iter().map(|invoice| invoice.balance_cents).sum();
    let billed: i64 = listed.iter().map(|invoice| invoice.total_cents).sum();
    let received: i64 = paid.iter().map(|payment| payment.amount_cents).sum();
    prop_assert_eq!(owed, billed - received, "the household's account");
    prop_assert_eq!(
        owed,
        own.iter().map(|document| document.remaining()).sum::<i64>()
    );

    let neighbour: Invoice = books
        .get(&format!("/api/v1/admin/invoices/{}", model.documents[0].id))
        .await?;
    prop_assert_eq!(neighbour.balance_cents, model.documents[0].remaining());
    Ok(())
}

/// One case: a new household, then the steps, each checked against the model.
async fn run_case(books: &Books, steps: Vec<Step>) -> Result<(), TestCaseError> {
    let (household, mut model) = start_case(books).await?;
    for step in steps {
        match step {
            Step::Invoice { kind, lines } => {
                manual_invoice(books, &mut model, household, kind, &lines).await?;
            }
            Step::CreditNote {
                target,
                amount,
                lines,
            } => credit_note(books, &mut model, target, amount, lines).await?,
            Step::Payment { to, amounts, key } => {
                let allocations = amounts
                    .into_iter()
                    .enumerate()
                    .map(|(offset, amount)| {
                        let rank = model.rank(to, offset);
                        (rank, model.resolve(amount, rank))
                    })
                    .collect();
                let key = key.map(|key| format!("proprietes-{household}-{key}"));
                payment(
                    books,
                    &mut model,
                    household,
                    PaymentRequest { allocations, key },
                )
                .await?;
            }
            Step::Replay { payment: index } => {
                if model.sent.is_empty() {
                    continue;
                }
                let request = model.sent[index % model.sent.len()].clone();
                payment(books, &mut model, household, request).await?;
            }
            Step::Redirect { payment: index } => {
                if model.sent.is_empty() {
                    continue;
                }
                let mut request = model.sent[index % model.sent.len()].clone();
                let invoices: Vec<usize> = (0..model.documents.len())
                    .filter(|&rank| {
                        model.documents[rank].own && model.documents[rank].corrects.is_none()
                    })
                    .collect();
                for (rank, _) in &mut request.allocations {
                    if let Some(position) = invoices.iter().position(|invoice| invoice == rank) {
                        *rank = invoices[(position + 1) % invoices.len()];
                    }
                }
                payment(books, &mut model, household, request).await?;
            }
        }
        check_books(books, &model, household).await?;
    }
    Ok(())
}

both! {
    /// Proves, for random sequences of manual invoices (some refused: no line, a zero
    /// line, a total not positive, kind `avoir`), credit notes (some above what remains,
    /// some of a credit note) and payments (across the household's invoices, some
    /// overpaying, some aimed at another household's invoice or at a credit note, some
    /// sent again with their Idempotency-Key, some reusing a key for another amount),
    /// that after every step: the status is the one the rules give; a refused step
    /// changed nothing and took no number; issued documents are numbered one after the
    /// other; lines and instalments add up to each total; an invoice and its credit notes
    /// net to the corrected amount; what remains due is that less the payments allocated,
    /// never below zero; and the household's balances add up to what it was billed less
    /// what it paid.
    async fn random_invoices_credit_notes_and_payments_keep_the_books_balanced(app) {
        let books = Books {
            client: reqwest::Client::new(),
            address: app.address.clone(),
            staff: app.staff_token().await,
            neighbour_household: app.demo_ids().await.durand_family,
        };
        let cases = std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(24);
        let outcome = tokio::task::spawn_blocking(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime for the cases");
            let mut runner = TestRunner::new(Config {
                cases,
                max_shrink_iters: 256,
                failure_persistence: None,
                ..Config::default()
            });
            runner
                .run(&steps(), |steps| {
                    runtime.block_on(run_case(&books, steps))
                })
                .map_err(|error| error.to_string())
        })
        .await
        .expect("the cases' thread");
        if let Err(failure) = outcome {
            panic!("{failure}");
        }
    }
}
