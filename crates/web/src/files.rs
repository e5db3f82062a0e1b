//! Files the browser receives from the API: saved under their name, or opened in a tab.
//!
//! A download needs the access token, which a plain link cannot carry, so the file is
//! fetched as a `Blob` and handed to the browser through a same-origin object URL.

use wasm_bindgen::JsCast as _;

/// Lets the browser save `blob` as `file_name` (a click on a temporary `<a download>`).
pub fn save(blob: &web_sys::Blob, file_name: &str) {
    let Some(url) = object_url(blob) else { return };
    if let Some(document) = web_sys::window().and_then(|window| window.document())
        && let Ok(element) = document.create_element("a")
        && let Ok(anchor) = element.dyn_into::<web_sys::HtmlAnchorElement>()
    {
        anchor.set_href(&url);
        anchor.set_download(file_name);
        anchor.click();
    }
    forget_later(url);
}

/// A tab opened at once, in the click that asks for a file: a tab opened after the
/// download finished would be blocked as a pop-up. Show the file in it with [`show_in`].
pub fn open_tab() -> Option<web_sys::Window> {
    web_sys::window()?
        .open_with_url_and_target("", "_blank")
        .ok()
        .flatten()
}

/// Shows `blob` in a tab from [`open_tab`] (a PDF in the browser's viewer), or saves it
/// when no tab could be opened.
pub fn show_in(tab: Option<web_sys::Window>, blob: &web_sys::Blob, file_name: &str) {
    let Some(tab) = tab else {
        save(blob, file_name);
        return;
    };
    let Some(url) = object_url(blob) else { return };
    let _ = tab.location().set_href(&url);
    forget_later(url);
}

/// An object URL for `blob`, to be shown in an `<img>` (revoke it with [`forget`]).
pub fn object_url(blob: &web_sys::Blob) -> Option<String> {
    web_sys::Url::create_object_url_with_blob(blob).ok()
}

/// Releases an object URL's memory.
pub fn forget(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}

/// Releases the URL once the browser had the time to start using it.
fn forget_later(url: String) {
    leptos::prelude::set_timeout(move || forget(&url), std::time::Duration::from_secs(60));
}
