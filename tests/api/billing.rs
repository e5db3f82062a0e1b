//! Invoices through HTTP: the year's fee invoices issued from validated re-enrolment
//! files (a dry run first, issuing twice issues nothing new), numbered without gaps even
//! when requests race, and read by staff and by the household billed only.

use serde_json::json;
use tutti_shared::{Invoice, InvoiceKind, IssueFeesResult, StaffFileView};
use tutti_tests::{StatusCode, TestApp, both, expect_json};

use crate::household_helpers::HouseholdApi as _;
use crate::reenrolment_wizard::{complete_and_submit, demo_campaign, start};

const ISSUE: &str = "/api/v1/admin/invoices/issue-fees";

/// Léa's and Hugo's files sent and validated by staff; the campaign's id.
async fn two_validated_files(app: &TestApp) -> i64 {
    let martin = app.martin_token().await;
    let staff = app.staff_token().await;
    let ids = app.demo_ids().await;
    for student in [ids.lea, ids.hugo] {
        let file = complete_and_submit(app, &martin, &start(app, &martin, student).await).await;
        let detail: StaffFileView = app
            .get_ok(
                &format!("/api/v1/admin/reenrolment-files/{}", file.id),
                &staff,
            )
            .await;
        let _: StaffFileView = expect_json(
            app.post_as(
                &format!("/api/v1/admin/reenrolment-files/{}/validate", file.id),
                &staff,
                &json!({"version": detail.file.version}),
            )
            .await,
            StatusCode::OK,
            "validation",
        )
        .await;
    }
    demo_campaign(app, &staff).await.id
}

both! {
    async fn staff_preview_then_issue_the_fee_invoices_and_issuing_again_issues_nothing(app) {
        let campaign = two_validated_files(&app).await;
        let staff = app.staff_token().await;

        let preview: IssueFeesResult = expect_json(
            app.post_as(ISSUE, &staff, &json!({"campaign_id": campaign, "dry_run": true})).await,
            StatusCode::OK, "dry run").await;
        assert!(preview.dry_run && preview.issued.is_empty());
        assert_eq!(preview.previews.len(), 1, "one household: {preview:?}");
        let draft = &preview.previews[0];
        assert_eq!(draft.lines.iter().map(|line| line.amount_cents).sum::<i64>(), draft.total_cents);
        assert_eq!(draft.instalments.len(), 9, "the files asked for nine instalments");
        assert_eq!(draft.instalments.iter().map(|due| due.amount_cents).sum::<i64>(), draft.total_cents);
        let listed: Vec<Invoice> = app.get_ok("/api/v1/admin/invoices", &staff).await;
        assert!(listed.is_empty(), "a dry run issues nothing");

        let issued: IssueFeesResult = expect_json(
            app.post_as(ISSUE, &staff, &json!({"campaign_id": campaign})).await,
            StatusCode::OK, "issue").await;
        assert_eq!(issued.issued.len(), 1);
        let invoice = &issued.issued[0];
        assert_eq!(invoice.kind, InvoiceKind::Cotisation);
        assert_eq!(invoice.total_cents, draft.total_cents);
        assert_eq!(invoice.lines, draft.lines);
        assert!(invoice.number.ends_with("-000001"), "{}", invoice.number);
        assert!(invoice.label.starts_with("Cotisation "), "{}", invoice.label);

        let again: IssueFeesResult = expect_json(
            app.post_as(ISSUE, &staff, &json!({"campaign_id": campaign})).await,
            StatusCode::OK, "issue again").await;
        assert!(again.issued.is_empty());
        assert_eq!(again.skipped.len(), 1);
        assert_eq!(again.skipped[0].reason, "Déjà facturé pour cette campagne.");

        // The household reads it; another household's answers 404, as an unknown id.
        let martin = app.martin_token().await;
        let mine: Vec<Invoice> = app.get_ok("/api/v1/invoices", &martin).await;
        assert_eq!(mine, vec![invoice.clone()]);
        let one: Invoice = app.get_ok(&format!("/api/v1/invoices/{}", invoice.id), &martin).await;
        assert_eq!(&one, invoice);
        let durand = app.durand_token().await;
        let theirs: Vec<Invoice> = app.get_ok("/api/v1/invoices", &durand).await;
        assert!(theirs.is_empty());
        let other = app.get_as(&format!("/api/v1/invoices/{}", invoice.id), &durand).await;
        assert_eq!(other.status(), StatusCode::NOT_FOUND);
        let unknown = app.get_as("/api/v1/invoices/999999", &durand).await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        let forbidden = app.post_as(ISSUE, &martin, &json!({"campaign_id": campaign})).await;
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    }
}

both! {
    async fn issuing_at_once_from_sixteen_requests_makes_one_invoice_numbered_once(app) {
        let campaign = two_validated_files(&app).await;
        let staff = app.staff_token().await;
        let mut requests = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let client = app.new_client();
            let url = app.url(ISSUE);
            let staff = staff.clone();
            requests.spawn(async move {
                client
                    .post(url)
                    .bearer_auth(staff)
                    .json(&json!({"campaign_id": campaign}))
                    .send()
                    .await
            });
        }
        let mut issued = 0;
        while let Some(answer) = requests.join_next().await {
            let answer = answer.expect("the request task").expect("the request");
            let result: IssueFeesResult = expect_json(answer, StatusCode::OK, "issue").await;
            issued += result.issued.len();
        }
        assert_eq!(issued, 1, "one household, one invoice, whatever the races");
        let listed: Vec<Invoice> = app.get_ok("/api/v1/admin/invoices", &staff).await;
        assert_eq!(listed.len(), 1);
        assert!(listed[0].number.ends_with("-000001"), "no number was lost: {}", listed[0].number);
    }
}

/// A manual invoice of `total` cents in two lines for the Martin household.
fn manual(household: i64, total: i64) -> serde_json::Value {
    json!({"household_id": household, "kind": "location", "label": "Location de salle",
           "lines": [{"label": "Salle Debussy, 12 mars", "amount_cents": total + 500},
                     {"label": "Remise association", "amount_cents": -500}]})
}

both! {
    async fn sixteen_manual_invoices_at_once_are_numbered_one_to_sixteen(app) {
        let staff = app.staff_token().await;
        let household = app.demo_ids().await.martin_family;
        let mut requests = tokio::task::JoinSet::new();
        for index in 0..16 {
            let client = app.new_client();
            let url = app.url("/api/v1/admin/invoices");
            let staff = staff.clone();
            requests.spawn(async move {
                client.post(url).bearer_auth(staff).json(&manual(household, 1_000 + index)).send().await
            });
        }
        let mut numbers = Vec::new();
        while let Some(answer) = requests.join_next().await {
            let answer = answer.expect("the request task").expect("the request");
            let invoice: Invoice = expect_json(answer, StatusCode::CREATED, "manual invoice").await;
            assert_eq!(invoice.lines.iter().map(|line| line.amount_cents).sum::<i64>(), invoice.total_cents);
            numbers.push(invoice.number.split('-').nth(1).and_then(|n| n.parse::<i64>().ok()).expect("a number"));
        }
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=16).collect::<Vec<i64>>(), "no gap, no repeat");
    }
}

both! {
    /// Proves that numbering holds across instances, not only within one server's pool:
    /// four servers on the same database (the test's and three siblings, each with its
    /// own connection pool; one PostgreSQL database, or one SQLite file), sent eight
    /// manual invoices each, all 32 at once, number them exactly 1 to 32 of the year,
    /// with no gap and no repeat, each instance answering the numbers it issued.
    async fn four_instances_on_one_database_number_thirty_two_invoices_one_to_thirty_two(app) {
        let staff = app.staff_token().await;
        let household = app.demo_ids().await.martin_family;
        let mut siblings = Vec::new();
        for _ in 0..3 {
            siblings.push(app.spawn_sibling(vec![]).await);
        }
        let addresses: Vec<String> = std::iter::once(app.address.clone())
            .chain(siblings.iter().map(|sibling| sibling.address.clone()))
            .collect();
        let mut requests = tokio::task::JoinSet::new();
        for (instance, address) in addresses.iter().enumerate() {
            for index in 0..8 {
                let client = app.new_client();
                let url = format!("{address}/api/v1/admin/invoices");
                let staff = staff.clone();
                let body = manual(household, 1_000 + i64::try_from(instance * 8 + index).expect("small"));
                requests.spawn(async move {
                    (instance, client.post(url).bearer_auth(staff).json(&body).send().await)
                });
            }
        }
        let mut issued = Vec::new();
        let mut per_instance = [0; 4];
        while let Some(answer) = requests.join_next().await {
            let (instance, answer) = answer.expect("the request task");
            let invoice: Invoice = expect_json(answer.expect("the request"), StatusCode::CREATED, "manual invoice").await;
            per_instance[instance] += 1;
            issued.push(invoice);
        }
        assert_eq!(per_instance, [8; 4], "every instance issued its eight");
        let year = issued[0].issued_on.format("%Y").to_string();
        let mut numbers: Vec<i64> = issued
            .iter()
            .map(|invoice| {
                let (prefix, sequence) = invoice.number.split_once('-').expect("YEAR-SEQUENCE");
                assert_eq!(prefix, year, "{}", invoice.number);
                sequence.parse().expect("a sequence number")
            })
            .collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (1..=32).collect::<Vec<i64>>(), "no gap, no repeat across instances");
        // The books, read back from one instance, hold exactly those 32.
        let listed: Vec<Invoice> = app.get_ok("/api/v1/admin/invoices", &staff).await;
        let mut listed_numbers: Vec<&str> = listed.iter().map(|invoice| invoice.number.as_str()).collect();
        let mut issued_numbers: Vec<&str> = issued.iter().map(|invoice| invoice.number.as_str()).collect();
        listed_numbers.sort_unstable();
        issued_numbers.sort_unstable();
        assert_eq!(listed_numbers, issued_numbers);
    }
}

both! {
    async fn credit_notes_correct_an_invoice_that_never_changes_and_never_net_below_zero(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let invoice: Invoice = expect_json(
            app.post_as("/api/v1/admin/invoices", &staff, &manual(ids.martin_family, 12_000)).await,
            StatusCode::CREATED, "invoice").await;
        assert_eq!(invoice.total_cents, 12_000);
        assert_eq!(invoice.instalments.len(), 1);

        // Bad input changes nothing and says why, field by field.
        let bad = tutti_tests::expect_error(
            app.post_as("/api/v1/admin/invoices", &staff,
                &json!({"household_id": ids.martin_family, "kind": "avoir", "label": "", "lines": [{"label": "x", "amount_cents": 0}]})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "bad invoice").await;
        for field in ["kind", "label", "lines[0].amount_cents"] {
            assert!(bad.fields.contains_key(field), "{field}: {:?}", bad.fields);
        }
        let elsewhere = app.post_as("/api/v1/admin/invoices", &staff, &manual(999_999, 100)).await;
        assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);

        let path = format!("/api/v1/admin/invoices/{}/credit-notes", invoice.id);
        let note: Invoice = expect_json(
            app.post_as(&path, &staff, &json!({"label": "Erreur de date", "lines": [{"label": "Salle non utilisée", "amount_cents": 5_000}]})).await,
            StatusCode::CREATED, "credit note").await;
        assert_eq!(note.kind, InvoiceKind::Avoir);
        assert_eq!(note.total_cents, -5_000);
        assert_eq!(note.corrects_invoice_id, Some(invoice.id));
        assert_eq!(invoice.total_cents + note.total_cents, 7_000, "they net to the corrected amount");

        let too_much = tutti_tests::expect_error(
            app.post_as(&path, &staff, &json!({"label": "Encore", "lines": [{"label": "Trop", "amount_cents": 7_001}]})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "more than what remains").await;
        assert!(too_much.message.contains("70,00"), "{}", too_much.message);
        let of_a_note = app.post_as(&format!("/api/v1/admin/invoices/{}/credit-notes", note.id), &staff,
            &json!({"label": "Non", "lines": [{"label": "Non", "amount_cents": 1}]})).await;
        assert_eq!(of_a_note.status(), StatusCode::CONFLICT);

        let unchanged: Invoice = app.get_ok(&format!("/api/v1/admin/invoices/{}", invoice.id), &staff).await;
        // The invoice itself never changes: only what remains to pay follows the note.
        assert_eq!(unchanged, Invoice { balance_cents: 7_000, ..invoice.clone() });
        let martin = app.martin_token().await;
        let mine: Vec<Invoice> = app.get_ok("/api/v1/invoices", &martin).await;
        assert_eq!(mine.len(), 2, "the invoice and its credit note");
    }
}

/// Records a payment as staff, with an optional Idempotency-Key.
async fn pay(
    app: &TestApp,
    staff: &str,
    body: &serde_json::Value,
    key: Option<&str>,
) -> reqwest::Response {
    let mut request = app
        .new_client()
        .post(app.url("/api/v1/admin/payments"))
        .bearer_auth(staff)
        .json(body);
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.expect("the payment request")
}

both! {
    async fn payments_settle_invoices_without_overpaying_and_a_retried_key_records_one(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let household = ids.martin_family;
        let first: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 10_000)).await, StatusCode::CREATED, "first").await;
        let second: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 4_000)).await, StatusCode::CREATED, "second").await;
        assert_eq!((first.balance_cents, second.balance_cents), (10_000, 4_000));

        // One cheque settles the second and part of the first.
        let body = json!({"household_id": household, "paid_on": "2026-11-30", "method": "cheque", "reference": "Chèque 1234567",
                          "allocations": [{"invoice_id": second.id, "amount_cents": 4_000}, {"invoice_id": first.id, "amount_cents": 2_500}]});
        let payment: tutti_shared::Payment = expect_json(pay(&app, &staff, &body, Some("portail-42")).await, StatusCode::CREATED, "payment").await;
        assert_eq!(payment.amount_cents, 6_500);
        let again: tutti_shared::Payment = expect_json(pay(&app, &staff, &body, Some("portail-42")).await, StatusCode::OK, "the same request again").await;
        assert_eq!(again, payment, "one payment recorded");
        let other = json!({"household_id": household, "paid_on": "2026-11-30", "method": "cheque",
                           "allocations": [{"invoice_id": first.id, "amount_cents": 100}]});
        assert_eq!(pay(&app, &staff, &other, Some("portail-42")).await.status(), StatusCode::CONFLICT);

        let first_now: Invoice = app.get_ok(&format!("/api/v1/admin/invoices/{}", first.id), &staff).await;
        let second_now: Invoice = app.get_ok(&format!("/api/v1/admin/invoices/{}", second.id), &staff).await;
        assert_eq!((first_now.balance_cents, second_now.balance_cents), (7_500, 0));

        // Overpaying is refused and changes nothing, nor does another household's invoice.
        let over = json!({"household_id": household, "paid_on": "2026-11-30", "method": "especes",
                          "allocations": [{"invoice_id": first.id, "amount_cents": 7_000}, {"invoice_id": second.id, "amount_cents": 1}]});
        let refused = tutti_tests::expect_error(pay(&app, &staff, &over, None).await, StatusCode::UNPROCESSABLE_ENTITY, "overpayment").await;
        assert!(refused.fields.contains_key("allocations[1]"), "{:?}", refused.fields);
        let first_still: Invoice = app.get_ok(&format!("/api/v1/admin/invoices/{}", first.id), &staff).await;
        assert_eq!(first_still.balance_cents, 7_500, "the refused payment left nothing behind");
        let wrong_household = json!({"household_id": ids.durand_family, "paid_on": "2026-11-30", "method": "virement",
                                     "allocations": [{"invoice_id": first.id, "amount_cents": 100}]});
        let refused = tutti_tests::expect_error(pay(&app, &staff, &wrong_household, None).await, StatusCode::UNPROCESSABLE_ENTITY, "another household's invoice").await;
        assert!(refused.fields.contains_key("allocations[0]"));

        // Eight payments of the whole balance at once: exactly one goes through.
        let mut requests = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let client = app.new_client();
            let url = app.url("/api/v1/admin/payments");
            let staff = staff.clone();
            let body = json!({"household_id": household, "paid_on": "2026-11-30", "method": "virement",
                              "allocations": [{"invoice_id": first.id, "amount_cents": 7_500}]});
            requests.spawn(async move { client.post(url).bearer_auth(staff).json(&body).send().await });
        }
        let mut created = 0;
        while let Some(answer) = requests.join_next().await {
            let status = answer.expect("the task").expect("the request").status();
            assert!(status == StatusCode::CREATED || status == StatusCode::UNPROCESSABLE_ENTITY, "{status}");
            created += usize::from(status == StatusCode::CREATED);
        }
        assert_eq!(created, 1, "never overpaid");
        let settled: Invoice = app.get_ok(&format!("/api/v1/admin/invoices/{}", first.id), &staff).await;
        assert_eq!(settled.balance_cents, 0);

        // The family sees its payments and balances; the other household sees none.
        let martin = app.martin_token().await;
        let mine: Vec<tutti_shared::Payment> = app.get_ok("/api/v1/payments", &martin).await;
        assert_eq!(mine.len(), 2);
        let durand = app.durand_token().await;
        let theirs: Vec<tutti_shared::Payment> = app.get_ok("/api/v1/payments", &durand).await;
        assert!(theirs.is_empty());
        let listed: Vec<tutti_shared::Payment> = app.get_ok(&format!("/api/v1/admin/payments?household_id={household}"), &staff).await;
        assert_eq!(listed.len(), 2);
    }
}

/// The text of every page of a PDF, read back.
fn pdf_pages(bytes: &[u8]) -> Vec<String> {
    let document = lopdf::Document::load_mem(bytes).expect("a PDF");
    document
        .get_pages()
        .keys()
        .map(|number| document.extract_text(&[*number]).expect("the page's text"))
        .collect()
}

both! {
    async fn an_invoice_pdf_follows_the_payments_and_only_its_household_gets_it(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let invoice: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(ids.martin_family, 123_456)).await, StatusCode::CREATED, "invoice").await;
        let martin = app.martin_token().await;
        let path = format!("/api/v1/invoices/{}/pdf", invoice.id);
        let answer = app.get_as(&path, &martin).await;
        assert_eq!(answer.status(), StatusCode::OK);
        assert_eq!(tutti_tests::header(&answer, "content-type"), "application/pdf");
        assert!(tutti_tests::header(&answer, "content-disposition").contains(&format!("facture-{}.pdf", invoice.number)));
        let text = pdf_pages(&answer.bytes().await.expect("the PDF")).join("\n");
        for expected in [invoice.number.as_str(), "DUPLICATA", "Martin", "Conservatoire 1", "219 400 591 00017",
                         "Salle Debussy, 12 mars", "Remise association", "1\u{202F}234,56\u{A0}€"] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        // After a payment, the duplicate shows it and the new balance: never stale.
        let body = json!({"household_id": ids.martin_family, "paid_on": "2026-12-01", "method": "cheque", "reference": "Chèque 987",
                          "allocations": [{"invoice_id": invoice.id, "amount_cents": 23_456}]});
        assert_eq!(pay(&app, &staff, &body, None).await.status(), StatusCode::CREATED);
        let text = pdf_pages(&app.get_as(&path, &martin).await.bytes().await.expect("the PDF")).join("\n");
        for expected in ["Chèque 987", "01/12/2026", "1\u{202F}000,00\u{A0}€"] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        // The payment's receipt names the invoice it settled and what remained after it.
        let payments: Vec<tutti_shared::Payment> = app.get_ok("/api/v1/payments", &martin).await;
        let receipt_path = format!("/api/v1/payments/{}/receipt", payments[0].id);
        let receipt = app.get_as(&receipt_path, &martin).await;
        assert_eq!(receipt.status(), StatusCode::OK);
        let text = pdf_pages(&receipt.bytes().await.expect("the receipt")).join("\n");
        for expected in [invoice.number.as_str(), "DUPLICATA", "Chèque 987", "234,56\u{A0}€", "1\u{202F}000,00\u{A0}€"] {
            assert!(text.contains(expected), "{expected:?} missing from the receipt:\n{text}");
        }
        let durand = app.durand_token().await;
        assert_eq!(app.get_as(&path, &durand).await.status(), StatusCode::NOT_FOUND);
        assert_eq!(app.get_as(&receipt_path, &durand).await.status(), StatusCode::NOT_FOUND);
        let staff_copy = app.get_as(&format!("/api/v1/admin/invoices/{}/pdf", invoice.id), &staff).await;
        assert_eq!(staff_copy.status(), StatusCode::OK);
    }
}

both! {
    async fn staff_filter_invoices_by_status_and_export_invoices_and_payments_for_the_town(app) {
        let staff = app.staff_token().await;
        let household = app.demo_ids().await.martin_family;
        let paid: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 5_000)).await, StatusCode::CREATED, "paid").await;
        let partial: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 10_000)).await, StatusCode::CREATED, "partial").await;
        // Due long ago: overdue.
        let late: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff,
            &json!({"household_id": household, "kind": "cotisation", "label": "Cotisation 2025-2026", "due_on": "2026-01-05",
                    "lines": [{"label": "Piano; « Léa »", "amount_cents": 123_456}]})).await, StatusCode::CREATED, "late").await;
        let body = json!({"household_id": household, "paid_on": "2026-11-30", "method": "cheques_vacances", "reference": "ANCV",
                          "allocations": [{"invoice_id": paid.id, "amount_cents": 5_000}, {"invoice_id": partial.id, "amount_cents": 2_500}]});
        assert_eq!(pay(&app, &staff, &body, None).await.status(), StatusCode::CREATED);

        for (status, expected) in [("paid", &paid), ("partial", &partial), ("overdue", &late)] {
            let listed: Vec<Invoice> = app.get_ok(&format!("/api/v1/admin/invoices?status={status}"), &staff).await;
            assert_eq!(listed.iter().map(|invoice| invoice.id).collect::<Vec<_>>(), vec![expected.id], "{status}");
        }
        let none: Vec<Invoice> = app.get_ok("/api/v1/admin/invoices?from=2030-01-01", &staff).await;
        assert!(none.is_empty());

        let invoices = app.get_as("/api/v1/admin/invoices/export.csv", &staff).await;
        assert_eq!(invoices.status(), StatusCode::OK);
        assert_eq!(tutti_tests::header(&invoices, "content-type"), "text/csv; charset=utf-8");
        let bytes = invoices.bytes().await.expect("the CSV");
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte order mark");
        let text = String::from_utf8(bytes[3..].to_vec()).expect("UTF-8");
        let lines: Vec<&str> = text.split("\r\n").filter(|line| !line.is_empty()).collect();
        assert_eq!(lines.len(), 4, "a header and three invoices: {text}");
        assert!(lines[0].starts_with("Numéro;Date;Type;Foyer;Objet;Montant;Reste à payer;Statut"), "{}", lines[0]);
        assert!(text.contains(&format!("{};{};Cotisation;Famille Martin;Cotisation 2025-2026;1234,56;1234,56;En retard",
            late.number, late.issued_on.format("%d/%m/%Y"))), "{text}");
        assert!(text.contains(";100,00;75,00;Partiellement payée;"), "{text}");

        let payments = app.get_as("/api/v1/admin/payments/export.csv", &staff).await;
        let text = String::from_utf8(payments.bytes().await.expect("the CSV")[3..].to_vec()).expect("UTF-8");
        assert!(text.starts_with("Date;Foyer;Mode;Référence;Montant;Factures réglées\r\n"), "{text}");
        assert!(text.contains(&format!("30/11/2026;Famille Martin;Chèques vacances;ANCV;75,00;{} (50,00), {} (25,00)", paid.number, partial.number)), "{text}");
        let martin = app.martin_token().await;
        assert_eq!(app.get_as("/api/v1/admin/payments/export.csv", &martin).await.status(), StatusCode::FORBIDDEN);
    }
}

both! {
    async fn an_integrator_reads_the_invoices_issued_or_settled_since_its_last_visit(app) {
        let staff = app.staff_token().await;
        let household = app.demo_ids().await.martin_family;
        let since_query = |since: chrono::DateTime<chrono::Utc>| {
            format!("/api/v1/admin/invoices?changed_since={}",
                since.to_rfc3339_opts(chrono::SecondsFormat::Micros, true).replace('+', "%2B"))
        };
        let older: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 5_000)).await,
            StatusCode::CREATED, "older").await;
        let untouched: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 7_000)).await,
            StatusCode::CREATED, "untouched").await;
        let visit = chrono::Utc::now();
        let nothing: Vec<Invoice> = app.get_ok(&since_query(visit), &staff).await;
        assert!(nothing.is_empty(), "nothing changed since the visit: {nothing:?}");

        let newer: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 3_000)).await,
            StatusCode::CREATED, "newer").await;
        let body = json!({"household_id": household, "paid_on": "2026-11-30", "method": "virement", "reference": "VIR-1",
                          "allocations": [{"invoice_id": older.id, "amount_cents": 1_000}]});
        assert_eq!(pay(&app, &staff, &body, Some("portal-1")).await.status(), StatusCode::CREATED);
        let changed: Vec<Invoice> = app.get_ok(&since_query(visit), &staff).await;
        let mut ids: Vec<i64> = changed.iter().map(|invoice| invoice.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, vec![older.id, newer.id], "the new invoice and the one paid, not {}", untouched.id);
        let paid = changed.iter().find(|invoice| invoice.id == older.id).expect("the paid invoice");
        assert_eq!(paid.balance_cents, 4_000);

        // The same payment sent again with its key records nothing and changes nothing.
        let second_visit = chrono::Utc::now();
        assert_eq!(pay(&app, &staff, &body, Some("portal-1")).await.status(), StatusCode::OK);
        let none: Vec<Invoice> = app.get_ok(&since_query(second_visit), &staff).await;
        assert!(none.is_empty(), "a replayed payment changes nothing: {none:?}");
        let bad = app.get_as("/api/v1/admin/invoices?changed_since=hier", &staff).await;
        assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    }
}

both! {
    /// Proves that an Idempotency-Key answers the payment it recorded only for the same
    /// request: the same amount sent to another invoice under the key is refused (409)
    /// and records nothing, instead of answering the first payment as if this one were
    /// recorded (found by billing_properties: a 0,01 € payment of one invoice, then
    /// 0,01 € of another under the same key).
    async fn a_used_idempotency_key_with_the_same_amount_for_another_invoice_is_refused(app) {
        let staff = app.staff_token().await;
        let household = app.demo_ids().await.martin_family;
        let first: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 1_000)).await, StatusCode::CREATED, "first").await;
        let second: Invoice = expect_json(app.post_as("/api/v1/admin/invoices", &staff, &manual(household, 1_000)).await, StatusCode::CREATED, "second").await;
        let paying = |invoice: i64| json!({"household_id": household, "paid_on": "2026-11-30", "method": "cheque", "reference": "Chèque 1",
                                            "allocations": [{"invoice_id": invoice, "amount_cents": 1}]});
        let payment: tutti_shared::Payment = expect_json(pay(&app, &staff, &paying(first.id), Some("cle-1")).await, StatusCode::CREATED, "payment").await;
        let again: tutti_shared::Payment = expect_json(pay(&app, &staff, &paying(first.id), Some("cle-1")).await, StatusCode::OK, "the same request").await;
        assert_eq!(again, payment);

        let other = tutti_tests::expect_error(pay(&app, &staff, &paying(second.id), Some("cle-1")).await, StatusCode::CONFLICT, "another invoice, same key").await;
        assert_eq!(other.code, tutti_tests::ErrorCode::AlreadyExists);
        let second_now: Invoice = app.get_ok(&format!("/api/v1/admin/invoices/{}", second.id), &staff).await;
        assert_eq!(second_now.balance_cents, 1_000, "nothing recorded for the second invoice");
        let other_day = json!({"household_id": household, "paid_on": "2026-12-01", "method": "cheque", "reference": "Chèque 1",
                               "allocations": [{"invoice_id": first.id, "amount_cents": 1}]});
        assert_eq!(pay(&app, &staff, &other_day, Some("cle-1")).await.status(), StatusCode::CONFLICT, "another day, same key");
        let listed: Vec<tutti_shared::Payment> = app.get_ok(&format!("/api/v1/admin/payments?household_id={household}"), &staff).await;
        assert_eq!(listed, vec![payment]);
    }
}
