// An upload's progress: a form marked data-progress is sent by XMLHttpRequest, its <progress> shows the bytes
// sent, then a note while the server checks the files; the server's answer replaces the page. Without this
// script the form is sent as usual.
document.querySelectorAll("form[data-progress]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    var bar = form.querySelector("progress"), note = form.querySelector(".progress-note");
    if (!bar || !window.FormData) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    bar.hidden = false; bar.value = 0;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) return;
      bar.max = e.total; bar.value = e.loaded;
      if (note) note.textContent = note.dataset.sending + " " + Math.round(e.loaded * 100 / e.total) + "%";
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value");
      if (note) note.textContent = note.dataset.checking;
    };
    xhr.onload = function () {
      document.open(); document.write(xhr.responseText); document.close();
    };
    xhr.onerror = function () {
      if (note) note.textContent = note.dataset.failed;
      if (button) button.disabled = false;
    };
    xhr.send(new FormData(form));
  });
});
