//! One module per screen; each stays thin: state, one submit handler, the view.

mod accessibility;
// The administration is a second build (`--features admin`, served under /admin/), so
// that families' phones never download it; the family build carries a stand-in that
// leaves for that build whenever the app is asked for an /admin address.
#[cfg(feature = "admin")]
mod admin;
#[cfg(not(feature = "admin"))]
#[path = "admin_elsewhere.rs"]
mod admin;
mod change_password;
mod documents;
mod family;
mod forgot_password;
mod home;
mod login;
mod not_found;
mod not_ready;
mod reenrolment;
mod reset_password;
mod sessions;
mod students;

pub use accessibility::AccessibilityPage;
pub use admin::{AdminMenuLinks, AdminPage};
pub use change_password::ChangePasswordPage;
pub use documents::DocumentsPage;
pub use family::FamilyPage;
pub use forgot_password::ForgotPasswordPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use not_ready::NotReadyPage;
pub use reset_password::ResetPasswordPage;
pub use sessions::SessionsPage;
pub use students::StudentsPage;
