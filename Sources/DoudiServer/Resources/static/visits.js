// 我的走访: a visit is kept on the phone first (local storage), with a key of its own, and sent when there is a
// network; the server stores a visit sent twice once. What is still waiting is shown until it is sent. Photos
// are made smaller on the phone first, so that a few visits with photos fit in local storage; the server makes
// them smaller again and strips them of their metadata.
(function () {
  'use strict';
  var QUEUE = 'doudi.visits.queue';
  var HOUSEHOLDS = 'doudi.visits.households';
  var form = document.getElementById('visit-form');
  if (!form) return;
  var pending = document.getElementById('pending');
  var status = document.getElementById('sync-status');
  var words = JSON.parse(document.getElementById('visit-words').textContent);
  var csrf = form.querySelector('input[name=_csrf]').value;

  var MOST = 3, SIDE = 1600;
  function load(name) { try { return JSON.parse(localStorage.getItem(name) || '[]'); } catch (e) { return []; } }
  function store(name, value) { localStorage.setItem(name, JSON.stringify(value)); }

  // A photo as a JPEG data URL at most SIDE pixels a side, turned upright as it is decoded (createImageBitmap needs
  // no URL, so the page's strict image policy stays as it is); the file as it is where the browser cannot decode
  // it (the server then says what is wrong with it).
  function shrink(file) {
    function asItIs() {
      return new Promise(function (resolve) { var r = new FileReader(); r.onload = function () { resolve(r.result); }; r.onerror = function () { resolve(null); }; r.readAsDataURL(file); });
    }
    if (!window.createImageBitmap) return asItIs();
    return createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (img) {
      var scale = Math.min(1, SIDE / Math.max(img.width, img.height));
      var c = document.createElement('canvas');
      c.width = Math.max(1, Math.round(img.width * scale)); c.height = Math.max(1, Math.round(img.height * scale));
      c.getContext('2d').drawImage(img, 0, 0, c.width, c.height);
      if (img.close) img.close();
      return c.toDataURL('image/jpeg', 0.85);
    }).catch(asItIs);
  }
  function blob(dataURL) {
    var parts = dataURL.split(','), bytes = atob(parts[1] || ''), a = new Uint8Array(bytes.length);
    for (var i = 0; i < bytes.length; i++) a[i] = bytes.charCodeAt(i);
    return new Blob([a], { type: (parts[0].match(/data:([^;]+)/) || [])[1] || 'application/octet-stream' });
  }
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var a = new Uint8Array(16); crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function say(text) { status.textContent = text; }

  // The households of the page, kept for a page opened later without a network.
  var options = Array.prototype.map.call(form.querySelectorAll('#v_household option'), function (o) { return { id: o.value, name: o.textContent }; });
  if (options.length) store(HOUSEHOLDS, options);
  function nameOf(id) {
    var h = load(HOUSEHOLDS).filter(function (x) { return x.id === id; })[0];
    return h ? h.name : id;
  }

  function render() {
    var q = load(QUEUE);
    pending.textContent = '';
    q.forEach(function (v) {
      var li = document.createElement('li');
      var photos = v.photos && v.photos.length ? ' · ' + words.photoCount.replace('%d', v.photos.length) : '';
      li.textContent = nameOf(v.householdId) + ' · ' + v.date + photos + ' · ' + (v.error ? v.error : v.user === words.user ? words.waiting : words.otherUser + v.user);
      if (v.error) {
        var drop = document.createElement('button');
        drop.type = 'button'; drop.className = 'secondary'; drop.textContent = words.drop;
        drop.addEventListener('click', function () { store(QUEUE, load(QUEUE).filter(function (x) { return x.key !== v.key; })); render(); });
        li.appendChild(document.createTextNode(' ')); li.appendChild(drop);
      }
      pending.appendChild(li);
    });
    document.getElementById('pending-count').textContent = String(q.length);
    document.getElementById('pending-box').hidden = q.length === 0;
  }

  function send(v) {
    // With photos the body is multipart, as the form without the script sends it.
    var body = v.photos && v.photos.length ? new FormData() : new URLSearchParams();
    ['householdId', 'date', 'met', 'findings', 'needs', 'key'].forEach(function (k) { body.append(k, v[k] || ''); });
    (v.photos || []).forEach(function (p, i) { body.append('photos', blob(p), 'photo-' + (i + 1) + '.jpg'); });
    if (v.hardship) body.append('hardship', '1');
    (v.riskKinds || []).forEach(function (k) { body.append('riskKinds', k); });
    body.append('_csrf', csrf);
    return fetch('/visits', { method: 'POST', body: body, credentials: 'same-origin', redirect: 'manual', headers: { Accept: 'application/json' } });
  }

  var sending = false;
  function flush() {
    if (sending || !navigator.onLine) { if (!navigator.onLine && load(QUEUE).length) say(words.offline); return; }
    // Only this account's visits are sent with its session: a phone shared by two cadres keeps each one's apart.
    var q = load(QUEUE).filter(function (v) { return !v.error && v.user === words.user; });
    if (!q.length) return;
    sending = true;
    say(words.sending);
    var sent = 0;
    (function next(i) {
      if (i >= q.length) { sending = false; say(sent ? words.sent.replace('%d', sent) : ''); return; }
      var v = q[i];
      send(v).then(function (r) {
        if (r.type === 'opaqueredirect' || r.status === 401 || r.status === 403) { sending = false; say(words.signIn); return; }
        return r.json().catch(function () { return {}; }).then(function (answer) {
          var rest = load(QUEUE);
          if (r.ok) { rest = rest.filter(function (x) { return x.key !== v.key; }); sent += 1; }
          else if (r.status >= 400 && r.status < 500) { rest.forEach(function (x) { if (x.key === v.key) x.error = answer.message || words.refused; }); }
          else { sending = false; say(words.later); store(QUEUE, rest); render(); return; }
          store(QUEUE, rest); render(); next(i + 1);
        });
      }, function () { sending = false; say(words.offline); });
    })(0);
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (!form.reportValidity()) return;
    var files = Array.prototype.slice.call(form.photos.files || []);
    if (files.length > MOST) { say(words.tooMany); return; }
    Promise.all(files.map(shrink)).then(function (photos) {
      var v = {
        key: newKey(), user: words.user, householdId: form.householdId.value, date: form.date.value, met: form.met.value, findings: form.findings.value,
        needs: form.needs.value, hardship: form.hardship.checked, photos: photos.filter(Boolean),
        riskKinds: Array.prototype.map.call(form.querySelectorAll('input[name=riskKinds]:checked'), function (c) { return c.value; })
      };
      var q = load(QUEUE); q.push(v);
      // The form stays filled in when the phone cannot keep the visit: nothing the cadre wrote is lost.
      try { store(QUEUE, q); } catch (e) { say(words.room); return; }
      var date = form.date.value;
      form.reset(); form.date.value = date;
      render();
      say(navigator.onLine ? words.sending : words.offline);
      flush();
    });
  });

  window.addEventListener('online', flush);
  window.addEventListener('offline', function () { if (load(QUEUE).length) say(words.offline); });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/visits' }).then(function () {
      // The page as it is now, kept for the next time there is no network.
      if (navigator.onLine && window.caches) caches.open('doudi-visits-1').then(function (c) { return c.add('/visits'); }).catch(function () {});
    }).catch(function () {});
  }
  render();
  flush();
})();
