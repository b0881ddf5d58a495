/* 登记表: the print button, "正在生成…" on slow downloads, and the import upload progress.
   No inline scripts (CSP); the texts shown come from the page, so they are translated there. */
(function () {
  "use strict";

  var SLOW_MS = 1000;

  function filenameOf(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=(?:UTF-8|utf-8)''([^;]+)/.exec(header);
    if (star) {
      try { return decodeURIComponent(star[1]); } catch (e) { /* fall through */ }
    }
    var plain = /filename="?([^";]+)"?/.exec(header);
    return plain ? plain[1] : fallback;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 30000);
  }

  function clearFailure(link) {
    var next = link.nextElementSibling;
    if (next && next.classList.contains("download-failed")) next.remove();
  }

  // A download link: fetch the file, and say "正在生成…" when it takes more than a second.
  function download(link) {
    if (link.getAttribute("aria-busy") === "true") return;
    var busy = link.querySelector(".busy");
    clearFailure(link);
    link.setAttribute("aria-busy", "true");
    var timer = setTimeout(function () { if (busy) busy.hidden = false; }, SLOW_MS);
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.blob().then(function (blob) {
          save(blob, filenameOf(response, "download"));
        });
      })
      .catch(function () {
        var note = document.createElement("span");
        note.className = "download-failed";
        note.setAttribute("role", "alert");
        note.textContent = link.getAttribute("data-failed") || "";
        link.insertAdjacentElement("afterend", note);
      })
      .finally(function () {
        clearTimeout(timer);
        if (busy) busy.hidden = true;
        link.removeAttribute("aria-busy");
      });
  }

  document.addEventListener("click", function (event) {
    var printer = event.target.closest("[data-print]");
    if (printer) {
      event.preventDefault();
      window.print();
      return;
    }
    var link = event.target.closest("a[data-download]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (!window.fetch || !window.URL || !URL.createObjectURL) return; // plain link then
    event.preventDefault();
    download(link);
  });

  // The import form (htmx): a progress bar for the upload, then "正在校验并导入…".
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("[data-import-form]");
    if (!form) return;
    var box = form.querySelector(".import-progress");
    var bar = box && box.querySelector("progress");
    var text = box && box.querySelector(".import-progress-text");
    if (!bar || !text) return;
    var detail = event.detail || {};
    if (!detail.lengthComputable || !detail.total) {
      bar.removeAttribute("value");
      return;
    }
    var percent = Math.round((detail.loaded / detail.total) * 100);
    bar.value = percent;
    text.textContent = percent >= 100
      ? box.getAttribute("data-processing")
      : box.getAttribute("data-uploading") + " " + percent + "%";
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest("[data-import-form]");
    var bar = form && form.querySelector(".import-progress progress");
    if (bar) bar.value = 0;
  });
})();
