// Starts the Tutti app. An external module rather than trunk's inline loader, so that the
// Content-Security-Policy can stay at script-src 'self' (plus 'wasm-unsafe-eval');
// scripts/finish-web.mjs removes trunk's inline loader from the built index.html.
//
// Trunk names the app's files after their content (tutti-web-<hash>.js), so that browsers
// may cache them for good, and announces them in index.html with the preload links it
// injects: this module finds them there. The same file starts the family build (/) and
// the administration's (/admin/).
const script = document.querySelector('link[rel="modulepreload"][href*="tutti-web"]');
const wasm = document.querySelector('link[rel="preload"][href$="_bg.wasm"]');

function failed() {
  const notice = document.getElementById("demarrage-statut");
  if (notice) {
    notice.textContent =
      "Le portail n'a pas pu démarrer. Rechargez la page ; si le problème persiste, " +
      "essayez un navigateur à jour (Firefox, Chrome, Edge ou Safari).";
  }
}

if (script && wasm) {
  // Fetched like the preload (same integrity, same credentials), so that the browser
  // uses the preloaded bytes instead of downloading the wasm a second time.
  const request = new Request(wasm.href, { integrity: wasm.integrity || "", credentials: "same-origin" });
  import(script.href)
    .then(({ default: init }) => init({ module_or_path: request }))
    .catch(failed);
} else {
  failed();
}
