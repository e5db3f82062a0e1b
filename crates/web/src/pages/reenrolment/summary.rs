//! The read-only parts of the wizard (the récapitulatif, the estimate, what is missing),
//! written as escaped HTML text rather than as views.
//!
//! They only show data, and each `view!` tree is its own type with its own build and
//! update code in the wasm: as text, the whole summary costs a few string functions (the
//! families' bundle has a 300 kB budget). Every value goes through [`escape`]; the links
//! are plain `<a href>`, which the router follows like any other.

use std::fmt::Write as _;

use tutti_shared::{
    Autorisations, FamilyCampaign, FeeEstimate, MissingItem, OfferedCourse, ReenrolmentFile,
    WizardStep, format_euros, weekday_name,
};

pub use crate::html::escape;

/// The address of a step of a child's wizard.
pub fn step_path(student_id: i64, step: WizardStep) -> String {
    format!("/eleves/{student_id}/reinscription/{}", step.as_str())
}

/// "Cycle 1, Mercredi 14:00–14:45, M. Durand": a course within its discipline.
pub fn course_details(course: &OfferedCourse) -> String {
    let mut label = String::new();
    if !course.level.is_empty() {
        let _ = write!(label, "{}, ", course.level);
    }
    let _ = write!(
        label,
        "{} {}–{}",
        weekday_name(course.weekday),
        course.start_time,
        course.end_time
    );
    if !course.teacher_name.is_empty() {
        let _ = write!(label, ", {}", course.teacher_name);
    }
    label
}

/// "Piano : Cycle 1, Mercredi 14:00–14:45, M. Durand".
pub fn course_label(course: &OfferedCourse) -> String {
    format!("{} : {}", course.discipline, course_details(course))
}

fn yes_no(answer: Option<bool>) -> &'static str {
    match answer {
        Some(true) => "Oui",
        Some(false) => "Non",
        None => "Pas encore répondu",
    }
}

/// A `<div><dt>…</dt><dd>…</dd></div>` line of a facts list (values escaped here).
fn fact(html: &mut String, term: &str, value: &str) {
    let value = if value.trim().is_empty() {
        "—".to_owned()
    } else {
        escape(value)
    };
    let _ = write!(html, "<div><dt>{term}</dt><dd>{value}</dd></div>");
}

fn autorisations(html: &mut String, answers: &Autorisations) {
    html.push_str("<h4>Autorisations</h4><dl class=\"facts\">");
    fact(html, "Droit à l’image", yes_no(answers.image_rights));
    fact(
        html,
        "Peut partir seul après le cours",
        yes_no(answers.leaves_alone),
    );
    if answers.leaves_alone == Some(false) {
        fact(
            html,
            "Personnes autorisées à venir le chercher",
            &answers.collectors,
        );
    }
    fact(html, "Pédibus", yes_no(answers.pedibus));
    fact(
        html,
        "Contact en cas d’urgence",
        &format!("{} {}", answers.emergency_name, answers.emergency_phone),
    );
    html.push_str("</dl>");
}

/// Everything chosen so far: step 2's answers and step 4's wishes, by enabled step.
pub fn choices(file: &ReenrolmentFile, campaign: &FamilyCampaign) -> String {
    let mut html = String::new();
    if campaign.steps.autorisations {
        autorisations(&mut html, &file.autorisations);
    }
    if campaign.steps.cours {
        html.push_str("<h4>Cours souhaités pour ");
        html.push_str(&escape(&campaign.to_year_label));
        html.push_str("</h4>");
        let wished: Vec<&OfferedCourse> = file
            .cours
            .course_ids
            .iter()
            .filter_map(|id| campaign.courses.iter().find(|course| course.id == *id))
            .collect();
        if wished.is_empty() {
            html.push_str("<p>Aucun cours choisi.</p>");
        } else {
            html.push_str("<ul>");
            for course in wished {
                let _ = write!(html, "<li>{}</li>", escape(&course_label(course)));
            }
            html.push_str("</ul>");
        }
        let payment = file
            .cours
            .payment_method
            .map_or("Pas encore choisi", |method| method.label());
        let schedule = match file.cours.instalments {
            Some(1) => "En une fois",
            Some(9) => "En neuf échéances",
            _ => "Pas encore choisi",
        };
        html.push_str("<dl class=\"facts\">");
        fact(&mut html, "Demande particulière", &file.cours.comment);
        fact(&mut html, "Mode de paiement", payment);
        fact(&mut html, "Échéancier", schedule);
        html.push_str("</dl>");
    }
    html
}

/// What keeps the file from being validated, each with a link to the step that fixes it.
pub fn missing(student_id: i64, items: &[MissingItem]) -> String {
    if items.is_empty() {
        return "<p class=\"badge badge-ok\">Tout est prêt : vous pouvez valider à la dernière \
                étape.</p>"
            .to_owned();
    }
    let mut html = String::from(
        "<p>Il reste à compléter avant de pouvoir valider :</p><ul class=\"missing\">",
    );
    for item in items {
        let _ = write!(
            html,
            "<li>{} <a href=\"{}\">Aller à l’étape « {} »</a></li>",
            escape(&item.message),
            step_path(student_id, item.step),
            item.step.label()
        );
    }
    html.push_str("</ul>");
    html
}

/// The estimated yearly fee: the breakdown line by line, the total and the instalments.
pub fn estimate(estimate: &FeeEstimate) -> String {
    let mut html = String::from(
        "<table class=\"estimate\"><caption>Estimation de la cotisation annuelle</caption>\
         <thead><tr><th scope=\"col\">Ligne</th><th scope=\"col\">Montant</th></tr></thead><tbody>",
    );
    for line in &estimate.lines {
        let _ = write!(
            html,
            "<tr><td>{}</td><td class=\"amount\">{}</td></tr>",
            escape(&line.label),
            format_euros(line.amount_cents)
        );
    }
    let _ = write!(
        html,
        "</tbody><tfoot><tr><th scope=\"row\">Total annuel estimé</th>\
         <td class=\"amount\">{}</td></tr></tfoot></table>",
        format_euros(estimate.total_cents)
    );
    match estimate.instalments.as_slice() {
        [] => {}
        [once] => {
            let _ = write!(
                html,
                "<p>Paiement en une fois : {}.</p>",
                format_euros(*once)
            );
        }
        [first, rest @ ..] => {
            let _ = write!(
                html,
                "<p>Paiement en {} échéances : {} la première, puis {} × {}.</p>",
                rest.len() + 1,
                format_euros(*first),
                rest.len(),
                format_euros(rest.first().copied().unwrap_or_default())
            );
        }
    }
    let basis = match (&estimate.bracket, estimate.quotient_familial_euros) {
        (Some(bracket), Some(quotient)) => format!(
            "Tarif résident, tranche {} (quotient familial de {quotient} €).",
            escape(bracket)
        ),
        _ if estimate.resident => "Tarif résident.".to_owned(),
        _ => "Tarif non résident.".to_owned(),
    };
    let _ = write!(
        html,
        "<p class=\"field-hint\">{basis} Montant indicatif, calculé sur les choix de tout le \
         foyer : la facture suivra la validation par l’école.</p>"
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use tutti_shared::{FeeLine, FeeLineKind};

    #[test]
    fn missing_items_are_escaped_and_link_to_their_step() {
        let items = [MissingItem {
            step: WizardStep::Documents,
            message: "<script>".to_owned(),
        }];
        let html = missing(12, &items);
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("href=\"/eleves/12/reinscription/documents\""));
    }

    #[test]
    fn the_estimate_lists_each_line_the_total_and_nine_instalments() {
        let html = estimate(&FeeEstimate {
            resident: true,
            quotient_familial_euros: Some(850),
            bracket: Some("C".to_owned()),
            lines: vec![FeeLine {
                label: "Piano – Léa".to_owned(),
                amount_cents: 21_000,
                kind: FeeLineKind::Course,
                student_id: Some(1),
            }],
            total_cents: 21_000,
            instalments: vec![
                2_336, 2_333, 2_333, 2_333, 2_333, 2_333, 2_333, 2_333, 2_333,
            ],
        });
        assert!(html.contains("Piano – Léa"));
        assert!(html.contains("210,00\u{A0}€"));
        assert!(html.contains("9 échéances : 23,36\u{A0}€ la première, puis 8 × 23,33\u{A0}€"));
        assert!(html.contains("tranche C"));
    }
}
