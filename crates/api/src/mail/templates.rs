//! The emails' wording, in template files next to the feature that sends them
//! (`auth/emails/`, `household/emails/`, `documents/emails/`), embedded in the binary and rendered by
//! minijinja. Each email is three files: `NAME.subject.txt`, `NAME.txt` and `NAME.html`;
//! the HTML ones extend the common frame `mail/layout.html`.
//!
//! `.html` templates escape every value (HTML auto-escaping); `.txt` ones print values as
//! they are. A variable a template names but the code does not give is an error, not an
//! empty string.

use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value, context};

use super::{EmailError, OutgoingEmail};

/// Every template, by the name templates use to refer to each other.
const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("layout.html")),
    (
        "auth/reset_link.subject.txt",
        include_str!("../auth/emails/reset_link.subject.txt"),
    ),
    (
        "auth/reset_link.txt",
        include_str!("../auth/emails/reset_link.txt"),
    ),
    (
        "auth/reset_link.html",
        include_str!("../auth/emails/reset_link.html"),
    ),
    (
        "auth/password_changed.subject.txt",
        include_str!("../auth/emails/password_changed.subject.txt"),
    ),
    (
        "auth/password_changed.txt",
        include_str!("../auth/emails/password_changed.txt"),
    ),
    (
        "auth/password_changed.html",
        include_str!("../auth/emails/password_changed.html"),
    ),
    (
        "household/acknowledgment.subject.txt",
        include_str!("../household/emails/acknowledgment.subject.txt"),
    ),
    (
        "household/acknowledgment.txt",
        include_str!("../household/emails/acknowledgment.txt"),
    ),
    (
        "household/acknowledgment.html",
        include_str!("../household/emails/acknowledgment.html"),
    ),
    (
        "household/welcome.subject.txt",
        include_str!("../household/emails/welcome.subject.txt"),
    ),
    (
        "household/welcome.txt",
        include_str!("../household/emails/welcome.txt"),
    ),
    (
        "household/welcome.html",
        include_str!("../household/emails/welcome.html"),
    ),
    (
        "documents/refused.subject.txt",
        include_str!("../documents/emails/refused.subject.txt"),
    ),
    (
        "documents/refused.txt",
        include_str!("../documents/emails/refused.txt"),
    ),
    (
        "documents/refused.html",
        include_str!("../documents/emails/refused.html"),
    ),
    (
        "wizard/submitted.subject.txt",
        include_str!("../wizard/emails/submitted.subject.txt"),
    ),
    (
        "wizard/submitted.txt",
        include_str!("../wizard/emails/submitted.txt"),
    ),
    (
        "wizard/submitted.html",
        include_str!("../wizard/emails/submitted.html"),
    ),
    (
        "wizard/answered.subject.txt",
        include_str!("../wizard/emails/answered.subject.txt"),
    ),
    (
        "wizard/answered.txt",
        include_str!("../wizard/emails/answered.txt"),
    ),
    (
        "wizard/answered.html",
        include_str!("../wizard/emails/answered.html"),
    ),
];

static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut environment = Environment::new();
    environment.set_loader(|name| {
        Ok(TEMPLATES
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, source)| (*source).to_owned()))
    });
    environment.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    environment.set_undefined_behavior(UndefinedBehavior::Strict);
    environment
});

/// A rendered email: what goes into [`OutgoingEmail`].
#[derive(Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
}

impl std::fmt::Debug for Rendered {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bodies may hold a reset link.
        formatter
            .debug_struct("Rendered")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl Rendered {
    /// The email to enqueue. `secret` is a token the bodies contain (a reset link's), to
    /// be masked in the stored copy once the email has left.
    pub fn into_email(
        self,
        site_id: Option<i64>,
        to: impl Into<String>,
        secret: Option<String>,
    ) -> OutgoingEmail {
        OutgoingEmail {
            site_id,
            to: to.into(),
            subject: self.subject,
            body_text: self.text,
            body_html: self.html,
            secret,
        }
    }
}

/// Renders `NAME.subject.txt`, `NAME.txt` and `NAME.html` with the same values (and the
/// subject, for the HTML frame's title).
fn render(name: &str, values: Value) -> Result<Rendered, EmailError> {
    let render_one = |file: String, values: Value| {
        ENVIRONMENT
            .get_template(&file)
            .and_then(|template| template.render(values))
            .map_err(|error| EmailError::Template(format!("{file}: {error:#}")))
    };
    let subject = render_one(format!("{name}.subject.txt"), values.clone())?
        .trim()
        .to_owned();
    let text = render_one(format!("{name}.txt"), values.clone())?;
    let html = render_one(
        format!("{name}.html"),
        context! { subject => subject.clone(), ..values },
    )?;
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// "Choisir votre mot de passe": the single-use link of a password reset. `link` holds
/// the token: pass the token as the email's secret.
pub fn reset_link(name: &str, login: &str, link: &str) -> Result<Rendered, EmailError> {
    render("auth/reset_link", context! { name, login, link })
}

/// "Votre mot de passe a été modifié": tells the account holder of a password change.
pub fn password_changed(name: &str, login: &str) -> Result<Rendered, EmailError> {
    render("auth/password_changed", context! { name, login })
}

/// "Accusé de réception de vos modifications": a family's changes to the record of
/// `whose` (a guardian's or child's name) arrived; `changes` are (field label, new value).
pub fn acknowledgment(
    name: &str,
    whose: &str,
    changes: &[(String, String)],
) -> Result<Rendered, EmailError> {
    let changes: Value = changes
        .iter()
        .map(|(label, value)| context! { label, value })
        .collect();
    render(
        "household/acknowledgment",
        context! { name, whose, changes },
    )
}

/// "Votre accès au portail des familles - SITE": staff created a family account; `link`
/// is where to ask for a first password (`{public_url}/mot-de-passe/oubli`).
pub fn welcome(name: &str, site: &str, login: &str, link: &str) -> Result<Rendered, EmailError> {
    render("household/welcome", context! { name, site, login, link })
}

/// "Document refusé : TYPE": staff refused a family's document; `student` is the
/// child's name for a per-student piece, `reason` the staff's words.
pub fn document_refused(
    name: &str,
    document: &str,
    student: Option<&str>,
    reason: &str,
) -> Result<Rendered, EmailError> {
    render(
        "documents/refused",
        context! { name, document, student, reason },
    )
}

/// "Réinscription de X : demande reçue": the family validated a child's re-enrolment;
/// `courses` are the wished courses, described.
pub fn reenrolment_submitted(
    name: &str,
    student: &str,
    courses: &[String],
    comment: &str,
    payment: &str,
    schedule: &str,
) -> Result<Rendered, EmailError> {
    let courses = courses.to_vec();
    render(
        "wizard/submitted",
        context! { name, student, courses, comment, payment, schedule },
    )
}

/// The school refused a child's re-enrolment (`refused`) or sent the file back, with its
/// message.
pub fn reenrolment_answered(
    name: &str,
    student: &str,
    refused: bool,
    message: &str,
) -> Result<Rendered, EmailError> {
    render(
        "wizard/answered",
        context! { name, student, refused, message },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wording of today's emails, kept word for word (tests elsewhere and families'
    /// habits rely on the subjects and sentences).
    #[test]
    fn the_reset_link_email_keeps_its_wording() -> Result<(), EmailError> {
        let link = "https://portail.test/mot-de-passe/nouveau#token=abc";
        let email = reset_link("Claire <Martin>", "famille.demo", link)?;
        assert_eq!(email.subject, "Choisir votre mot de passe");
        assert_eq!(
            email.text,
            "Bonjour Claire <Martin>,\n\n\
             Une demande de nouveau mot de passe a été faite pour l'identifiant « famille.demo ».\n\n\
             Pour choisir votre mot de passe, ouvrez ce lien (valable 30 minutes, utilisable une seule fois) :\n\
             https://portail.test/mot-de-passe/nouveau#token=abc\n\n\
             Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.\n\n\
             L'équipe administrative"
        );
        assert!(
            email.html.contains("<p>Bonjour Claire &lt;Martin&gt;,</p>"),
            "{}",
            email.html
        );
        assert!(
            email
                .html
                .contains("<title>Choisir votre mot de passe</title>"),
            "{}",
            email.html
        );
        assert!(email.html.contains(r#"<a href="https:&#x2f;&#x2f;portail.test&#x2f;mot-de-passe&#x2f;nouveau#token=abc">Choisir mon mot de passe</a>"#), "{}", email.html);
        assert!(
            email
                .html
                .contains("(lien valable 30 minutes, utilisable une seule fois)")
        );
        Ok(())
    }

    #[test]
    fn the_password_changed_notice_keeps_its_wording() -> Result<(), EmailError> {
        let email = password_changed("Claire Martin", "famille.demo")?;
        assert_eq!(email.subject, "Votre mot de passe a été modifié");
        assert_eq!(
            email.text,
            "Bonjour Claire Martin,\n\nLe mot de passe de l'identifiant « famille.demo » vient d'être modifié.\n\
             Si vous n'êtes pas à l'origine de ce changement, utilisez « Générer un nouveau mot de passe » sur la page de connexion et prévenez l'école.\n\n\
             L'équipe administrative"
        );
        assert!(
            email.html.contains(
                "<p>Le mot de passe de l'identifiant « famille.demo » vient d'être modifié.</p>"
            ),
            "{}",
            email.html
        );
        Ok(())
    }

    #[test]
    fn the_acknowledgment_lists_each_change() -> Result<(), EmailError> {
        let changes = vec![
            ("Adresse".to_owned(), "5 avenue Foch".to_owned()),
            ("Profession".to_owned(), "<b>Directrice</b>".to_owned()),
        ];
        let email = acknowledgment("Claire Martin", "Claire Martin", &changes)?;
        assert_eq!(email.subject, "Accusé de réception de vos modifications");
        assert_eq!(
            email.text,
            "Bonjour Claire Martin,\n\nNous avons bien reçu les modifications de la fiche de Claire Martin :\n  - Adresse : 5 avenue Foch\n  - Profession : <b>Directrice</b>\n\n\
             Elles sont en attente de validation par l'administration.\n\nL'équipe administrative"
        );
        assert!(email.html.contains("<li>Adresse : 5 avenue Foch</li>\n<li>Profession : &lt;b&gt;Directrice&lt;&#x2f;b&gt;</li>"), "{}", email.html);
        Ok(())
    }

    #[test]
    fn the_welcome_email_names_the_site_and_the_identifiant() -> Result<(), EmailError> {
        let email = welcome(
            "Paul Dupont",
            "Conservatoire 1",
            "famille.dupont",
            "http://portail.test/mot-de-passe/oubli",
        )?;
        assert_eq!(
            email.subject,
            "Votre accès au portail des familles - Conservatoire 1"
        );
        assert_eq!(
            email.text,
            "Bonjour Paul Dupont,\n\nVotre compte sur le portail des familles (Conservatoire 1) est créé.\n\
             Votre identifiant : famille.dupont\n\n\
             Pour choisir votre mot de passe, ouvrez http://portail.test/mot-de-passe/oubli, saisissez votre identifiant et cette adresse e-mail, \
             puis cliquez sur « Générer un nouveau mot de passe ». Vous recevrez un lien valable 30 minutes.\n\n\
             L'équipe administrative"
        );
        assert!(
            email
                .html
                .contains("<p>Votre identifiant : <strong>famille.dupont</strong></p>"),
            "{}",
            email.html
        );
        Ok(())
    }

    #[test]
    fn a_missing_value_is_an_error_not_an_empty_string() {
        let outcome = render("auth/password_changed", context! { name => "x" });
        assert!(
            outcome
                .as_ref()
                .is_err_and(|error| error.to_string().contains("password_changed")),
            "{outcome:?}"
        );
    }
}
