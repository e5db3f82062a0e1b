//! Read-only markup written as text: each `view!` tree is its own type with build and
//! update code in the wasm, while a string costs a few pushes (the families' bundle has a
//! 300 kB budget). Every value goes through [`escape`]; links are plain `<a href>`,
//! which the router follows like any other.

/// Text made safe inside HTML content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_is_escaped_before_it_becomes_html() {
        assert_eq!(
            escape(r#"<b>"Léa" & 'Hugo'</b>"#),
            "&lt;b&gt;&quot;Léa&quot; &amp; &#39;Hugo&#39;&lt;/b&gt;"
        );
    }
}
