// Registers the service worker and tells the app when a new build is waiting.
// The app (WASM) reads window.__yilao_sw and listens for 'yilao-update-ready'.
(function () {
  // 退出登录 on a shared device: the charts an account saw go with it.
  window.addEventListener('yilao-signed-out', function () {
    if (window.caches) caches.delete('yilao-charts');
  });
  if (!('serviceWorker' in navigator)) {
    window.__yilao_sw = 'unsupported';
    return;
  }
  window.__yilao_sw = 'pending';
  var ready = function (reg) {
    window.__yilao_update = function () {
      window.__yilao_updating = true;
      if (reg.waiting) reg.waiting.postMessage('skipWaiting');
    };
    window.__yilao_update_ready = true;
    window.dispatchEvent(new Event('yilao-update-ready'));
  };
  // This page's bundle (the desks' is not precached): the worker keeps it.
  var keepBundle = function () {
    var urls = [];
    document.querySelectorAll('link[rel=modulepreload], link[rel=preload]').forEach(function (l) {
      var u = new URL(l.href, location.href);
      if (u.origin === location.origin && u.pathname.indexOf('/pkg/') === 0) urls.push(u.pathname);
    });
    navigator.serviceWorker.ready.then(function (r) {
      if (r.active && urls.length) r.active.postMessage({ keep: urls });
    });
  };
  navigator.serviceWorker.register('/sw.js').then(function (reg) {
    window.__yilao_sw = 'registered';
    keepBundle();
    window.__yilao_reg = reg;
    if (reg.waiting && navigator.serviceWorker.controller) ready(reg);
    reg.addEventListener('updatefound', function () {
      var w = reg.installing;
      if (!w) return;
      w.addEventListener('statechange', function () {
        if (w.state === 'installed' && navigator.serviceWorker.controller) ready(reg);
      });
    });
  }).catch(function () {
    window.__yilao_sw = 'failed';
    window.dispatchEvent(new Event('yilao-sw-failed'));
  });
  var reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', function () {
    if (window.__yilao_updating && !reloading) {
      reloading = true;
      location.reload();
    }
  });
})();
