//! French strings used in more than one place. Page-specific prose stays in its page.

/// Suffix of every document title, so that tabs and history read "Connexion · Tutti".
pub const APP_NAME: &str = "Tutti";

/// The request got no answer at all.
pub const SERVER_UNREACHABLE: &str =
    "Le serveur de Tutti est injoignable. Vérifiez votre connexion Internet puis réessayez.";

/// The server answered, but not in the shape we expect (before the status code).
pub const UNEXPECTED_ANSWER: &str = "Le serveur a répondu de façon inattendue";

/// After [`UNEXPECTED_ANSWER`] and its status code.
pub const TRY_AGAIN_LATER: &str = "Réessayez dans quelques instants.";

/// The session could not be renewed.
pub const SESSION_EXPIRED: &str = "Votre session a expiré. Veuillez vous reconnecter.";

/// Beside an empty mandatory field.
pub const REQUIRED_FIELD: &str = "Ce champ est obligatoire.";

/// Above a form with empty mandatory fields (the legacy guide's wording).
pub const CHECK_THE_FORM: &str =
    "Veuillez vérifier les renseignements saisis : tous les champs sont obligatoires.";

/// Above a form whose fields were refused by the client-side checks.
pub const FIX_THE_FIELDS: &str = "Veuillez corriger les champs signalés.";

/// Beside a confirmation that differs from the new password.
pub const PASSWORDS_DIFFER: &str = "Les deux mots de passe ne sont pas identiques.";

/// Hint under every new-password field (the policy of `tutti_shared::Password`).
pub const PASSWORD_HINT: &str =
    "Entre 12 et 128 caractères. Une phrase facile à retenir convient très bien.";

/// While something loads.
pub const LOADING: &str = "Chargement…";
