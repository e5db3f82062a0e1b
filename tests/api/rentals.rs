//! Rentals through HTTP: the inventory kept by staff, an item lent to one borrower at a
//! time and returned, and the period's `location` invoices, which never bill a month
//! twice and add up to the grid's yearly price over a school year.

use serde_json::{Value, json};
use tutti_shared::{
    ErrorCode, Invoice, InvoiceKind, IssueFeesResult, ItemCondition, Page, RentalItem, RentalLoan,
};
use tutti_tests::{StatusCode, TestApp, both, expect_error, expect_json};

use crate::household_helpers::HouseholdApi as _;

const ITEMS: &str = "/api/v1/admin/rental-items";
const LOANS: &str = "/api/v1/admin/rental-loans";
const ISSUE: &str = "/api/v1/admin/invoices/issue-rentals";

fn violin(number: &str) -> Value {
    json!({
        "category": "instrument",
        "tariff_code": "violon",
        "label": "Violon 3/4",
        "make": "Stentor",
        "inventory_number": number,
        "serial_number": "S-1234",
        "condition": "bon",
    })
}

async fn new_item(app: &TestApp, staff: &str, body: &Value) -> RentalItem {
    expect_json(
        app.post_as(ITEMS, staff, body).await,
        StatusCode::CREATED,
        "new item",
    )
    .await
}

async fn lend(
    app: &TestApp,
    staff: &str,
    item: i64,
    student: i64,
    from: &str,
    to: &str,
) -> RentalLoan {
    let household = app.demo_ids().await.martin_family;
    expect_json(
        app.post_as(
            LOANS,
            staff,
            &json!({"item_id": item, "household_id": household, "student_id": student,
                    "starts_on": from, "ends_on": to}),
        )
        .await,
        StatusCode::CREATED,
        "loan",
    )
    .await
}

async fn issue(app: &TestApp, staff: &str, from: &str, to: &str, dry_run: bool) -> IssueFeesResult {
    expect_json(
        app.post_as(
            ISSUE,
            staff,
            &json!({"from": from, "to": to, "dry_run": dry_run}),
        )
        .await,
        StatusCode::OK,
        "rental invoices",
    )
    .await
}

both! {
    async fn staff_keep_the_inventory_and_bad_input_changes_nothing(app) {
        let staff = app.staff_token().await;
        let item = new_item(&app, &staff, &violin("T-V1")).await;
        assert_eq!(item.condition, ItemCondition::Bon);
        assert_eq!(item.version, 1);
        assert!(item.current_loan.is_none());

        let taken = expect_error(app.post_as(ITEMS, &staff, &violin("T-V1")).await,
            StatusCode::UNPROCESSABLE_ENTITY, "inventory number taken").await;
        assert!(taken.fields.contains_key("inventory_number"), "{taken:?}");
        let mut unpriced = violin("T-V2");
        unpriced["tariff_code"] = json!("harpe");
        unpriced["label"] = json!("  ");
        let refused = expect_error(app.post_as(ITEMS, &staff, &unpriced).await,
            StatusCode::UNPROCESSABLE_ENTITY, "unknown tariff, blank label").await;
        assert!(refused.fields.contains_key("tariff_code") && refused.fields.contains_key("label"),
            "{refused:?}");

        let found: Page<RentalItem> = app.get_ok(&format!("{ITEMS}?q=t-v&category=instrument"), &staff).await;
        assert_eq!(found.total, 1, "the refused ones were not written: {found:?}");

        let mut edit = violin("T-V1");
        edit["condition"] = json!("use");
        edit["version"] = json!(item.version);
        let edited: RentalItem = expect_json(
            app.put_as(&format!("{ITEMS}/{}", item.id), &staff, &edit).await,
            StatusCode::OK, "edit").await;
        assert_eq!((edited.condition, edited.version), (ItemCondition::Use, 2));
        edit["condition"] = json!("neuf");
        let stale = expect_error(app.put_as(&format!("{ITEMS}/{}", item.id), &staff, &edit).await,
            StatusCode::CONFLICT, "stale edit").await;
        assert_eq!(stale.code, ErrorCode::StaleVersion);
        let kept: RentalItem = app.get_ok(&format!("{ITEMS}/{}", item.id), &staff).await;
        assert_eq!(kept.condition, ItemCondition::Use, "the stale edit changed nothing");
    }
}

both! {
    async fn an_item_is_lent_to_one_borrower_at_a_time_then_comes_back(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let item = new_item(&app, &staff, &violin("T-V1")).await;

        let loan_body = |student: Option<i64>, household: i64, from: &str, to: &str| json!({
            "item_id": item.id, "household_id": household, "student_id": student,
            "starts_on": from, "ends_on": to});
        for (body, field) in [
            (loan_body(None, ids.martin_family, "2025-09-01", "2026-06-30"), "student_id"),
            (loan_body(Some(ids.nathan), ids.martin_family, "2025-09-01", "2026-06-30"), "student_id"),
            (loan_body(Some(ids.lea), ids.martin_family, "2025-09-01", "2025-08-30"), "ends_on"),
            (loan_body(Some(ids.lea), ids.martin_family, "2025-09-01", "2028-06-30"), "ends_on"),
        ] {
            let refused = expect_error(app.post_as(LOANS, &staff, &body).await,
                StatusCode::UNPROCESSABLE_ENTITY, field).await;
            assert!(refused.fields.contains_key(field), "{field}: {refused:?}");
        }

        let loan = lend(&app, &staff, item.id, ids.lea, "2025-09-01", "2026-06-30").await;
        assert_eq!(loan.student_id, Some(ids.lea));
        assert!(loan.student_name.as_deref().is_some_and(|name| name.starts_with("Léa")), "{loan:?}");
        let again = expect_error(
            app.post_as(LOANS, &staff, &loan_body(Some(ids.hugo), ids.martin_family, "2025-10-01", "2026-06-30")).await,
            StatusCode::CONFLICT, "already out").await;
        assert_eq!(again.code, ErrorCode::AlreadyExists);

        let available: Page<RentalItem> = app.get_ok(&format!("{ITEMS}?available=true&q=T-V"), &staff).await;
        assert_eq!(available.total, 0);
        let out: RentalItem = app.get_ok(&format!("{ITEMS}/{}", item.id), &staff).await;
        assert_eq!(out.current_loan.as_ref().map(|current| current.loan_id), Some(loan.id));

        // The family sees it; the other household does not.
        let martin: Vec<RentalLoan> = app.get_ok("/api/v1/rentals", &app.martin_token().await).await;
        assert!(martin.iter().any(|mine| mine.id == loan.id));
        let durand: Vec<RentalLoan> = app.get_ok("/api/v1/rentals", &app.durand_token().await).await;
        assert!(durand.iter().all(|theirs| theirs.id != loan.id));

        let future = expect_error(app.post_as(&format!("{LOANS}/{}/return", loan.id), &staff,
            &json!({"returned_on": "2099-01-01", "condition": "bon", "version": loan.version})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "return in the future").await;
        assert!(future.fields.contains_key("returned_on"));
        let back: RentalLoan = expect_json(app.post_as(&format!("{LOANS}/{}/return", loan.id), &staff,
            &json!({"returned_on": "2026-06-20", "condition": "a_reparer", "notes": "Chevalet cassé",
                    "version": loan.version})).await,
            StatusCode::OK, "return").await;
        assert_eq!(back.returned_on.map(|day| day.to_string()).as_deref(), Some("2026-06-20"));
        let twice = expect_error(app.post_as(&format!("{LOANS}/{}/return", loan.id), &staff,
            &json!({"returned_on": "2026-06-20", "condition": "bon", "version": back.version})).await,
            StatusCode::CONFLICT, "returned twice").await;
        assert_eq!(twice.code, ErrorCode::InvalidTransition);

        // It came back broken: not lent until repaired.
        let broken = expect_error(
            app.post_as(LOANS, &staff, &loan_body(Some(ids.hugo), ids.martin_family, "2026-09-01", "2027-06-30")).await,
            StatusCode::CONFLICT, "to repair").await;
        assert_eq!(broken.code, ErrorCode::InvalidTransition);
        let repaired: RentalItem = app.get_ok(&format!("{ITEMS}/{}", item.id), &staff).await;
        assert_eq!(repaired.condition, ItemCondition::AReparer);
        let mut fix = violin("T-V1");
        fix["version"] = json!(repaired.version);
        let _: RentalItem = expect_json(app.put_as(&format!("{ITEMS}/{}", item.id), &staff, &fix).await,
            StatusCode::OK, "repaired").await;
        let _ = lend(&app, &staff, item.id, ids.hugo, "2026-09-01", "2027-06-30").await;
        let history: Page<RentalLoan> = app.get_ok(&format!("{LOANS}?item_id={}", item.id), &staff).await;
        assert_eq!(history.total, 2);
    }
}

both! {
    async fn a_period_is_invoiced_once_and_a_year_adds_up_to_the_yearly_price(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let item = new_item(&app, &staff, &violin("T-V1")).await;
        let loan = lend(&app, &staff, item.id, ids.lea, "2025-09-01", "2026-06-30").await;

        for (from, to) in [("2025-12-01", "2025-09-01"), ("2025-09-01", "2026-09-01")] {
            let refused = expect_error(app.post_as(ISSUE, &staff, &json!({"from": from, "to": to})).await,
                StatusCode::UNPROCESSABLE_ENTITY, "bad period").await;
            assert!(refused.fields.contains_key("to"), "{refused:?}");
        }

        let preview = issue(&app, &staff, "2025-09-01", "2025-12-31", true).await;
        assert!(preview.issued.is_empty());
        let mine: Vec<_> = preview.previews.iter().filter(|draft| draft.household_id == ids.martin_family).collect();
        assert_eq!(mine.len(), 1, "{preview:?}");
        // The demo grid's violin: 120 € a year, four months of ten.
        assert_eq!(mine[0].total_cents, 4_800);
        let none: Vec<Invoice> = app.get_ok("/api/v1/admin/invoices?kind=location", &staff).await;
        assert!(none.is_empty(), "a dry run issues nothing");

        let first = issue(&app, &staff, "2025-09-01", "2025-12-31", false).await;
        let invoice = first.issued.iter().find(|issued| issued.household_id == ids.martin_family)
            .expect("Martin's invoice");
        assert_eq!((invoice.kind, invoice.total_cents), (InvoiceKind::Location, 4_800));
        assert!(invoice.lines[0].label.contains("n° T-V1 (Léa)"), "{:?}", invoice.lines);
        assert!(invoice.lines[0].label.contains("septembre 2025 à décembre 2025"), "{:?}", invoice.lines);
        assert_eq!(invoice.instalments.iter().map(|due| due.amount_cents).sum::<i64>(), 4_800);

        let again = issue(&app, &staff, "2025-09-01", "2025-12-31", false).await;
        assert!(again.issued.iter().all(|issued| issued.household_id != ids.martin_family),
            "issuing again issues nothing new: {again:?}");

        // An overlapping period bills only the months not yet invoiced: January to June.
        let rest = issue(&app, &staff, "2025-11-01", "2026-08-31", false).await;
        let second = rest.issued.iter().find(|issued| issued.household_id == ids.martin_family)
            .expect("the rest of the year");
        assert_eq!(second.total_cents, 7_200);
        assert_eq!(invoice.total_cents + second.total_cents, 12_000, "the yearly price");

        let read: RentalLoan = app.get_ok(&format!("{LOANS}/{}", loan.id), &staff).await;
        assert_eq!(read.invoiced_months.len(), 10);
        let shorter = expect_error(app.put_as(&format!("{LOANS}/{}", loan.id), &staff,
            &json!({"ends_on": "2026-03-31", "version": read.version})).await,
            StatusCode::UNPROCESSABLE_ENTITY, "planned end before an invoiced month").await;
        assert!(shorter.fields.contains_key("ends_on"));
        let family: Vec<Invoice> = app.get_ok("/api/v1/invoices", &app.martin_token().await).await;
        assert_eq!(family.iter().filter(|mine| mine.kind == InvoiceKind::Location).count(), 2);
    }
}

both! {
    async fn racing_issuers_invoice_a_month_once(app) {
        let staff = app.staff_token().await;
        let ids = app.demo_ids().await;
        let item = new_item(&app, &staff, &violin("T-V1")).await;
        let _ = lend(&app, &staff, item.id, ids.lea, "2025-09-01", "2026-06-30").await;
        let mut requests = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let client = app.new_client();
            let url = app.url(ISSUE);
            let staff = staff.clone();
            requests.spawn(async move {
                client.post(url).bearer_auth(staff)
                    .json(&json!({"from": "2025-09-01", "to": "2026-06-30"}))
                    .send().await
            });
        }
        let mut issued = Vec::new();
        while let Some(answer) = requests.join_next().await {
            let answer = answer.expect("the request task").expect("the request");
            let result: IssueFeesResult = expect_json(answer, StatusCode::OK, "issue").await;
            issued.extend(result.issued.into_iter().filter(|mine| mine.household_id == ids.martin_family));
        }
        assert_eq!(issued.len(), 1, "one invoice for the year: {issued:?}");
        assert_eq!(issued[0].total_cents, 12_000);
        let listed: Vec<Invoice> = app.get_ok(
            &format!("/api/v1/admin/invoices?kind=location&household_id={}", ids.martin_family), &staff).await;
        assert_eq!(listed.len(), 1, "no other invoice was written");
    }
}
