//! The emails of households: the acknowledgment of a family's changes, the welcome of a
//! new family account.

use crate::auth::store::Account;
use crate::domain::SiteId;
use crate::email::{OutgoingEmail, html_escape};

/// Tells the family that its changes arrived and await validation.
pub fn acknowledgment(
    account: &Account,
    whose: &str,
    changed: &[(String, String)],
) -> OutgoingEmail {
    let lines_text: String = changed
        .iter()
        .map(|(label, value)| format!("  - {label} : {value}\n"))
        .collect();
    let lines_html: String = changed
        .iter()
        .map(|(label, value)| format!("<li>{} : {}</li>", html_escape(label), html_escape(value)))
        .collect();
    OutgoingEmail {
        site_id: Some(account.site_id),
        to: account.email.clone(),
        subject: "Accusé de réception de vos modifications".to_owned(),
        body_text: format!(
            "Bonjour {name},\n\nNous avons bien reçu les modifications de la fiche de {whose} :\n{lines_text}\n\
             Elles sont en attente de validation par l'administration.\n\nL'équipe administrative",
            name = account.display_name
        ),
        body_html: format!(
            "<p>Bonjour {name},</p><p>Nous avons bien reçu les modifications de la fiche de {whose} :</p><ul>{lines_html}</ul>\
             <p>Elles sont en attente de validation par l'administration.</p><p>L'équipe administrative</p>",
            name = html_escape(&account.display_name),
            whose = html_escape(whose)
        ),
        secret: None,
    }
}

/// Gives a new family account its identifiant and how to choose a first password.
pub fn welcome(
    site: SiteId,
    to: &str,
    display_name: &str,
    site_name: &str,
    login: &str,
    forgot_password_url: &str,
) -> OutgoingEmail {
    let link = forgot_password_url;
    OutgoingEmail {
        site_id: Some(site.0),
        to: to.to_owned(),
        subject: format!("Votre accès au portail des familles - {site_name}"),
        body_text: format!(
            "Bonjour {display_name},\n\nVotre compte sur le portail des familles ({site_name}) est créé.\n\
             Votre identifiant : {login}\n\n\
             Pour choisir votre mot de passe, ouvrez {link}, saisissez votre identifiant et cette adresse e-mail, \
             puis cliquez sur « Générer un nouveau mot de passe ». Vous recevrez un lien valable 30 minutes.\n\n\
             L'équipe administrative"
        ),
        body_html: format!(
            "<p>Bonjour {name},</p><p>Votre compte sur le portail des familles ({site}) est créé.</p>\
             <p>Votre identifiant : <strong>{login_html}</strong></p>\
             <p>Pour choisir votre mot de passe, ouvrez <a href=\"{link_html}\">{link_html}</a>, saisissez votre identifiant et cette adresse e-mail, \
             puis cliquez sur « Générer un nouveau mot de passe ». Vous recevrez un lien valable 30 minutes.</p><p>L'équipe administrative</p>",
            name = html_escape(display_name),
            site = html_escape(site_name),
            login_html = html_escape(login),
            link_html = html_escape(link),
        ),
        secret: None,
    }
}
