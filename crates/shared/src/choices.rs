//! The fixed French lists that some identity fields take their value from: situation
//! familiale, catégorie socio-professionnelle (INSEE), niveau scolaire, département de
//! naissance. Each entry is (stored value, label shown in the select).

/// Situation familiale.
pub const MARITAL_STATUSES: &[(&str, &str)] = &[
    ("Célibataire", "Célibataire"),
    ("Marié(e)", "Marié(e)"),
    ("Pacsé(e)", "Pacsé(e)"),
    ("En concubinage", "En concubinage"),
    ("Séparé(e)", "Séparé(e)"),
    ("Divorcé(e)", "Divorcé(e)"),
    ("Veuf ou veuve", "Veuf ou veuve"),
];

/// Catégories socioprofessionnelles of INSEE's PCS (two-digit level), by their code.
pub const SOCIO_PROFESSIONAL_CATEGORIES: &[(&str, &str)] = &[
    ("10", "10 · Agriculteurs exploitants"),
    ("21", "21 · Artisans"),
    ("22", "22 · Commerçants et assimilés"),
    ("23", "23 · Chefs d'entreprise de 10 salariés ou plus"),
    ("31", "31 · Professions libérales"),
    ("33", "33 · Cadres de la fonction publique"),
    ("34", "34 · Professeurs, professions scientifiques"),
    (
        "35",
        "35 · Professions de l'information, des arts et des spectacles",
    ),
    (
        "37",
        "37 · Cadres administratifs et commerciaux d'entreprise",
    ),
    ("38", "38 · Ingénieurs et cadres techniques d'entreprise"),
    (
        "42",
        "42 · Professeurs des écoles, instituteurs et assimilés",
    ),
    (
        "43",
        "43 · Professions intermédiaires de la santé et du travail social",
    ),
    ("44", "44 · Clergé, religieux"),
    (
        "45",
        "45 · Professions intermédiaires administratives de la fonction publique",
    ),
    (
        "46",
        "46 · Professions intermédiaires administratives et commerciales des entreprises",
    ),
    ("47", "47 · Techniciens"),
    ("48", "48 · Contremaîtres, agents de maîtrise"),
    (
        "52",
        "52 · Employés civils et agents de service de la fonction publique",
    ),
    ("53", "53 · Policiers et militaires"),
    ("54", "54 · Employés administratifs d'entreprise"),
    ("55", "55 · Employés de commerce"),
    (
        "56",
        "56 · Personnels des services directs aux particuliers",
    ),
    ("62", "62 · Ouvriers qualifiés de type industriel"),
    ("63", "63 · Ouvriers qualifiés de type artisanal"),
    ("64", "64 · Chauffeurs"),
    (
        "65",
        "65 · Ouvriers qualifiés de la manutention, du magasinage et du transport",
    ),
    ("67", "67 · Ouvriers non qualifiés de type industriel"),
    ("68", "68 · Ouvriers non qualifiés de type artisanal"),
    ("69", "69 · Ouvriers agricoles"),
    ("71", "71 · Anciens agriculteurs exploitants"),
    (
        "72",
        "72 · Anciens artisans, commerçants, chefs d'entreprise",
    ),
    ("74", "74 · Anciens cadres"),
    ("75", "75 · Anciennes professions intermédiaires"),
    ("77", "77 · Anciens employés"),
    ("78", "78 · Anciens ouvriers"),
    ("81", "81 · Chômeurs n'ayant jamais travaillé"),
    ("84", "84 · Élèves, étudiants"),
    ("85", "85 · Sans activité professionnelle, moins de 60 ans"),
    ("86", "86 · Sans activité professionnelle, 60 ans et plus"),
];

/// Niveau scolaire, from nursery school to adults.
pub const SCHOOL_LEVELS: &[(&str, &str)] = &[
    ("Maternelle", "Maternelle"),
    ("CP", "CP"),
    ("CE1", "CE1"),
    ("CE2", "CE2"),
    ("CM1", "CM1"),
    ("CM2", "CM2"),
    ("6e", "6e"),
    ("5e", "5e"),
    ("4e", "4e"),
    ("3e", "3e"),
    ("2de", "2de"),
    ("1re", "1re"),
    ("Terminale", "Terminale"),
    ("Études supérieures", "Études supérieures"),
    ("Adulte", "Adulte"),
];

/// Départements (metropolitan, Corsica's two, overseas), and 99 for a birth abroad.
pub const DEPARTMENTS: &[(&str, &str)] = &[
    ("01", "01 · Ain"),
    ("02", "02 · Aisne"),
    ("03", "03 · Allier"),
    ("04", "04 · Alpes-de-Haute-Provence"),
    ("05", "05 · Hautes-Alpes"),
    ("06", "06 · Alpes-Maritimes"),
    ("07", "07 · Ardèche"),
    ("08", "08 · Ardennes"),
    ("09", "09 · Ariège"),
    ("10", "10 · Aube"),
    ("11", "11 · Aude"),
    ("12", "12 · Aveyron"),
    ("13", "13 · Bouches-du-Rhône"),
    ("14", "14 · Calvados"),
    ("15", "15 · Cantal"),
    ("16", "16 · Charente"),
    ("17", "17 · Charente-Maritime"),
    ("18", "18 · Cher"),
    ("19", "19 · Corrèze"),
    ("2A", "2A · Corse-du-Sud"),
    ("2B", "2B · Haute-Corse"),
    ("21", "21 · Côte-d'Or"),
    ("22", "22 · Côtes-d'Armor"),
    ("23", "23 · Creuse"),
    ("24", "24 · Dordogne"),
    ("25", "25 · Doubs"),
    ("26", "26 · Drôme"),
    ("27", "27 · Eure"),
    ("28", "28 · Eure-et-Loir"),
    ("29", "29 · Finistère"),
    ("30", "30 · Gard"),
    ("31", "31 · Haute-Garonne"),
    ("32", "32 · Gers"),
    ("33", "33 · Gironde"),
    ("34", "34 · Hérault"),
    ("35", "35 · Ille-et-Vilaine"),
    ("36", "36 · Indre"),
    ("37", "37 · Indre-et-Loire"),
    ("38", "38 · Isère"),
    ("39", "39 · Jura"),
    ("40", "40 · Landes"),
    ("41", "41 · Loir-et-Cher"),
    ("42", "42 · Loire"),
    ("43", "43 · Haute-Loire"),
    ("44", "44 · Loire-Atlantique"),
    ("45", "45 · Loiret"),
    ("46", "46 · Lot"),
    ("47", "47 · Lot-et-Garonne"),
    ("48", "48 · Lozère"),
    ("49", "49 · Maine-et-Loire"),
    ("50", "50 · Manche"),
    ("51", "51 · Marne"),
    ("52", "52 · Haute-Marne"),
    ("53", "53 · Mayenne"),
    ("54", "54 · Meurthe-et-Moselle"),
    ("55", "55 · Meuse"),
    ("56", "56 · Morbihan"),
    ("57", "57 · Moselle"),
    ("58", "58 · Nièvre"),
    ("59", "59 · Nord"),
    ("60", "60 · Oise"),
    ("61", "61 · Orne"),
    ("62", "62 · Pas-de-Calais"),
    ("63", "63 · Puy-de-Dôme"),
    ("64", "64 · Pyrénées-Atlantiques"),
    ("65", "65 · Hautes-Pyrénées"),
    ("66", "66 · Pyrénées-Orientales"),
    ("67", "67 · Bas-Rhin"),
    ("68", "68 · Haut-Rhin"),
    ("69", "69 · Rhône"),
    ("70", "70 · Haute-Saône"),
    ("71", "71 · Saône-et-Loire"),
    ("72", "72 · Sarthe"),
    ("73", "73 · Savoie"),
    ("74", "74 · Haute-Savoie"),
    ("75", "75 · Paris"),
    ("76", "76 · Seine-Maritime"),
    ("77", "77 · Seine-et-Marne"),
    ("78", "78 · Yvelines"),
    ("79", "79 · Deux-Sèvres"),
    ("80", "80 · Somme"),
    ("81", "81 · Tarn"),
    ("82", "82 · Tarn-et-Garonne"),
    ("83", "83 · Var"),
    ("84", "84 · Vaucluse"),
    ("85", "85 · Vendée"),
    ("86", "86 · Vienne"),
    ("87", "87 · Haute-Vienne"),
    ("88", "88 · Vosges"),
    ("89", "89 · Yonne"),
    ("90", "90 · Territoire de Belfort"),
    ("91", "91 · Essonne"),
    ("92", "92 · Hauts-de-Seine"),
    ("93", "93 · Seine-Saint-Denis"),
    ("94", "94 · Val-de-Marne"),
    ("95", "95 · Val-d'Oise"),
    ("971", "971 · Guadeloupe"),
    ("972", "972 · Martinique"),
    ("973", "973 · Guyane"),
    ("974", "974 · La Réunion"),
    ("976", "976 · Mayotte"),
    ("99", "99 · Né(e) à l'étranger"),
];

/// Whether `value` is one of the list's stored values.
pub fn is_listed(list: &[(&str, &str)], value: &str) -> bool {
    list.iter().any(|(listed, _)| *listed == value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_has_unique_values() {
        for list in [
            MARITAL_STATUSES,
            SOCIO_PROFESSIONAL_CATEGORIES,
            SCHOOL_LEVELS,
            DEPARTMENTS,
        ] {
            let mut values: Vec<&str> = list.iter().map(|(value, _)| *value).collect();
            values.sort_unstable();
            values.dedup();
            assert_eq!(values.len(), list.len());
        }
    }

    #[test]
    fn france_has_101_departments_and_abroad() {
        // 94 metropolitan numbers (01-95 without 20) + 2A, 2B + 5 overseas + 99.
        assert_eq!(DEPARTMENTS.len(), 94 + 2 + 5 + 1);
        assert!(is_listed(DEPARTMENTS, "2A"));
        assert!(!is_listed(DEPARTMENTS, "20"));
    }
}
