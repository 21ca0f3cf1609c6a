// The handbook's page script: sidebar state, the current chapter in the
// sidebar, and arrow-key navigation. Plain JS, no dependencies, works from file://.
(function () {
  'use strict';
  var html = document.documentElement;
  var toggle = document.getElementById('sidebar-toggle');
  var KEY = 'handbook.sidebar';

  function store(k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }

  function setSidebar(open, remember) {
    html.classList.toggle('sidebar-hidden', !open);
    if (toggle) toggle.setAttribute('aria-expanded', String(open));
    if (remember) store(KEY, open ? 'open' : 'closed');
  }
  var narrow = window.matchMedia('(max-width: 60rem)').matches;
  setSidebar(narrow ? false : load(KEY) !== 'closed', false);
  if (toggle) toggle.addEventListener('click', function () {
    setSidebar(html.classList.contains('sidebar-hidden'), true);
  });

  // Mark the current chapter in the sidebar.
  var page = location.pathname.split('/').pop() || 'index.html';
  var links = document.querySelectorAll('#sidebar a[href]');
  var first = links.length ? links[0].getAttribute('href') : null;
  for (var i = 0; i < links.length; i++) {
    var href = links[i].getAttribute('href');
    if (href === page || (page === 'index.html' && href === first)) {
      links[i].classList.add('active');
      links[i].setAttribute('aria-current', 'page');
    }
  }

  // Left/right arrows go to the previous/next chapter, as in mdBook.
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName))) return;
    var rel = e.key === 'ArrowLeft' ? 'prev' : e.key === 'ArrowRight' ? 'next' : null;
    var a = rel && document.querySelector('.chapter-nav a[rel="' + rel + '"]');
    if (a) { e.preventDefault(); location.href = a.href; }
  });
})();
