//! The reset link's token, carried in the URL fragment (`#token=...`).
//!
//! A fragment never reaches the server, its logs or a `Referer` header; once read, the app
//! also wipes it from the address bar so that it is not left in history or bookmarks.

/// Extracts the token from a fragment such as `#token=abc` (leading `#` optional, other
/// `key=value` pairs ignored). `None` when absent or empty.
pub fn reset_token_from_hash(hash: &str) -> Option<String> {
    hash.trim_start_matches('#')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "token")
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Reads the token from the current address, then removes the fragment from it.
pub fn take_reset_token_from_address_bar() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let token = reset_token_from_hash(&location.hash().ok()?)?;
    if let (Ok(history), Ok(path)) = (window.history(), location.pathname()) {
        // Replacing the entry (not pushing) keeps "Back" working; failure only leaves the
        // fragment visible, which is harmless.
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    Some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_the_fragment() {
        assert_eq!(
            reset_token_from_hash("#token=abc123").as_deref(),
            Some("abc123")
        );
        assert_eq!(
            reset_token_from_hash("token=abc123").as_deref(),
            Some("abc123")
        );
        assert_eq!(
            reset_token_from_hash("#x=1&token=abc").as_deref(),
            Some("abc")
        );
    }

    #[test]
    fn a_missing_or_empty_token_is_none() {
        assert_eq!(reset_token_from_hash(""), None);
        assert_eq!(reset_token_from_hash("#"), None);
        assert_eq!(reset_token_from_hash("#token="), None);
        assert_eq!(reset_token_from_hash("#jeton=abc"), None);
    }
}
