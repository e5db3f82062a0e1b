//! One module per screen; each stays thin: state, one submit handler, the view.

mod accessibility;
mod admin;
mod change_password;
mod forgot_password;
mod home;
mod login;
mod not_found;
mod not_ready;
mod reset_password;

pub use accessibility::AccessibilityPage;
pub use admin::AdminPage;
pub use change_password::ChangePasswordPage;
pub use forgot_password::ForgotPasswordPage;
pub use home::HomePage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
pub use not_ready::NotReadyPage;
pub use reset_password::ResetPasswordPage;
