//! The administration: staff validate what families change and run the school year;
//! teachers record evaluations and absences for their own classes.
//!
//! The app routes everything under `/admin` here (one wildcard route) and this module
//! picks the screen from the path ([`AdminRoute`]): the admin area's map stays in one
//! place beside its screens, the shared router gets one line, and the wasm carries one
//! route instead of nine.

mod billing;
mod change_requests;
mod course;
mod documents;
mod events;
mod families;
mod family_detail;
mod home;
mod reenrolment;
mod rentals;
mod school;
mod widgets;

use crate::router::A;
use crate::router::Location;
use futures::FutureExt;
use leptos::prelude::*;
use tutti_shared::Role;

use crate::api;
use crate::components::Page;
use crate::session::Session;
use widgets::{Loader, render};

/// A screen of the administration, read from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminRoute {
    /// `/admin`: staff's home, or a teacher's courses.
    Home,
    /// `/admin/demandes`: the change-request queue.
    ChangeRequests,
    /// `/admin/documents`: the documents families sent, to check.
    Documents,
    /// `/admin/documents/types`: the document types the site asks for.
    DocumentTypes,
    /// `/admin/familles`: households, search and creation.
    Families,
    /// `/admin/familles/{id}`: one household.
    Family(i64),
    /// `/admin/eleves`: students.
    Students,
    /// `/admin/eleves/{id}`: one student, read-only.
    Student(i64),
    /// `/admin/annee`: years, disciplines, courses.
    SchoolYear,
    /// `/admin/cours/{id}`: a class list with evaluations and absences.
    Course(i64),
    /// `/admin/evenements`: concerts, auditions, spectacles.
    Events,
    /// `/admin/reinscriptions`: the re-enrolment campaigns.
    Campaigns,
    /// `/admin/reinscriptions/{id}`: a campaign's dashboard and files.
    Campaign(i64),
    /// `/admin/reinscriptions/{id}/parametres`: a campaign's settings.
    CampaignSettings(i64),
    /// `/admin/reinscriptions/dossiers/{id}`: one re-enrolment file.
    ReenrolmentFile(i64),
    /// `/admin/reinscriptions/tarifs`: the site's tariff grid.
    Tariffs,
    /// `/admin/facturation`: the invoices, filtered, and their exports.
    Invoices,
    /// `/admin/facturation/{id}`: one invoice, its payments and credit notes.
    Invoice(i64),
    /// `/admin/facturation/cotisations`: the year's fee invoices, previewed then issued.
    IssueFees,
    /// `/admin/facturation/nouvelle`: a manual invoice.
    NewInvoice,
    /// `/admin/facturation/reglements`: the payments and their receipts.
    Payments,
    /// `/admin/facturation/reglements/nouveau`: a payment recorded.
    NewPayment,
    /// `/admin/locations`: the rental inventory.
    Rentals,
    /// `/admin/locations/{id}`: one rental item, its loans.
    RentalItem(i64),
    /// `/admin/locations/facturation`: the period's rental invoices.
    RentalInvoices,
    /// Anything else under `/admin`.
    NotFound,
}

impl AdminRoute {
    /// Reads the screen from a path such as `/admin/familles/12` (trailing slash allowed).
    pub fn parse(path: &str) -> Self {
        let Some(rest) = path.strip_prefix("/admin") else {
            return AdminRoute::NotFound;
        };
        let segments: Vec<&str> = rest.split('/').filter(|part| !part.is_empty()).collect();
        let id = |text: &str| text.parse::<i64>().ok();
        match segments.as_slice() {
            [] => AdminRoute::Home,
            ["demandes"] => AdminRoute::ChangeRequests,
            ["documents"] => AdminRoute::Documents,
            ["documents", "types"] => AdminRoute::DocumentTypes,
            ["familles"] => AdminRoute::Families,
            ["familles", family] => id(family).map_or(AdminRoute::NotFound, AdminRoute::Family),
            ["eleves"] => AdminRoute::Students,
            ["eleves", student] => id(student).map_or(AdminRoute::NotFound, AdminRoute::Student),
            ["annee"] => AdminRoute::SchoolYear,
            ["cours", course] => id(course).map_or(AdminRoute::NotFound, AdminRoute::Course),
            ["evenements"] => AdminRoute::Events,
            ["reinscriptions"] => AdminRoute::Campaigns,
            ["reinscriptions", "tarifs"] => AdminRoute::Tariffs,
            ["reinscriptions", "dossiers", file] => {
                id(file).map_or(AdminRoute::NotFound, AdminRoute::ReenrolmentFile)
            }
            ["reinscriptions", campaign] => {
                id(campaign).map_or(AdminRoute::NotFound, AdminRoute::Campaign)
            }
            ["reinscriptions", campaign, "parametres"] => {
                id(campaign).map_or(AdminRoute::NotFound, AdminRoute::CampaignSettings)
            }
            ["facturation"] => AdminRoute::Invoices,
            ["facturation", "cotisations"] => AdminRoute::IssueFees,
            ["facturation", "nouvelle"] => AdminRoute::NewInvoice,
            ["facturation", "reglements"] => AdminRoute::Payments,
            ["facturation", "reglements", "nouveau"] => AdminRoute::NewPayment,
            ["facturation", invoice] => {
                id(invoice).map_or(AdminRoute::NotFound, AdminRoute::Invoice)
            }
            ["locations"] => AdminRoute::Rentals,
            ["locations", "facturation"] => AdminRoute::RentalInvoices,
            ["locations", item] => id(item).map_or(AdminRoute::NotFound, AdminRoute::RentalItem),
            _ => AdminRoute::NotFound,
        }
    }

    /// Whether teachers are kept out (the API would refuse them anyway).
    pub fn staff_only(self) -> bool {
        !matches!(
            self,
            AdminRoute::Home | AdminRoute::Course(_) | AdminRoute::NotFound
        )
    }
}

thread_local! {
    /// Fired when staff decide change requests, so that the menu's counter reloads. A
    /// plain `ArcTrigger` (no reactive owner) because the menu and the queue page live in
    /// different branches of the view tree and share no context.
    static QUEUE_CHANGED: ArcTrigger = ArcTrigger::new();
}

/// Tells the menu's counter that the queue changed.
pub(crate) fn queue_changed() {
    QUEUE_CHANGED.with(|trigger| trigger.notify());
}

/// Every screen under `/admin`, chosen from the address.
#[component]
pub fn AdminPage() -> impl IntoView {
    let session = Session::expect();
    let location = Location::expect();
    let route = Memo::new(move |_| AdminRoute::parse(&location.path.read()));
    let is_staff = Memo::new(move |_| {
        session
            .account()
            .is_some_and(|account| account.role == Role::Staff)
    });
    move || {
        let route = route.get();
        let staff = is_staff.get();
        // Screens are plain functions: run them untracked, as a component body would be,
        // so that what they read while being built does not rebuild this switch.
        untrack(move || match route {
            _ if route.staff_only() && !staff => view! {
                <Page title="Accès réservé">
                    <p>"Cette page est réservée au secrétariat."</p>
                    <p><A href="/admin">"Retour à mes cours"</A></p>
                </Page>
            }
            .into_any(),
            AdminRoute::Home if staff => home::staff_home(),
            AdminRoute::Home => home::teacher_home(),
            AdminRoute::ChangeRequests => change_requests::change_requests_page(),
            AdminRoute::Documents => documents::documents_page(),
            AdminRoute::DocumentTypes => documents::document_types_page(),
            AdminRoute::Families => families::families_page(),
            AdminRoute::Family(id) => family_detail::family_page(id),
            AdminRoute::Students => families::students_page(),
            AdminRoute::Student(id) => family_detail::student_page(id),
            AdminRoute::SchoolYear => school::school_year_page(),
            AdminRoute::Course(id) => course::course_page(id),
            AdminRoute::Events => events::events_page(),
            AdminRoute::Campaigns => reenrolment::campaigns_page(),
            AdminRoute::Campaign(id) => reenrolment::dashboard_page(id),
            AdminRoute::CampaignSettings(id) => reenrolment::settings_page(id),
            AdminRoute::ReenrolmentFile(id) => reenrolment::file_page(id),
            AdminRoute::Tariffs => reenrolment::tariffs_page(),
            AdminRoute::Invoices => billing::invoices_page(),
            AdminRoute::Invoice(id) => billing::invoice_page(id),
            AdminRoute::IssueFees => billing::issue_page(),
            AdminRoute::NewInvoice => billing::new_invoice_page(),
            AdminRoute::Payments => billing::payments_page(),
            AdminRoute::NewPayment => billing::new_payment_page(),
            AdminRoute::Rentals => rentals::items_page(),
            AdminRoute::RentalItem(id) => rentals::item_page(id),
            AdminRoute::RentalInvoices => rentals::invoicing_page(),
            AdminRoute::NotFound => view! { <crate::pages::NotFoundPage /> }.into_any(),
        })
    }
}

/// The administration's entries of the main menu (the shell adds Accessibilité, Mot de
/// passe and Déconnexion after them).
#[component]
pub fn AdminMenuLinks(role: Role) -> impl IntoView {
    if role != Role::Staff {
        return view! { <li><A href="/admin" exact=true>"Mes cours"</A></li> }.into_any();
    }
    let session = Session::expect();
    // The count is a bonus: while it loads or if it fails, the link simply has none.
    let count = Loader::new(move || {
        QUEUE_CHANGED.with(|trigger| trigger.track());
        async move {
            let count = api::admin::count_pending_changes(session).await?;
            Ok(render(move || {
                (count > 0)
                    .then(|| {
                        view! {
                            " "
                            <span class="menu-count">
                                {count}
                                <span class="visually-hidden">" en attente"</span>
                            </span>
                        }
                    })
                    .into_any()
            }))
        }
        .boxed_local()
    });
    let count = count.quiet();
    view! {
        <li><A href="/admin" exact=true>"Accueil admin"</A></li>
        <li><A href="/admin/demandes">"Demandes de modification" {count}</A></li>
        <li><A href="/admin/documents">"Documents"</A></li>
        <li><A href="/admin/reinscriptions">"Réinscriptions"</A></li>
        <li><A href="/admin/facturation">"Facturation"</A></li>
        <li><A href="/admin/locations">"Locations"</A></li>
        <li><A href="/admin/familles">"Familles"</A></li>
        <li><A href="/admin/eleves">"Élèves"</A></li>
        <li><A href="/admin/annee">"Année scolaire"</A></li>
        <li><A href="/admin/evenements">"Événements"</A></li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::AdminRoute;

    #[test]
    fn each_admin_address_names_its_screen() {
        assert_eq!(AdminRoute::parse("/admin"), AdminRoute::Home);
        assert_eq!(AdminRoute::parse("/admin/"), AdminRoute::Home);
        assert_eq!(
            AdminRoute::parse("/admin/demandes"),
            AdminRoute::ChangeRequests
        );
        assert_eq!(
            AdminRoute::parse("/admin/familles/12"),
            AdminRoute::Family(12)
        );
        assert_eq!(
            AdminRoute::parse("/admin/eleves/3/"),
            AdminRoute::Student(3)
        );
        assert_eq!(AdminRoute::parse("/admin/cours/7"), AdminRoute::Course(7));
        assert_eq!(AdminRoute::parse("/admin/documents"), AdminRoute::Documents);
        assert_eq!(
            AdminRoute::parse("/admin/documents/types/"),
            AdminRoute::DocumentTypes
        );
        assert_eq!(
            AdminRoute::parse("/admin/familles/douze"),
            AdminRoute::NotFound
        );
        assert_eq!(AdminRoute::parse("/admin/inconnu"), AdminRoute::NotFound);
        assert_eq!(
            AdminRoute::parse("/admin/reinscriptions"),
            AdminRoute::Campaigns
        );
        assert_eq!(
            AdminRoute::parse("/admin/reinscriptions/4"),
            AdminRoute::Campaign(4)
        );
        assert_eq!(
            AdminRoute::parse("/admin/reinscriptions/4/parametres"),
            AdminRoute::CampaignSettings(4)
        );
        assert_eq!(
            AdminRoute::parse("/admin/reinscriptions/dossiers/9"),
            AdminRoute::ReenrolmentFile(9)
        );
        assert_eq!(
            AdminRoute::parse("/admin/reinscriptions/dossiers"),
            AdminRoute::NotFound
        );
        assert_eq!(
            AdminRoute::parse("/admin/reinscriptions/tarifs"),
            AdminRoute::Tariffs
        );
        assert_eq!(
            AdminRoute::parse("/admin/facturation"),
            AdminRoute::Invoices
        );
        assert_eq!(
            AdminRoute::parse("/admin/facturation/42"),
            AdminRoute::Invoice(42)
        );
        assert_eq!(
            AdminRoute::parse("/admin/facturation/cotisations/"),
            AdminRoute::IssueFees
        );
        assert_eq!(
            AdminRoute::parse("/admin/facturation/nouvelle"),
            AdminRoute::NewInvoice
        );
        assert_eq!(
            AdminRoute::parse("/admin/facturation/reglements"),
            AdminRoute::Payments
        );
        assert_eq!(
            AdminRoute::parse("/admin/facturation/reglements/nouveau"),
            AdminRoute::NewPayment
        );
        assert_eq!(
            AdminRoute::parse("/admin/facturation/reglements/3"),
            AdminRoute::NotFound
        );
    }

    #[test]
    fn teachers_reach_only_their_home_and_class_lists() {
        assert!(!AdminRoute::Home.staff_only());
        assert!(!AdminRoute::Course(1).staff_only());
        assert!(AdminRoute::ChangeRequests.staff_only());
        assert!(AdminRoute::Families.staff_only());
        assert!(AdminRoute::Events.staff_only());
        assert!(AdminRoute::Documents.staff_only());
        assert!(AdminRoute::DocumentTypes.staff_only());
        assert!(AdminRoute::Campaigns.staff_only());
        assert!(AdminRoute::ReenrolmentFile(1).staff_only());
        assert!(AdminRoute::Tariffs.staff_only());
        assert!(AdminRoute::Invoices.staff_only());
        assert!(AdminRoute::NewPayment.staff_only());
    }
}
