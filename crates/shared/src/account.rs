//! Sites, accounts, login, sessions and passwords on the wire.

use serde::{Deserialize, Serialize};

/// A school site, as listed on the login page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteSummary {
    /// Database id of the site.
    pub id: i64,
    /// Stable short name used to choose the site at login, e.g. `conservatoire`.
    pub slug: String,
    /// Display name, e.g. "Conservatoire 1".
    pub name: String,
}

/// The role of an account; it decides which part of the portal it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A guardian of a household.
    Family,
    /// School administration.
    Staff,
    /// A teacher, restricted to their own classes.
    Teacher,
}

impl Role {
    /// The value stored in the database and carried in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Family => "family",
            Role::Staff => "staff",
            Role::Teacher => "teacher",
        }
    }

    /// Reads a stored role; `None` for anything unknown.
    pub fn from_db(value: &str) -> Option<Self> {
        match value {
            "family" => Some(Role::Family),
            "staff" => Some(Role::Staff),
            "teacher" => Some(Role::Teacher),
            _ => None,
        }
    }
}

/// Credentials typed on the login page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Slug of the chosen site.
    pub site: String,
    /// The identifiant given by the school.
    pub login: String,
    /// The password.
    pub password: String,
}

/// A household as seen in the account summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilySummary {
    /// Database id of the household.
    pub id: i64,
    /// Display name of the household, e.g. "Famille Martin".
    pub name: String,
}

/// Who is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountInfo {
    /// Database id of the account.
    pub id: i64,
    /// The identifiant.
    pub login: String,
    /// The account's email address.
    pub email: String,
    /// The name to greet the user with.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// The site the account belongs to.
    pub site: SiteSummary,
    /// The household, for family accounts.
    pub family: Option<FamilySummary>,
}

/// A fresh access token. The refresh token travels only in an HttpOnly cookie.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResponse {
    /// JWT to send as `Authorization: Bearer ...`; keep it in memory only.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The logged-in account.
    pub account: AccountInfo,
}

/// One live session of the logged-in account, as "Mes connexions" lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// The session's id, for `DELETE /api/v1/account/sessions/{id}`.
    pub id: i64,
    /// The device it was last used from, summarised from its browser: "Chrome sur Android".
    pub device: String,
    /// The network it was last used from, never the full address: "réseau local" for a
    /// private or loopback address, otherwise its /24 (IPv4) or /64 (IPv6).
    pub place: String,
    /// When the session started (login), UTC.
    pub created_at: chrono::NaiveDateTime,
    /// When it was last used (its last refresh), UTC.
    pub last_used_at: chrono::NaiveDateTime,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// "Générer un nouveau mot de passe": asks for a single-use reset link by email.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// Slug of the site.
    pub site: String,
    /// The identifiant.
    pub login: String,
    /// The email address the school has on record for this account.
    pub email: String,
}

/// Sets a new password with the token from the emailed link.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetConfirm {
    /// The token from the link.
    pub token: String,
    /// The new password (12 to 128 characters).
    pub new_password: String,
}

/// Changes the password of the logged-in account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    /// The current password.
    pub current_password: String,
    /// The new password (12 to 128 characters).
    pub new_password: String,
}

/// A plain acknowledgment, in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageResponse {
    /// What happened, ready to show.
    pub message: String,
}

/// Path of the SPA page that the reset email links to; the token follows in the fragment
/// (`#token=...`) so that it never reaches a server log or a `Referer` header.
pub const RESET_PAGE_PATH: &str = "/mot-de-passe/nouveau";
