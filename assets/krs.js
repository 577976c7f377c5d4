// KRS browser helpers: evidence upload with progress, drag and drop onto the file box.
(function () {
  "use strict";

  function setProgress(fraction) {
    var bar = document.getElementById("evidence-progress");
    if (!bar) return;
    bar.style.display = fraction === null ? "none" : "block";
    if (fraction !== null) bar.value = Math.round(fraction * 100);
  }

  // Upload the chosen file with its description to `url` (routes.EVIDENCE_UPLOAD); resolves to {ok, message}.
  // Every submit is safe to press twice (services/idempotency.py): one request id per chosen
  // file, sent with the upload; while an upload runs, a second click waits for the same answer.
  function newRequestId() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2, 12);
  }
  window.krsNewRequestId = newRequestId; // also for krsPostFile below (another scope)
  var runningUpload = null;

  window.krsUpload = function (url, indicatorId, roundId, maxBytes) {
    if (runningUpload) return runningUpload;
    var button = document.getElementById("evidence-submit");
    if (button) button.disabled = true;
    runningUpload = startUpload(url, indicatorId, roundId, maxBytes).then(function (answer) {
      runningUpload = null;
      if (button) button.disabled = false;
      return answer;
    });
    return runningUpload;
  };

  function startUpload(url, indicatorId, roundId, maxBytes) {
    return new Promise(function (resolve) {
      var input = document.getElementById("evidence-file");
      var descriptionBox = document.getElementById("evidence-description");
      var file = input && input.files && input.files[0];
      var description = descriptionBox ? descriptionBox.value.trim() : "";
      if (!file) { resolve({ ok: false, message: "กรุณาเลือกไฟล์ก่อน (Choose File)" }); return; }
      if (!description) { resolve({ ok: false, message: "กรุณาพิมพ์คำอธิบายไฟล์" }); return; }
      if (maxBytes && file.size > maxBytes) {
        resolve({ ok: false, message: "ไฟล์มีขนาดเกิน " + Math.floor(maxBytes / 1048576) + " MB ที่ระบบรับได้" });
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url + "?indicator=" + encodeURIComponent(indicatorId) + "&round=" + encodeURIComponent(roundId || ""));
      xhr.setRequestHeader("X-KRS-Upload", "1");
      if (!input.dataset.requestId) input.dataset.requestId = newRequestId();
      xhr.setRequestHeader("X-Request-Id", input.dataset.requestId);
      xhr.setRequestHeader("X-Filename", encodeURIComponent(file.name));
      xhr.setRequestHeader("X-Description", encodeURIComponent(description));
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) setProgress(event.loaded / event.total);
      };
      xhr.onload = function () {
        setProgress(null);
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
        if (xhr.status === 200 && body.ok) {
          input.value = "";
          delete input.dataset.requestId;
          descriptionBox.value = "";
          var label = document.getElementById("evidence-chosen");
          if (label) label.textContent = "";
        }
        resolve({ ok: xhr.status === 200 && !!body.ok, message: body.message || ("อัปโหลดไม่สำเร็จ (" + xhr.status + ")") });
      };
      xhr.onerror = function () { setProgress(null); resolve({ ok: false, message: "เชื่อมต่อเครื่องแม่ข่ายไม่ได้ กรุณาลองใหม่" }); };
      setProgress(0);
      xhr.send(file);
    });
  }

  function showChosen(input) {
    var label = document.getElementById("evidence-chosen");
    if (label) label.textContent = input.files && input.files[0] ? input.files[0].name : "";
  }

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "evidence-file") {
      event.target.dataset.requestId = newRequestId();
      showChosen(event.target);
    }
  });
  document.addEventListener("dragover", function (event) {
    var zone = event.target && event.target.closest && event.target.closest("#evidence-drop");
    if (zone) { event.preventDefault(); zone.classList.add("krs-drop-active"); }
  });
  document.addEventListener("dragleave", function (event) {
    var zone = event.target && event.target.closest && event.target.closest("#evidence-drop");
    if (zone) zone.classList.remove("krs-drop-active");
  });
  document.addEventListener("drop", function (event) {
    var zone = event.target && event.target.closest && event.target.closest("#evidence-drop");
    if (!zone) return;
    event.preventDefault();
    zone.classList.remove("krs-drop-active");
    var input = document.getElementById("evidence-file");
    if (input && event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showChosen(input);
    }
  });
})();

// File imports with a preview (ข้อมูลส่วนกลาง, and /admin's catalogue, accounts and offices): post
// the file chosen in the input `inputId` (default #central-file) to `url` as the raw body and
// resolve the server's JSON answer (the preview, with ok and message), or {ok: false, message};
// the answer names the input it came from (`input`), so the page shows it at that field.
(function () {
  "use strict";

  window.krsPostFile = function (url, maxBytes, inputId) {
    inputId = inputId || "central-file";
    return new Promise(function (done) {
      var resolve = function (body) { body.input = inputId; done(body); };
      var input = document.getElementById(inputId);
      var file = input && input.files && input.files[0];
      if (!file) { resolve({ ok: false, message: "กรุณาเลือกไฟล์ก่อน (.xlsx หรือ .csv)" }); return; }
      if (maxBytes && file.size > maxBytes) {
        resolve({ ok: false, message: "ไฟล์มีขนาดเกิน " + Math.floor(maxBytes / 1048576) + " MB ที่ระบบรับได้" });
        return;
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("X-KRS-Upload", "1");
      if (!input.dataset.requestId) input.dataset.requestId = window.krsNewRequestId();
      xhr.setRequestHeader("X-Request-Id", input.dataset.requestId);
      xhr.setRequestHeader("X-Filename", encodeURIComponent(file.name));
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (!body || typeof body !== "object") body = {};
        if (xhr.status !== 200) body.ok = false;
        body.ok = !!body.ok;
        if (!body.message) body.message = body.ok ? "" : "ตรวจสอบไฟล์ไม่สำเร็จ (" + xhr.status + ")";
        resolve(body);
      };
      xhr.onerror = function () { resolve({ ok: false, message: "เชื่อมต่อเครื่องแม่ข่ายไม่ได้ กรุณาลองใหม่" }); };
      xhr.send(file);
    });
  }
})();

// Typed but not yet saved (บันทึกข้อมูล): what is typed into an entry cell (#value-{indicator}-{variable})
// is kept in this tab's sessionStorage until the server shows it saved, put back into its cell after a
// reload or a new login in the same tab, and the page warns before it is left with such a cell.
// Keys: krs-draft|{username}|{round}|{cell id} (from #entry-drafts, rendered by the server), so one
// user's typing is never offered to another; another user's drafts are dropped, and every draft on logout.
(function () {
  "use strict";
  var PREFIX = "krs-draft|";
  function scope() {
    var el = document.getElementById("entry-drafts");
    return el && el.dataset.user && el.dataset.round ? PREFIX + el.dataset.user + "|" + el.dataset.round + "|" : null;
  }
  function isCell(el) { return el && el.tagName === "INPUT" && /^value-/.test(el.id || "") && !el.readOnly; }
  function norm(text) {
    return String(text || "").replace(/[\u0E50-\u0E59]/g, function (d) { return String(d.charCodeAt(0) - 0x0E50); })
      .replace(/[\s,]/g, "");
  }
  function keys() { var out = []; for (var i = 0; i < sessionStorage.length; i++) out.push(sessionStorage.key(i)); return out; }
  function drop(prefix) { keys().forEach(function (k) { if (k.indexOf(prefix) === 0) sessionStorage.removeItem(k); }); }
  function mark(input, on) {
    input.classList.toggle("krs-cell-draft", on);
    if (on) input.setAttribute("data-unsaved", "true"); else input.removeAttribute("data-unsaved");
  }
  function restore() {
    var base = scope();
    if (!base) return;
    keys().forEach(function (k) {  // another user's typing in this tab is never kept for this one
      if (k.indexOf(PREFIX) === 0 && k.indexOf(base.split("|").slice(0, 2).join("|") + "|") !== 0) sessionStorage.removeItem(k);
    });
    document.querySelectorAll("input[id^='value-']").forEach(function (input) {
      var draft = sessionStorage.getItem(base + input.id);
      if (draft === null || !isCell(input)) return;
      if (norm(draft) === norm(input.defaultValue)) { sessionStorage.removeItem(base + input.id); mark(input, false); return; }
      if (document.activeElement !== input && input.value !== draft) input.value = draft;
      input.title = "ค่าที่พิมพ์ไว้ยังไม่ได้บันทึก: กด Enter หรือออกจากช่องเพื่อบันทึก";
      mark(input, true);
    });
  }
  document.addEventListener("input", function (event) {
    var base = scope();
    if (base && isCell(event.target)) {
      sessionStorage.setItem(base + event.target.id, event.target.value);
      mark(event.target, true);
    }
  });
  document.addEventListener("focusout", function (event) {  // left unchanged: nothing to keep
    var base = scope();
    if (base && isCell(event.target) && norm(event.target.value) === norm(event.target.defaultValue)) {
      sessionStorage.removeItem(base + event.target.id);
      mark(event.target, false);
    }
  });
  new MutationObserver(function (changes) {
    var base = scope();
    if (!base) return;
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {  // the server's saved mark: that cell's draft is stored
        var saved = node.nodeType === 1 && (/^saved-/.test(node.id) ? node : node.querySelector && node.querySelector("[id^='saved-']"));
        if (saved) sessionStorage.removeItem(base + saved.id.replace(/^saved-/, "value-"));
      });
    });
    restore();
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("submit", function (event) {
    if ((event.target.getAttribute("action") || "").indexOf("/api/logout") !== -1) drop(PREFIX);
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector("input[data-unsaved='true']")) { event.preventDefault(); event.returnValue = ""; }
  });
})();

// Dialogs give focus back to what opened them (WCAG 2.4.3). The app's dialogs are opened by the
// page state (open=...), not by a Radix trigger, and the button that was pressed is often drawn
// anew while the dialog is open, so Radix can only send focus to the top of the page. Here the
// last control focused outside any dialog is remembered (by id when it has one, so its redrawn
// twin is found); when the last dialog closes and focus fell to the page, it goes back there.
(function () {
  "use strict";
  var DIALOG = "[role=dialog], [role=alertdialog]";
  var opener = null; // {id, element}

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || target.closest(DIALOG)) return;
    if (target === document.body) return;
    opener = { id: target.id || "", element: target };
  }, true);

  function restore() {
    if (!opener || document.querySelector(DIALOG)) return;
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) return;
    var element = opener.id ? document.getElementById(opener.id) : null;
    if (!element && opener.element && opener.element.isConnected) element = opener.element;
    if (element && typeof element.focus === "function") element.focus({ preventScroll: false });
  }

  var dialogWasOpen = false;
  new MutationObserver(function () {
    var open = !!document.querySelector(DIALOG);
    if (dialogWasOpen && !open) {
      // after Radix's own focus handling on close, which runs in the same tick
      setTimeout(restore, 0);
      setTimeout(restore, 120);
    }
    dialogWasOpen = open;
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
