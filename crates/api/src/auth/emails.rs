//! The emails of signing in: the reset link and the password-changed notice.

use tutti_shared::RESET_PAGE_PATH;

use super::store::Account;
use crate::email::{OutgoingEmail, html_escape};

/// The email with a single-use link to choose a password.
pub fn reset_link(public_url: &str, account: &Account, token: &str) -> OutgoingEmail {
    let link = format!("{public_url}{RESET_PAGE_PATH}#token={token}");
    let body_text = format!(
        "Bonjour {name},\n\n\
         Une demande de nouveau mot de passe a été faite pour l'identifiant « {login} ».\n\n\
         Pour choisir votre mot de passe, ouvrez ce lien (valable 30 minutes, utilisable une seule fois) :\n\
         {link}\n\n\
         Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.\n\n\
         L'équipe administrative",
        name = account.display_name,
        login = account.login,
    );
    let body_html = format!(
        "<p>Bonjour {name},</p>\
         <p>Une demande de nouveau mot de passe a été faite pour l'identifiant « {login} ».</p>\
         <p><a href=\"{link}\">Choisir mon mot de passe</a> (lien valable 30 minutes, utilisable une seule fois)</p>\
         <p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.</p>\
         <p>L'équipe administrative</p>",
        name = html_escape(&account.display_name),
        login = html_escape(&account.login),
        link = html_escape(&link),
    );
    OutgoingEmail {
        site_id: Some(account.site_id),
        to: account.email.clone(),
        subject: "Choisir votre mot de passe".to_owned(),
        body_text,
        body_html,
        secret: Some(token.to_owned()),
    }
}

/// The notice that the password of an account was changed.
pub fn password_changed(account: &Account) -> OutgoingEmail {
    OutgoingEmail {
        site_id: Some(account.site_id),
        to: account.email.clone(),
        subject: "Votre mot de passe a été modifié".to_owned(),
        body_text: format!(
            "Bonjour {},\n\nLe mot de passe de l'identifiant « {} » vient d'être modifié.\n\
             Si vous n'êtes pas à l'origine de ce changement, utilisez « Générer un nouveau mot de passe » sur la page de connexion et prévenez l'école.\n\n\
             L'équipe administrative",
            account.display_name, account.login
        ),
        body_html: format!(
            "<p>Bonjour {},</p><p>Le mot de passe de l'identifiant « {} » vient d'être modifié.</p>\
             <p>Si vous n'êtes pas à l'origine de ce changement, utilisez « Générer un nouveau mot de passe » sur la page de connexion et prévenez l'école.</p>\
             <p>L'équipe administrative</p>",
            html_escape(&account.display_name),
            html_escape(&account.login)
        ),
        secret: None,
    }
}
