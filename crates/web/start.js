// Starts the Tutti app. An external module rather than trunk's inline loader, so that the
// Content-Security-Policy can stay at script-src 'self' (plus 'wasm-unsafe-eval').
// Relative addresses: the same file starts the family build (/) and the administration's
// (/admin/), each beside its own wasm.
import init from "./tutti-web.js";

init({ module_or_path: new URL("./tutti-web_bg.wasm", import.meta.url) }).catch(() => {
  const notice = document.getElementById("demarrage");
  if (notice) {
    notice.textContent =
      "Le portail n'a pas pu démarrer. Rechargez la page ; si le problème persiste, " +
      "essayez un navigateur à jour (Firefox, Chrome, Edge ou Safari).";
  }
});
