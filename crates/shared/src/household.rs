//! Households (familles), guardians (responsables) and students (élèves) on the wire, with
//! the field rules that the form and the server share.
//!
//! A family's edit never changes a record directly: each changed field becomes a pending
//! change request that staff approve or reject.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::EmailAddress;

/// Longest text accepted in any identity field.
pub const MAX_FIELD_CHARS: usize = 200;

/// What kind of value a field holds: the form picks its control from it (an e-mail
/// keyboard, a date picker, the civility list) and the shared rules check phones by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldInput {
    /// A short line of text.
    Text,
    /// A longer line of text (an address, a full name), given more room in forms.
    LongText,
    /// One of [`CIVILITIES`].
    Civility,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// A French postcode, five digits.
    Postcode,
    /// A French phone number (see [`is_valid_phone`]).
    Phone,
    /// An e-mail address.
    Email,
    /// One of [`crate::choices::MARITAL_STATUSES`].
    MaritalStatus,
    /// One of [`crate::choices::SOCIO_PROFESSIONAL_CATEGORIES`].
    SocioProfessional,
    /// One of [`crate::choices::SCHOOL_LEVELS`].
    SchoolLevel,
    /// One of [`crate::choices::DEPARTMENTS`].
    Department,
}

impl FieldInput {
    /// The fixed list a value is chosen from (a select in forms), if any. Civilities have
    /// their own rule (guardians are offered two of the three).
    pub fn choices(self) -> Option<&'static [(&'static str, &'static str)]> {
        match self {
            FieldInput::MaritalStatus => Some(crate::choices::MARITAL_STATUSES),
            FieldInput::SocioProfessional => Some(crate::choices::SOCIO_PROFESSIONAL_CATEGORIES),
            FieldInput::SchoolLevel => Some(crate::choices::SCHOOL_LEVELS),
            FieldInput::Department => Some(crate::choices::DEPARTMENTS),
            _ => None,
        }
    }
}

/// One editable field as declared once (by the `editable_fields!` macro): everything the types,
/// the rules and the forms need to know about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// Wire name, also the struct field's name.
    pub name: &'static str,
    /// French label.
    pub label: &'static str,
    /// Kind of value.
    pub input: FieldInput,
    /// Whether the rules refuse it empty.
    pub required: bool,
    /// The HTML `autocomplete` token: what the browser may fill in ("off" when the
    /// value is not the person's at the keyboard).
    pub autofill: &'static str,
}

/// What the server needs to turn a family's edit of a record into change requests; the
/// guardian and student forms both implement it, so one code path serves both.
pub trait EditableRecord: Clone {
    /// The partial edit of this record.
    type Changes;
    /// Every field, in form order.
    const SPECS: &'static [FieldSpec];
    /// A field's value by wire name.
    fn field(&self, field: &str) -> Option<&str>;
    /// Sets a field by wire name; false for an unknown name.
    fn set_field(&mut self, field: &str, value: String) -> bool;
    /// The French label of a field.
    fn field_label(field: &str) -> &'static str;
    /// Field name to French message, empty when valid.
    fn check(&self) -> BTreeMap<String, String>;
    /// The fields the edit changes, compared with the pending values where there are some.
    fn changes_against(
        &self,
        changes: &Self::Changes,
        pending: &BTreeMap<String, PendingChange>,
    ) -> Vec<(&'static str, String)>;
}

/// Declares a record's editable fields once, and derives from that list: the full record
/// (`$fields`), the partial edit (`$changes`, every field optional, unknown ones refused),
/// the field list with French labels and form specs ([`FieldSpec`]), and by-name access
/// used by change requests. Each field reads
/// `name: "Label" (Input, required | optional, "autocomplete token")`.
macro_rules! editable_fields {
    (@required required) => { true };
    (@required optional) => { false };
    (
        $(#[$fields_doc:meta])* $fields:ident,
        $(#[$changes_doc:meta])* $changes:ident,
        { $( $(#[$doc:meta])* $name:ident : $label:literal ($input:ident, $presence:ident, $autofill:literal) ),+ $(,)? }
    ) => {
        $(#[$fields_doc])*
        ///
        /// Read only from a JSON object (never from an array in field order), and any
        /// unknown field is refused.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(try_from = "BTreeMap<String, String>")]
        pub struct $fields {
            $( $(#[$doc])* pub $name: String, )+
        }

        $(#[$changes_doc])*
        ///
        /// Read only from a JSON object, and any unknown field is refused.
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(try_from = "BTreeMap<String, Option<String>>")]
        pub struct $changes {
            $( $(#[$doc])* #[serde(skip_serializing_if = "Option::is_none")] pub $name: Option<String>, )+
        }

        impl EditableRecord for $fields {
            type Changes = $changes;
            const SPECS: &'static [FieldSpec] = Self::SPECS;

            fn field(&self, field: &str) -> Option<&str> {
                self.get(field)
            }

            fn set_field(&mut self, field: &str, value: String) -> bool {
                self.set(field, value)
            }

            fn field_label(field: &str) -> &'static str {
                Self::label(field)
            }

            fn check(&self) -> BTreeMap<String, String> {
                self.validate()
            }

            fn changes_against(&self, changes: &$changes, pending: &BTreeMap<String, PendingChange>) -> Vec<(&'static str, String)> {
                self.diff_with_pending(changes, pending)
            }
        }

        impl TryFrom<BTreeMap<String, String>> for $fields {
            type Error = String;

            fn try_from(map: BTreeMap<String, String>) -> Result<Self, String> {
                let mut fields = Self::default();
                for (name, value) in map {
                    if !fields.set(&name, value) {
                        return Err(format!("unknown field `{name}`"));
                    }
                }
                Ok(fields)
            }
        }

        impl TryFrom<BTreeMap<String, Option<String>>> for $changes {
            type Error = String;

            fn try_from(map: BTreeMap<String, Option<String>>) -> Result<Self, String> {
                let mut changes = Self::default();
                for (name, value) in map {
                    match name.as_str() {
                        $( stringify!($name) => changes.$name = value, )+
                        _ => return Err(format!("unknown field `{name}`")),
                    }
                }
                Ok(changes)
            }
        }

        impl $fields {
            /// Every field: (wire name, French label), in form order.
            pub const FIELDS: &'static [(&'static str, &'static str)] = &[ $( (stringify!($name), $label) ),+ ];

            /// Every field with what forms and rules need of it, in form order.
            pub const SPECS: &'static [FieldSpec] = &[ $( FieldSpec {
                name: stringify!($name),
                label: $label,
                input: FieldInput::$input,
                required: editable_fields!(@required $presence),
                autofill: $autofill,
            } ),+ ];

            /// A field's value by wire name.
            pub fn get(&self, field: &str) -> Option<&str> {
                match field {
                    $( stringify!($name) => Some(self.$name.as_str()), )+
                    _ => None,
                }
            }

            /// Sets a field by wire name; false for an unknown name.
            pub fn set(&mut self, field: &str, value: String) -> bool {
                match field {
                    $( stringify!($name) => { self.$name = value; true } )+
                    _ => false,
                }
            }

            /// The French label of a field.
            pub fn label(field: &str) -> &'static str {
                Self::FIELDS.iter().find(|(name, _)| *name == field).map_or("", |(_, label)| *label)
            }

            /// The fields where `changes` differs from `self`, as (name, new value), trimmed.
            pub fn diff(&self, changes: &$changes) -> Vec<(&'static str, String)> {
                let mut changed = Vec::new();
                $(
                    if let Some(value) = &changes.$name {
                        let value = value.trim();
                        if value != self.$name {
                            changed.push((stringify!($name), value.to_owned()));
                        }
                    }
                )+
                changed
            }

            /// Like [`Self::diff`], but compared with the value the family already asked
            /// for when a change is pending: sending the pending value again changes nothing,
            /// sending the value in force withdraws the pending change.
            pub fn diff_with_pending(
                &self,
                changes: &$changes,
                pending: &BTreeMap<String, PendingChange>,
            ) -> Vec<(&'static str, String)> {
                let mut changed = Vec::new();
                $(
                    if let Some(value) = &changes.$name {
                        let value = value.trim();
                        let effective = pending.get(stringify!($name)).map_or(self.$name.as_str(), |change| change.new_value.as_str());
                        if value != effective {
                            changed.push((stringify!($name), value.to_owned()));
                        }
                    }
                )+
                changed
            }
        }
    };
}

editable_fields!(
    /// The editable fields of a guardian (the legacy "Responsable" form).
    GuardianFields,
    /// A partial edit of a guardian: only the fields sent are considered.
    GuardianChanges,
    {
        /// Madame, Monsieur.
        civility: "Civilité" (Civility, optional, "honorific-prefix"),
        /// Family name.
        last_name: "Nom" (Text, required, "family-name"),
        /// Given name.
        first_name: "Prénom" (Text, required, "given-name"),
        /// Street address.
        address: "Adresse" (LongText, required, "street-address"),
        /// French postcode, five digits.
        postcode: "Code postal" (Postcode, required, "postal-code"),
        /// Town.
        city: "Ville" (Text, required, "address-level2"),
        /// Home phone.
        phone_home: "Tél. domicile" (Phone, optional, "tel"),
        /// Mobile phone.
        phone_mobile: "Mobile" (Phone, optional, "tel"),
        /// Work phone.
        phone_work: "Tél. professionnel" (Phone, optional, "off"),
        /// Email address.
        email: "E-mail" (Email, required, "email"),
        /// Situation familiale (mariée, pacsé, célibataire...).
        marital_status: "Situation familiale" (MaritalStatus, optional, "off"),
        /// INSEE socio-professional category code.
        socio_professional_code: "Catégorie socio-professionnelle" (SocioProfessional, optional, "off"),
        /// Profession.
        profession: "Profession" (Text, optional, "organization-title"),
        /// Extra phone 1.
        extra_phone_1: "Tél. supplémentaire 1" (Phone, optional, "off"),
        /// Extra phone 2.
        extra_phone_2: "Tél. supplémentaire 2" (Phone, optional, "off"),
        /// Extra phone 3.
        extra_phone_3: "Tél. supplémentaire 3" (Phone, optional, "off"),
    }
);

editable_fields!(
    /// The editable fields of a student (the legacy "Identité" tab).
    StudentFields,
    /// A partial edit of a student: only the fields sent are considered.
    StudentChanges,
    {
        /// Madame, Monsieur, Mademoiselle.
        civility: "Civilité" (Civility, optional, "off"),
        /// Family name.
        last_name: "Nom" (Text, required, "off"),
        /// Given name.
        first_name: "Prénom" (Text, required, "off"),
        /// Date of birth, `YYYY-MM-DD`.
        birth_date: "Date de naissance" (Date, required, "off"),
        /// Town of birth.
        birth_place: "Lieu de naissance" (Text, optional, "off"),
        /// Département of birth (e.g. 94, 2A, 971, 99 for abroad).
        birth_department: "Département de naissance" (Department, optional, "off"),
        /// Street address.
        address: "Adresse" (LongText, optional, "off"),
        /// French postcode, five digits.
        postcode: "Code postal" (Postcode, optional, "off"),
        /// Town.
        city: "Ville" (Text, optional, "off"),
        /// Home phone.
        phone_home: "Tél. domicile" (Phone, optional, "off"),
        /// Mobile phone.
        phone_mobile: "Mobile" (Phone, optional, "off"),
        /// Email address.
        email: "E-mail" (Email, optional, "off"),
        /// Person to call in an emergency.
        emergency_contact_name: "Personne à prévenir" (LongText, optional, "off"),
        /// Emergency phone.
        emergency_phone: "Tél. urgence" (Phone, optional, "off"),
        /// School level (niveau scolaire).
        school_level: "Niveau scolaire" (SchoolLevel, optional, "off"),
    }
);

/// Accepted civilities.
pub const CIVILITIES: &[&str] = &["Madame", "Monsieur", "Mademoiselle"];

/// A French phone number: ten digits starting with 0, or +33 and nine digits; spaces,
/// dots and dashes between digits are allowed.
pub fn is_valid_phone(value: &str) -> bool {
    let digits: String = value
        .chars()
        .filter(|character| !matches!(character, ' ' | '.' | '-'))
        .collect();
    if let Some(rest) = digits.strip_prefix("+33") {
        return rest.len() == 9
            && rest.chars().all(|character| character.is_ascii_digit())
            && !rest.starts_with('0');
    }
    digits.len() == 10
        && digits.starts_with('0')
        && digits.chars().all(|character| character.is_ascii_digit())
}

/// A French postcode: five digits.
pub fn is_valid_postcode(value: &str) -> bool {
    value.len() == 5 && value.chars().all(|character| character.is_ascii_digit())
}

/// The rules every record shares, driven by its field specs: length and control
/// characters, required fields, phones, postcode, e-mail and civility.
fn check_common(
    errors: &mut BTreeMap<String, String>,
    get: &dyn Fn(&str) -> Option<String>,
    specs: &[FieldSpec],
) {
    for spec in specs {
        let value = get(spec.name).unwrap_or_default();
        if value.chars().count() > MAX_FIELD_CHARS {
            errors.insert(
                spec.name.to_owned(),
                format!("{MAX_FIELD_CHARS} caractères au plus."),
            );
        } else if value.chars().any(char::is_control) {
            errors.insert(spec.name.to_owned(), "Caractères non autorisés.".to_owned());
        }
    }
    for spec in specs.iter().filter(|spec| spec.required) {
        if get(spec.name).unwrap_or_default().trim().is_empty() {
            errors
                .entry(spec.name.to_owned())
                .or_insert_with(|| "Ce champ est obligatoire.".to_owned());
        }
    }
    for spec in specs {
        let Some(list) = spec.input.choices() else {
            continue;
        };
        let value = get(spec.name).unwrap_or_default();
        if !value.is_empty() && !crate::choices::is_listed(list, &value) {
            errors
                .entry(spec.name.to_owned())
                .or_insert_with(|| "Choisissez une valeur de la liste.".to_owned());
        }
    }
    for spec in specs.iter().filter(|spec| spec.input == FieldInput::Phone) {
        let value = get(spec.name).unwrap_or_default();
        if !value.is_empty() && !is_valid_phone(&value) {
            errors.entry(spec.name.to_owned()).or_insert_with(|| {
                "Numéro de téléphone invalide (10 chiffres, ex. 06 12 34 56 78).".to_owned()
            });
        }
    }
    let postcode = get("postcode").unwrap_or_default();
    if !postcode.is_empty() && !is_valid_postcode(&postcode) {
        errors
            .entry("postcode".to_owned())
            .or_insert_with(|| "Code postal invalide (5 chiffres).".to_owned());
    }
    let email = get("email").unwrap_or_default();
    if !email.is_empty()
        && let Err(error) = EmailAddress::parse(&email)
    {
        errors.entry("email".to_owned()).or_insert(error.0);
    }
    let civility = get("civility").unwrap_or_default();
    if !civility.is_empty() && !CIVILITIES.contains(&civility.as_str()) {
        errors
            .entry("civility".to_owned())
            .or_insert_with(|| "Civilité invalide.".to_owned());
    }
}

impl GuardianFields {
    /// Checks every field; returns field name to French message, empty when valid.
    /// A guardian must be reachable: name, address, email and at least one phone.
    pub fn validate(&self) -> BTreeMap<String, String> {
        let mut errors = BTreeMap::new();
        let get = |field: &str| self.get(field).map(str::to_owned);
        check_common(&mut errors, &get, Self::SPECS);
        if self.phone_home.trim().is_empty() && self.phone_mobile.trim().is_empty() {
            errors.entry("phone_mobile".to_owned()).or_insert_with(|| {
                "Indiquez au moins un téléphone (domicile ou mobile).".to_owned()
            });
        }
        errors
    }
}

impl StudentFields {
    /// Checks every field; returns field name to French message, empty when valid.
    pub fn validate(&self) -> BTreeMap<String, String> {
        let mut errors = BTreeMap::new();
        let get = |field: &str| self.get(field).map(str::to_owned);
        check_common(&mut errors, &get, Self::SPECS);
        if !self.birth_date.is_empty()
            && chrono::NaiveDate::parse_from_str(&self.birth_date, "%Y-%m-%d").is_err()
        {
            errors
                .entry("birth_date".to_owned())
                .or_insert_with(|| "Date invalide (AAAA-MM-JJ).".to_owned());
        }
        errors
    }
}

/// A change waiting for staff validation, as the family sees it beside the field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingChange {
    /// The value asked for.
    pub new_value: String,
    /// When the family asked (UTC).
    pub requested_at: chrono::NaiveDateTime,
}

/// A guardian with the values in force and the pending changes, field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuardianView {
    /// Database id.
    pub id: i64,
    /// Send this back with an edit; an edit against an older version gets 409.
    pub version: i32,
    /// The values in force (validated by staff).
    pub fields: GuardianFields,
    /// Pending changes by field name.
    pub pending: BTreeMap<String, PendingChange>,
}

/// The household with its guardians.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FamilyView {
    /// Database id.
    pub id: i64,
    /// Display name, e.g. "Famille Martin".
    pub name: String,
    /// The guardians, first one first.
    pub guardians: Vec<GuardianView>,
}

/// An edit of a guardian: the version it was made against and the changed fields.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GuardianPatch {
    /// The version the family read.
    pub version: i32,
    /// The fields to change.
    pub changes: GuardianChanges,
}

/// A child in the family's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentSummary {
    /// Database id.
    pub id: i64,
    /// Given name.
    pub first_name: String,
    /// Family name.
    pub last_name: String,
}

/// A student with the values in force and the pending changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentView {
    /// Database id.
    pub id: i64,
    /// Send this back with an edit.
    pub version: i32,
    /// The values in force.
    pub fields: StudentFields,
    /// Pending changes by field name.
    pub pending: BTreeMap<String, PendingChange>,
}

/// An edit of a student.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StudentPatch {
    /// The version the family read.
    pub version: i32,
    /// The fields to change.
    pub changes: StudentChanges,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_guardian() -> GuardianFields {
        GuardianFields {
            civility: "Madame".into(),
            last_name: "Martin".into(),
            first_name: "Claire".into(),
            address: "12 rue des Lilas".into(),
            postcode: "94420".into(),
            city: "Le Plessis-Trévise".into(),
            phone_mobile: "06 12 34 56 78".into(),
            email: "claire@example.fr".into(),
            ..GuardianFields::default()
        }
    }

    #[test]
    fn a_complete_guardian_is_valid() {
        assert!(valid_guardian().validate().is_empty());
    }

    #[test]
    fn bad_postcode_phone_and_email_are_reported_per_field() {
        let mut guardian = valid_guardian();
        guardian.postcode = "9442".into();
        guardian.phone_work = "12345".into();
        guardian.email = "claire".into();
        let errors = guardian.validate();
        assert!(errors.contains_key("postcode"));
        assert!(errors.contains_key("phone_work"));
        assert!(errors.contains_key("email"));
    }

    #[test]
    fn phones_accept_french_formats() {
        for good in [
            "0612345678",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33 6 12 34 56 78",
        ] {
            assert!(is_valid_phone(good), "{good}");
        }
        for bad in [
            "612345678",
            "06 12 34 56",
            "+33 06 12 34 56 78",
            "06123456789",
            "abc",
        ] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn diff_lists_only_changed_trimmed_fields() {
        let guardian = valid_guardian();
        let changes = GuardianChanges {
            city: Some(" Le Plessis-Trévise ".into()),
            phone_mobile: Some("07 00 00 00 00".into()),
            ..GuardianChanges::default()
        };
        assert_eq!(
            guardian.diff(&changes),
            vec![("phone_mobile", "07 00 00 00 00".to_owned())]
        );
    }

    #[test]
    fn the_declared_required_fields_are_exactly_those_refused_when_empty() {
        fn refused_when_empty(errors: BTreeMap<String, String>) -> Vec<String> {
            errors
                .into_iter()
                .filter(|(_, message)| message == "Ce champ est obligatoire.")
                .map(|(field, _)| field)
                .collect()
        }
        fn declared(specs: &[FieldSpec]) -> Vec<String> {
            let mut names: Vec<String> = specs
                .iter()
                .filter(|spec| spec.required)
                .map(|spec| spec.name.to_owned())
                .collect();
            names.sort();
            names
        }
        assert_eq!(
            refused_when_empty(GuardianFields::default().validate()),
            declared(GuardianFields::SPECS)
        );
        assert_eq!(
            refused_when_empty(StudentFields::default().validate()),
            declared(StudentFields::SPECS)
        );
    }

    #[test]
    fn specs_and_labels_follow_the_one_declaration() {
        assert_eq!(GuardianFields::SPECS.len(), GuardianFields::FIELDS.len());
        for (spec, (name, label)) in StudentFields::SPECS.iter().zip(StudentFields::FIELDS) {
            assert_eq!((spec.name, spec.label), (*name, *label));
            assert!(StudentFields::default().get(name).is_some(), "{name}");
        }
        let birth_date = StudentFields::SPECS
            .iter()
            .find(|spec| spec.name == "birth_date");
        assert_eq!(birth_date.map(|spec| spec.input), Some(FieldInput::Date));
    }

    #[test]
    fn students_need_a_valid_birth_date() {
        let student = StudentFields {
            last_name: "Martin".into(),
            first_name: "Léa".into(),
            birth_date: "2012-02-30".into(),
            ..StudentFields::default()
        };
        assert!(student.validate().contains_key("birth_date"));
    }
}
