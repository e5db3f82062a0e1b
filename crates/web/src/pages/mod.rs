//! One module per screen; each stays thin: state, one submit handler, the view.

mod accessibility;
#[cfg(not(feature = "admin"))]
mod billing;
// The administration is a second build (`--features admin`, served under /admin/), so
// that families' phones never download it; the family build carries a stand-in that
// leaves for that build whenever the app is asked for an /admin address, and the
// administration's build leaves the families' screens (home, Famille, Élèves with the
// wizard, Documents) to the family build the same way (`Elsewhere`).
#[cfg(feature = "admin")]
mod admin;
#[cfg(not(feature = "admin"))]
#[path = "admin_elsewhere.rs"]
mod admin;
mod change_password;
#[cfg(not(feature = "admin"))]
mod documents;
mod elsewhere;
#[cfg(not(feature = "admin"))]
mod family;
mod forgot_password;
#[cfg(not(feature = "admin"))]
mod home;
mod login;
mod not_found;
#[cfg(not(feature = "admin"))]
mod reenrolment;
mod reset_password;
mod sessions;
#[cfg(not(feature = "admin"))]
mod students;

pub use accessibility::AccessibilityPage;
pub use admin::{AdminMenuLinks, AdminPage};
#[cfg(not(feature = "admin"))]
pub use billing::BillingPage;
pub use change_password::ChangePasswordPage;
#[cfg(not(feature = "admin"))]
pub use documents::DocumentsPage;
#[cfg(feature = "admin")]
pub use elsewhere::Elsewhere;
#[cfg(not(feature = "admin"))]
pub use family::FamilyPage;
pub use forgot_password::ForgotPasswordPage;
#[cfg(not(feature = "admin"))]
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use reset_password::ResetPasswordPage;
pub use sessions::SessionsPage;
#[cfg(not(feature = "admin"))]
pub use students::StudentsPage;
