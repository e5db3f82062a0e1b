//! "Élèves": a child's file with its tabs Identité, Cours, Historique and Répertoire
//! (step 5 of the legacy guide), and Réinscription while a campaign is open.
//!
//! The child and the tab live in the address (`/eleves/12/cours`), so that a link, a
//! bookmark or a reload lands on the same screen; `/eleves` alone shows the first child.

use std::fmt::Write as _;

use leptos::prelude::*;
use tutti_shared::{RepertoireEntry, StudentCourse, StudentSummary, weekday_name};

use crate::api::family::{self as api, CourseYears};
use crate::api::reenrolment as reenrolment_api;
use crate::components::{Loader, Loading, Page, RecordForm, Subject, student_sheet};
use crate::dates::{DateStyle, french_date};
use crate::html::escape;
use crate::pages::reenrolment::ReenrolmentTab;
use crate::router::{A, Location, navigate};
use crate::session::Session;

/// The tabs of a child's file, in the legacy order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Editable identity.
    Identity,
    /// This year's courses, evaluations and absences.
    Courses,
    /// Earlier years' courses.
    History,
    /// Concerts, auditions and shows the child took part in.
    Repertoire,
    /// Next year's re-enrolment (while a campaign is open).
    Reenrolment,
}

const TABS: [Tab; 5] = [
    Tab::Identity,
    Tab::Courses,
    Tab::History,
    Tab::Repertoire,
    Tab::Reenrolment,
];

impl Tab {
    /// The tab named by the address's last segment; none (or an unknown one) is Identité.
    pub fn from_slug(slug: Option<&str>) -> Self {
        match slug {
            Some("cours") => Tab::Courses,
            Some("historique") => Tab::History,
            Some("repertoire") => Tab::Repertoire,
            Some("reinscription") => Tab::Reenrolment,
            _ => Tab::Identity,
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Tab::Identity => "identite",
            Tab::Courses => "cours",
            Tab::History => "historique",
            Tab::Repertoire => "repertoire",
            Tab::Reenrolment => "reinscription",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Identity => "Identité",
            Tab::Courses => "Cours",
            Tab::History => "Historique",
            Tab::Repertoire => "Répertoire",
            Tab::Reenrolment => "Réinscription",
        }
    }
}

/// The address of a child's tab.
pub fn tab_path(student_id: i64, tab: Tab) -> String {
    format!("/eleves/{student_id}/{}", tab.slug())
}

/// The child the address names, or the first one when it names none; `None` for an id
/// that is not one of the household's children.
pub fn selected_student<'a>(
    students: &'a [StudentSummary],
    param: Option<&str>,
) -> Option<&'a StudentSummary> {
    match param {
        None => students.first(),
        Some(raw) => {
            let id = raw.parse::<i64>().ok()?;
            students.iter().find(|student| student.id == id)
        }
    }
}

/// The weekly slot of a course: "Mercredi 14:00–14:45".
fn course_slot(course: &tutti_shared::Course) -> String {
    format!(
        "{} {}–{}",
        weekday_name(course.weekday),
        course.start_time,
        course.end_time
    )
}

/// Courses grouped by school year, in the order the server gives (latest year first).
pub fn group_by_year(courses: Vec<StudentCourse>) -> Vec<(String, Vec<StudentCourse>)> {
    let mut groups: Vec<(String, Vec<StudentCourse>)> = Vec::new();
    for course in courses {
        match groups
            .iter_mut()
            .find(|(year, _)| *year == course.school_year)
        {
            Some((_, group)) => group.push(course),
            None => groups.push((course.school_year.clone(), vec![course])),
        }
    }
    groups
}

/// The child selector, the tabs and the selected tab.
#[component]
pub fn StudentsPage() -> impl IntoView {
    let session = Session::expect();
    let students = Loader::new(move || api::list_students(session));
    view! {
        <Page title="Élèves">
            {students.view("la liste des élèves", |students| {
                if students.is_empty() {
                    return view! { <p>"Aucun élève n'est inscrit dans votre foyer."</p> }.into_any();
                }
                view! { <StudentFile students=students /> }.into_any()
            })}
        </Page>
    }
}

/// Selector, tab links and panel. The selector and the links stay in place when the
/// address changes (only their state does), so the keyboard focus stays where it was.
#[component]
fn StudentFile(students: Vec<StudentSummary>) -> impl IntoView {
    let location = Location::expect();
    // `/eleves/:eleve?/:onglet?`: the child's id and the tab's slug, when present.
    let segment = move |index: usize| {
        location.path.with(|path| {
            path.split('/')
                .filter(|part| !part.is_empty())
                .nth(index)
                .map(str::to_owned)
        })
    };
    let students = StoredValue::new(students);
    let session = Session::expect();
    // The open campaign, if any: the Réinscription tab exists only while one is.
    let campaign = Loader::new(move || reenrolment_api::find_campaign(session));
    let campaign_open = move || campaign.with(|campaign| matches!(campaign, Some(Ok(_))));
    let tab = Memo::new(move |_| Tab::from_slug(segment(2).as_deref()));
    let selected = Memo::new(move |_| {
        let id = segment(1);
        students.with_value(|list| selected_student(list, id.as_deref()).cloned())
    });
    let selected_id = move || selected.with(|student| student.as_ref().map(|student| student.id));
    let on_change = move |event| {
        if let Ok(id) = event_target_value(&event).parse::<i64>() {
            navigate(&tab_path(id, tab.get_untracked()));
        }
    };
    let options = students.with_value(|list| {
        list.iter()
            .map(|student| {
                let id = student.id;
                view! {
                    <option value=id.to_string() selected=move || selected_id() == Some(id)>
                        {format!("{} {}", student.first_name, student.last_name)}
                    </option>
                }
            })
            .collect_view()
    });
    let tab_links = move || {
        TABS.iter()
            .filter(|&&link| link != Tab::Reenrolment || campaign_open())
            .map(|&link| {
                view! {
                    <li>
                        <a
                            href=move || tab_path(selected_id().unwrap_or_default(), link)
                            aria-current=move || (tab.get() == link).then_some("page")
                            data-noscroll=""
                        >
                            {link.label()}
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    let panel = move || {
        let (student, tab) = (selected.get()?, tab.get());
        let id = student.id;
        let content = match tab {
            Tab::Identity => view! { <IdentityTab student_id=id /> }.into_any(),
            Tab::Courses => {
                view! { <CoursesTab student_id=id years=CourseYears::Current /> }.into_any()
            }
            Tab::History => {
                view! { <CoursesTab student_id=id years=CourseYears::Earlier /> }.into_any()
            }
            Tab::Repertoire => view! { <RepertoireTab student_id=id /> }.into_any(),
            Tab::Reenrolment => campaign.with(|campaign| match campaign {
                None => view! { <Loading /> }.into_any(),
                Some(Ok(campaign)) => {
                    view! { <ReenrolmentTab student_id=id campaign=campaign.clone() /> }.into_any()
                }
                Some(Err(_)) => view! {
                    <p>
                        "Aucune campagne de réinscription n’est ouverte en ce moment : l’école "
                        "vous préviendra de l’ouverture de la prochaine."
                    </p>
                }
                .into_any(),
            }),
        };
        Some(view! {
            <section class="tab-panel" aria-labelledby="onglet-titre">
                <h2 id="onglet-titre">
                    {tab.label()}
                    " "
                    <span class="record-name">{format!("{} {}", student.first_name, student.last_name)}</span>
                </h2>
                {content}
            </section>
        })
    };
    view! {
        <div class="field student-picker">
            <label for="eleve">"Élève"</label>
            <select id="eleve" name="eleve" on:change=on_change>{options}</select>
        </div>
        <Show
            when=move || selected_id().is_some()
            fallback=|| {
                view! {
                    <p>"Cet élève ne fait pas partie de votre foyer."</p>
                    <p><A href="/eleves">"Voir la fiche du premier élève"</A></p>
                }
            }
        >
            <nav class="tabs" aria-label="Rubriques de la fiche élève">
                <ul>{tab_links()}</ul>
            </nav>
        </Show>
        {panel}
    }
}

/// "Identité": the child's editable sheet, like a guardian's (also in the wizard's first
/// step).
#[component]
pub(crate) fn IdentityTab(student_id: i64) -> impl IntoView {
    let session = Session::expect();
    let student = Loader::new(move || api::find_student(session, student_id));
    student.view("l'identité de l'élève", move |student| {
        view! {
            <div class="panel">
                <RecordForm subject=Subject::Student(student_id) id_prefix="eleve".to_owned() sheet=student_sheet(&student) />
            </div>
        }
        .into_any()
    })
}

/// "Cours" (this year) or "Historique" (earlier years): courses by year, with their
/// evaluations and, for this year, absences.
#[component]
fn CoursesTab(student_id: i64, years: CourseYears) -> impl IntoView {
    let session = Session::expect();
    let courses = Loader::new(move || api::list_student_courses(session, student_id, years));
    let current = years == CourseYears::Current;
    courses.view("les cours", move |courses| {
        view! { <div inner_html=courses_html(courses, current)></div> }.into_any()
    })
}

/// The courses by year as text (read-only: a fraction of the wasm of views; every value
/// escaped): one card per course with its teacher, slot, room, evaluations and, for
/// this year, absences.
fn courses_html(courses: Vec<StudentCourse>, current: bool) -> String {
    if courses.is_empty() {
        let empty = if current {
            "Aucun cours cette année."
        } else {
            "Aucun cours les années précédentes."
        };
        return format!("<p class=\"empty-state\">{empty}</p>");
    }
    let mut html = String::new();
    for (year, courses) in group_by_year(courses) {
        let _ = write!(
            html,
            "<h3>Année {}</h3><ul class=\"course-list\">",
            escape(&year)
        );
        for course in courses {
            course_card(&mut html, course, current);
        }
        html.push_str("</ul>");
    }
    html
}

/// One course: discipline and level, teacher, slot, room, evaluations, absences.
fn course_card(html: &mut String, course: StudentCourse, with_absences: bool) {
    let slot = course_slot(&course.course);
    let _ = write!(
        html,
        "<li class=\"panel course-card\"><h4>{} <span class=\"course-level\">{}</span></h4>\
         <dl class=\"facts\"><div><dt>Professeur</dt><dd>{}</dd></div>\
         <div><dt>Horaire</dt><dd>{}</dd></div><div><dt>Salle</dt><dd>{}</dd></div></dl>",
        escape(&course.course.discipline),
        escape(&course.course.level),
        escape(&course.course.teacher_name),
        escape(&slot),
        escape(&course.course.room),
    );
    if course.evaluations.is_empty() {
        html.push_str("<p class=\"empty-state\">Pas encore d'évaluation.</p>");
    } else {
        let with_marks = course
            .evaluations
            .iter()
            .any(|evaluation| evaluation.mark.is_some());
        html.push_str(
            "<table class=\"evaluations\"><caption>Évaluations</caption><thead><tr>\
             <th scope=\"col\">Période</th><th scope=\"col\">Appréciation</th>",
        );
        if with_marks {
            html.push_str("<th scope=\"col\">Note</th>");
        }
        html.push_str("</tr></thead><tbody>");
        for evaluation in &course.evaluations {
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{}</th><td>{}</td>",
                escape(&evaluation.period),
                escape(&evaluation.comment)
            );
            if with_marks {
                let mark = evaluation.mark.as_deref().unwrap_or("—");
                let _ = write!(html, "<td>{}</td>", escape(mark));
            }
            html.push_str("</tr>");
        }
        html.push_str("</tbody></table>");
    }
    if with_absences {
        let heading_id = format!("absences-{}", course.enrolment_id);
        let _ = write!(
            html,
            "<p class=\"subheading\" id=\"{heading_id}\">Absences</p>"
        );
        if course.absences.is_empty() {
            html.push_str("<p class=\"empty-state\">Aucune absence.</p>");
        } else {
            let _ = write!(
                html,
                "<ul class=\"absences\" aria-labelledby=\"{heading_id}\">"
            );
            for absence in &course.absences {
                let (class, status) = if absence.justified {
                    ("badge badge-ok", "Justifiée")
                } else {
                    ("badge badge-warning", "Non justifiée")
                };
                let _ = write!(
                    html,
                    "<li><span class=\"absence-date\">{}</span><span class=\"{class}\">{status}</span>",
                    french_date(absence.date, DateStyle::Long)
                );
                if !absence.reason.is_empty() {
                    let _ = write!(
                        html,
                        "<span class=\"absence-reason\">Motif : {}</span>",
                        escape(&absence.reason)
                    );
                }
                html.push_str("</li>");
            }
            html.push_str("</ul>");
        }
    }
    html.push_str("</li>");
}

/// "Répertoire": the events the child took part in, and what they played or danced.
#[component]
fn RepertoireTab(student_id: i64) -> impl IntoView {
    let session = Session::expect();
    let entries = Loader::new(move || api::list_student_repertoire(session, student_id));
    entries.view("le répertoire", |entries| {
        view! { <div inner_html=repertoire(entries)></div> }.into_any()
    })
}

/// The events as cards (text, every value escaped), or a word saying there are none yet.
fn repertoire(entries: Vec<RepertoireEntry>) -> String {
    if entries.is_empty() {
        return "<p class=\"empty-state\">Aucun événement pour l'instant : les concerts, \
                auditions et spectacles auxquels l'élève participera apparaîtront ici.</p>"
            .to_owned();
    }
    let mut html = String::from("<ul class=\"event-list\">");
    for entry in entries {
        let event = entry.event;
        let mut kind = event.kind;
        if let Some(first) = kind.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let meta = [kind, french_date(event.date, DateStyle::Long), event.place]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        let _ = write!(
            html,
            "<li class=\"panel event-card\"><h3>{}</h3><p class=\"event-meta\">{}</p>\
             <dl class=\"facts\"><div><dt>Sa participation</dt><dd>{}</dd></div>\
             <div><dt>Programme</dt><dd>{}</dd></div></dl></li>",
            escape(&event.name),
            escape(&meta),
            escape(&entry.piece),
            escape(&event.programme)
        );
    }
    html.push_str("</ul>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn child(id: i64, first_name: &str) -> StudentSummary {
        StudentSummary {
            id,
            first_name: first_name.to_owned(),
            last_name: "Martin".to_owned(),
        }
    }

    #[test]
    fn the_address_names_the_child_and_the_tab() {
        let children = [child(12, "Léa"), child(13, "Hugo")];
        assert_eq!(
            selected_student(&children, None).map(|child| child.id),
            Some(12)
        );
        assert_eq!(
            selected_student(&children, Some("13")).map(|child| child.id),
            Some(13)
        );
        assert!(selected_student(&children, Some("99")).is_none());
        assert!(selected_student(&children, Some("abc")).is_none());
        assert_eq!(Tab::from_slug(Some("repertoire")), Tab::Repertoire);
        assert_eq!(Tab::from_slug(None), Tab::Identity);
        for tab in TABS {
            let path = tab_path(12, tab);
            assert_eq!(Tab::from_slug(path.rsplit('/').next()), tab);
        }
    }

    #[test]
    fn courses_are_grouped_by_year_in_the_server_s_order() {
        let course = |year: &str, discipline: &str| StudentCourse {
            enrolment_id: 1,
            school_year: year.to_owned(),
            course: tutti_shared::Course {
                id: 1,
                school_year_id: 1,
                discipline_id: 1,
                discipline: discipline.to_owned(),
                level: String::new(),
                teacher_account_id: None,
                teacher_name: String::new(),
                weekday: 3,
                start_time: "14:00".to_owned(),
                end_time: "14:45".to_owned(),
                room: String::new(),
                version: 1,
                fee_kind: None,
            },
            evaluations: vec![],
            absences: vec![],
        };
        let groups = group_by_year(vec![
            course("2025-2026", "Piano"),
            course("2024-2025", "Éveil"),
            course("2025-2026", "Formation musicale"),
        ]);
        let shape: Vec<(&str, usize)> = groups
            .iter()
            .map(|(year, courses)| (year.as_str(), courses.len()))
            .collect();
        assert_eq!(shape, [("2025-2026", 2), ("2024-2025", 1)]);
        assert_eq!(course_slot(&groups[0].1[0].course), "Mercredi 14:00–14:45");
    }
}
