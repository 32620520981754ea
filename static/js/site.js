/* Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can
   forbid inline script. */
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    var language = document.getElementById("language-select");
    if (language) {
      language.addEventListener("change", function () { language.form.submit(); });
    }
  });
})();
