/* Small helpers for residents' pages. Written in plain ES5: WeChat's
   in-app browser on old phones runs old WebViews. Every page works without
   this file; it adds drafts that survive a lost connection, the map point
   and the photo count. */
(function () {
  'use strict';

  function randomKey() {
    var a = new Uint8Array(16);
    window.crypto.getRandomValues(a);
    var s = '';
    for (var i = 0; i < a.length; i++) { s += (a[i] + 256).toString(16).slice(1); }
    return s;
  }

  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function say(form, text) {
    var box = form.querySelector('[data-draft-status]');
    if (box) { box.textContent = text; box.hidden = !text; }
  }

  /* A draft is the form's text fields, kept on the phone under the form's
     address, with the key that makes the server accept it only once. */
  function setupDraft(form) {
    var ls = store();
    var slot = 'draft:' + form.getAttribute('action');
    var keyInput = form.querySelector('input[name="client_key"]');
    var sending = false;
    var waiting = false;

    function fields() {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.name && el.type !== 'file' && el.type !== 'submit' && el.name !== 'client_key';
      });
    }
    function save() {
      if (!ls) { return; }
      var data = { key: keyInput.value, values: {} };
      fields().forEach(function (el) {
        data.values[el.name] = (el.type === 'checkbox') ? el.checked : el.value;
      });
      ls.setItem(slot, JSON.stringify(data));
    }
    function restore() {
      var raw = ls && ls.getItem(slot);
      if (!raw) { keyInput.value = randomKey(); return; }
      try {
        var data = JSON.parse(raw);
        keyInput.value = data.key || randomKey();
        var restored = false;
        fields().forEach(function (el) {
          if (!(el.name in data.values)) { return; }
          var saved = data.values[el.name];
          if (el.type === 'checkbox') { el.checked = !!saved; }
          else if (el.tagName === 'SELECT') { if (saved && el.value !== saved) { el.value = saved; restored = true; } }
          else if (el.value === '' && saved) { el.value = saved; restored = true; }
        });
        if (restored) { say(form, '已恢复上次没有提交的草稿，请检查后提交。'); }
      } catch (e) { keyInput.value = randomKey(); }
    }
    function clear() { if (ls) { ls.removeItem(slot); } }

    function send() {
      if (sending) { return; }
      if (!navigator.onLine) { wait(); return; }
      sending = true;
      say(form, '正在提交……');
      fetch(form.getAttribute('action'), { method: 'POST', body: new FormData(form), credentials: 'same-origin' })
        .then(function (resp) {
          sending = false;
          if (resp.ok) {
            clear();
            window.location.href = resp.url;
          } else {
            /* The server refused it (a field to fix, a limit): let the
               browser show its message page; the draft stays saved. */
            form.submit();
          }
        }, function () {
          sending = false;
          wait();
        });
    }
    function wait() {
      save();
      waiting = true;
      say(form, '网络断开了。草稿已保存在手机上，联网后会自动提交，请不要重复提交。');
    }

    restore();
    form.addEventListener('input', save);
    form.addEventListener('change', save);
    form.addEventListener('submit', function (ev) {
      if (!window.fetch || !window.FormData) { return; }
      ev.preventDefault();
      if (!form.checkValidity || form.checkValidity()) { send(); }
    });
    window.addEventListener('online', function () { if (waiting) { waiting = false; send(); } });
    setInterval(function () { if (waiting && navigator.onLine) { waiting = false; send(); } }, 15000);
  }

  function setupLocate(button) {
    var form = button.form;
    button.hidden = !navigator.geolocation;
    button.addEventListener('click', function () {
      var out = form.querySelector('[data-locate-status]');
      out.textContent = '正在获取位置……';
      navigator.geolocation.getCurrentPosition(function (p) {
        form.querySelector('input[name="lat"]').value = p.coords.latitude.toFixed(6);
        form.querySelector('input[name="lng"]').value = p.coords.longitude.toFixed(6);
        out.textContent = '已记下当前位置';
      }, function () {
        out.textContent = '没有取得位置，可以只填写地点文字';
      }, { timeout: 10000 });
    });
  }

  function setupPhotos(input) {
    var max = parseInt(input.getAttribute('data-max') || '9', 10);
    input.addEventListener('change', function () {
      var out = input.form.querySelector('[data-photo-status]');
      if (input.files.length > max) {
        out.textContent = '最多选择' + max + '张照片，请重新选择';
        input.value = '';
      } else {
        out.textContent = input.files.length ? '已选择' + input.files.length + '张照片' : '';
      }
    });
  }

  function ready() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-draft]'), setupDraft);
    Array.prototype.forEach.call(document.querySelectorAll('button[data-locate]'), setupLocate);
    Array.prototype.forEach.call(document.querySelectorAll('input[data-max]'), setupPhotos);
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', ready); } else { ready(); }
})();
