//! Serves the built single-page app (`TUTTI_WEB_DIR`, written by `scripts/build-web.sh`)
//! and `/robots.txt`.
//!
//! - Files are compressed at build time: beside each asset lie `NAME.br` and `NAME.gz`,
//!   and the variant the browser accepts is sent as is (`Content-Encoding`, the original
//!   file's `Content-Type`, `Vary: Accept-Encoding`). The `Compress` middleware leaves a
//!   response that already has a `Content-Encoding` alone, so nothing is compressed twice,
//!   and the files cost no CPU per request. A browser that accepts neither gets the plain
//!   file, which `Compress` then leaves alone too (it negotiates from the same header).
//! - Trunk names the app's files after their content (`tutti-web-<hash>_bg.wasm`): those
//!   are cached for a year as immutable, since a new build changes their names. Everything
//!   else (index.html, start.js, the icon, robots.txt) is revalidated on every use
//!   (`no-cache` with an `ETag`), so that a new release is picked up at once.
//! - Client-side routes (`/famille`, `/mot-de-passe/nouveau`...) answer the app's
//!   `index.html`; `/admin` and below answer the administration's build
//!   (`dist/admin/index.html`), so that families' phones never download it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use actix_files::NamedFile;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse, fn_service};
use actix_web::http::Method;
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, Resource, web};
use sha2::{Digest, Sha256};

/// What `/robots.txt` answers: a family portal has nothing for search engines.
pub const ROBOTS_TXT: &str = "User-agent: *\nDisallow: /\n";

/// Cache policy of files whose name changes with their content.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Cache policy of files whose name stays across releases: use only after revalidating.
const REVALIDATE: &str = "no-cache";

/// `GET /robots.txt`, served whether or not the app is.
pub fn robots_txt() -> Resource {
    web::resource("/robots.txt").route(web::get().to(robots))
}

async fn robots(request: HttpRequest) -> HttpResponse {
    static ETAG: LazyLock<String> = LazyLock::new(|| {
        let digest = Sha256::digest(ROBOTS_TXT.as_bytes());
        format!("\"{}\"", hex::encode(&digest[..8]))
    });
    let etag = ETAG.as_str();
    let unchanged = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, REVALIDATE));
    if unchanged {
        return response.finish();
    }
    response
        .content_type("text/plain; charset=utf-8")
        .body(ROBOTS_TXT)
}

/// The service answering every path that no route took: the app's files, or its
/// `index.html` for client-side routes.
pub fn files(
    dir: &Path,
) -> impl ServiceFactory<
    ServiceRequest,
    Config = (),
    Response = ServiceResponse,
    Error = actix_web::Error,
    InitError = (),
> + 'static {
    let dir: Arc<Path> = Arc::from(dir);
    fn_service(move |request: ServiceRequest| {
        let dir = Arc::clone(&dir);
        async move {
            let (request, _) = request.into_parts();
            let response = answer(&dir, &request).await;
            Ok(ServiceResponse::new(request, response))
        }
    })
}

/// What a path is, once checked against the built app's folder.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file of the build.
    File(PathBuf),
    /// A client-side route: the index.html of the family app or of the administration.
    Index { admin: bool },
    /// Looks like a file (it has an extension) but the build has none: a stale or
    /// mistyped address, which must not get HTML in place of a script.
    Missing,
}

/// Maps a request path to what answers it, refusing anything that could leave the
/// folder (`..`, hidden files, odd characters) and the precompressed variants themselves.
fn resolve(dir: &Path, path: &str) -> Target {
    let relative = path.trim_start_matches('/');
    let admin = relative == "admin" || relative.starts_with("admin/");
    let segments: Vec<&str> = relative
        .split('/')
        .filter(|part| !part.is_empty())
        .collect();
    let plain = segments.iter().all(|segment| {
        !segment.starts_with('.')
            && segment
                .chars()
                .all(|character| character.is_ascii_alphanumeric() || "-_.".contains(character))
    });
    let Some(last) = segments.last() else {
        return Target::Index { admin };
    };
    if !plain {
        return Target::Index { admin };
    }
    let candidate = segments
        .iter()
        .fold(dir.to_path_buf(), |path, part| path.join(part));
    let is_variant = last.ends_with(".br") || last.ends_with(".gz");
    if candidate.is_file() && !is_variant {
        return Target::File(candidate);
    }
    if last.contains('.') {
        Target::Missing
    } else {
        Target::Index { admin }
    }
}

/// The file that answers a request, found on disk: the file itself, the precompressed
/// variant to send when the browser accepts one, and whether variants exist at all.
struct Located {
    file: PathBuf,
    variant: Option<(PathBuf, ContentEncoding)>,
    has_variants: bool,
}

/// Everything that touches the disk to decide what answers a path (a few `stat` calls),
/// done together so that it runs in one trip to the blocking pool; `None` for a missing
/// file.
fn locate(dir: &Path, path: &str, accepted: &str) -> Option<Located> {
    let file = match resolve(dir, path) {
        Target::File(file) => file,
        Target::Index { admin } => {
            // Without the administration's build, the family build serves /admin too.
            let admin_index = dir.join("admin").join("index.html");
            if admin && admin_index.is_file() {
                admin_index
            } else {
                dir.join("index.html")
            }
        }
        Target::Missing => return None,
    };
    let name = file
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default()
        .to_owned();
    let variant = [
        ("br", ContentEncoding::Brotli),
        ("gz", ContentEncoding::Gzip),
    ]
    .into_iter()
    .filter(|(_, encoding)| accepts(accepted, encoding.as_str()))
    .map(|(suffix, encoding)| (file.with_file_name(format!("{name}.{suffix}")), encoding))
    .find(|(path, _)| path.is_file());
    let has_variants = file.with_file_name(format!("{name}.gz")).is_file();
    Some(Located {
        file,
        variant,
        has_variants,
    })
}

fn not_found() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("Fichier introuvable.\n")
}

async fn answer(dir: &Path, request: &HttpRequest) -> HttpResponse {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "GET, HEAD"))
            .finish();
    }
    // A range of the compressed bytes is not a range of the file: ranges get the file.
    let accepted = request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .filter(|_| !request.headers().contains_key(header::RANGE))
        .unwrap_or_default()
        .to_owned();
    let (dir, path) = (dir.to_path_buf(), request.path().to_owned());
    let located = match web::block(move || locate(&dir, &path, &accepted)).await {
        Ok(Some(located)) => located,
        Ok(None) => return not_found(),
        Err(error) => {
            tracing::error!(%error, "blocking pool unavailable for a file of the web app");
            return HttpResponse::ServiceUnavailable().finish();
        }
    };
    match send_file(located, request).await {
        Ok(response) => response,
        Err((file, error)) => {
            tracing::error!(file = %file.display(), %error, "cannot serve a file of the web app");
            not_found()
        }
    }
}

/// Sends a located file, or its precompressed variant, with its caching policy.
async fn send_file(
    located: Located,
    request: &HttpRequest,
) -> Result<HttpResponse, (PathBuf, std::io::Error)> {
    let Located {
        file,
        variant,
        has_variants,
    } = located;
    let name = file
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or_default();
    let content_type = actix_files::file_extension_to_mime(
        file.extension()
            .and_then(|extension| extension.to_str())
            .unwrap_or_default(),
    );
    let opened = match variant {
        Some((path, encoding)) => NamedFile::open_async(path)
            .await
            .map(|named| named.set_content_encoding(encoding)),
        None => NamedFile::open_async(&file).await,
    };
    let named = match opened {
        Ok(named) => named,
        Err(error) => return Err((file, error)),
    };
    let mut response = named
        .set_content_type(content_type)
        .disable_content_disposition()
        .into_response(request);
    let headers = response.headers_mut();
    let cache = if is_content_hashed(name) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if has_variants {
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
    Ok(response)
}

/// Whether an `Accept-Encoding` value accepts `coding` (`q=0` refuses; `*` stands for
/// any coding not named).
fn accepts(accept_encoding: &str, coding: &str) -> bool {
    let mut wildcard = None;
    for item in accept_encoding.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let quality = parts
            .filter_map(|parameter| parameter.trim().strip_prefix("q="))
            .find_map(|value| value.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if name.eq_ignore_ascii_case(coding) {
            return quality > 0.0;
        }
        if name == "*" {
            wildcard = Some(quality > 0.0);
        }
    }
    wildcard.unwrap_or(false)
}

/// Whether trunk named the file after its content: `NAME-<hex hash>.EXT` or
/// `NAME-<hex hash>_bg.wasm` (trunk's hash is 64 bits in hex, leading zeros dropped).
fn is_content_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.chars().all(|digit| digit.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_is_read_with_its_qualities_and_wildcard() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("gzip, deflate, br, zstd", "gzip"));
        assert!(!accepts("gzip;q=1.0, br;q=0", "br"));
        assert!(accepts("gzip;q=1.0, br;q=0", "gzip"));
        assert!(accepts("*", "br"));
        assert!(!accepts("*;q=0", "gzip"));
        assert!(!accepts("identity", "gzip"));
        assert!(!accepts("", "br"));
    }

    #[test]
    fn only_trunk_s_hashed_names_are_immutable() {
        assert!(is_content_hashed("tutti-web-d693b2fffc5e7af_bg.wasm"));
        assert!(is_content_hashed("tutti-web-d693b2fffc5e7af.js"));
        assert!(is_content_hashed("main-2988fe2e07dc958a.css"));
        assert!(!is_content_hashed("index.html"));
        assert!(!is_content_hashed("start.js"));
        assert!(!is_content_hashed("tutti-web.js"));
        assert!(!is_content_hashed("favicon.svg"));
    }

    #[test]
    fn paths_map_to_files_client_routes_or_nothing() -> std::io::Result<()> {
        let dir = std::env::temp_dir().join(format!("tutti-spa-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("admin"))?;
        std::fs::write(dir.join("app-0123456789abcdef.js"), "x")?;
        std::fs::write(dir.join("app-0123456789abcdef.js.gz"), "x")?;
        std::fs::write(dir.join(".secret"), "x")?;

        let file = dir.join("app-0123456789abcdef.js");
        assert_eq!(
            resolve(&dir, "/app-0123456789abcdef.js"),
            Target::File(file)
        );
        assert_eq!(
            resolve(&dir, "/app-0123456789abcdef.js.gz"),
            Target::Missing
        );
        assert_eq!(resolve(&dir, "/famille"), Target::Index { admin: false });
        assert_eq!(
            resolve(&dir, "/eleves/12/cours"),
            Target::Index { admin: false }
        );
        assert_eq!(resolve(&dir, "/"), Target::Index { admin: false });
        assert_eq!(resolve(&dir, "/admin"), Target::Index { admin: true });
        assert_eq!(
            resolve(&dir, "/admin/familles/3"),
            Target::Index { admin: true }
        );
        assert_eq!(resolve(&dir, "/old-0123456789abcdef.js"), Target::Missing);
        assert_eq!(resolve(&dir, "/.secret"), Target::Index { admin: false });
        assert_eq!(
            resolve(&dir, "/../etc/passwd"),
            Target::Index { admin: false }
        );
        std::fs::remove_dir_all(&dir)
    }
}
