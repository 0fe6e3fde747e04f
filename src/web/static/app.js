/* apicheck — small improvements on top of pages that work without
 * JavaScript (served as /static/app.js with defer; no inline script: the
 * Content-Security-Policy forbids it).
 *
 * - <form data-confirm="…">: ask before submitting.
 * - <select data-autosubmit>: submit the enclosing form on change.
 */
(function () {
  'use strict';
  document.addEventListener('submit', function (ev) {
    var f = ev.target;
    if (f instanceof HTMLFormElement && f.dataset.confirm && !window.confirm(f.dataset.confirm)) {
      ev.preventDefault();
    }
  });
  document.addEventListener('change', function (ev) {
    var el = ev.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
})();
