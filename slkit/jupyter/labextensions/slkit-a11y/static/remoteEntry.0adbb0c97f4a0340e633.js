/* slkit-a11y: the Social Leadership Workshop Kit's accessibility script for JupyterLab.
   Built by `python -m slkit.labextension` from slkit/jupyter/voila/templates/slkit/a11y.js: edit that, not this. */
var _JUPYTERLAB;
(function () {
  var plugin = {
    id: 'slkit-a11y:plugin',
    description: 'Roles, names, radio groups and step focus for the kit\'s pages in JupyterLab',
    autoStart: true,
    activate: function () {
/* ---- a11y.js ---- */
/* The kit's accessibility layer: what ipywidgets leaves out for assistive technology, added to the
   kit's pages as their widgets appear. One script for both places a page runs: the Voila page
   template includes it, and the JupyterLab extension in slkit/jupyter/labextensions is built from
   it (python -m slkit.labextension), so a module studied alone in JupyterLab behaves as it does
   in a workshop.
   - a row of toggle buttons (rating scales, SWOT quadrants, TOWS cells, the console's choices)
     becomes a radio group named by its question: one tab stop, arrow keys move and choose,
     the choice exposed as checked (not by colour alone);
   - a list of radio buttons gets one name (one tab stop, arrows) and its question as its name;
   - a list of check boxes becomes a group named by its question;
   - icon glyphs are hidden from names ("Start", not "\uf04b Start"), and a button showing only
     a symbol ("+", "−") is named by its tooltip;
   - after Next or Back the new step's heading comes into view and takes the focus; after a Next
     refused for a text that cannot be saved as it is, that field does.
   In Voila the page is #rendered_cells; in JupyterLab each of the kit's pages (.slk-page) in a
   notebook's output, which also gets the language it is written in. */
(function () {
  if (window.slkA11y) return;
  window.slkA11y = true;
  var WORDS = { en: { scrolls: 'table, scrolls sideways' }, nb: { scrolls: 'tabell, rull sidelengs' } };
  function say(el, key) {
    var at = el.closest('[lang]');
    return WORDS[/^(nb|no|nn)/.test(at ? at.getAttribute('lang') : '') ? 'nb' : 'en'][key];
  }
  var uid = 0;
  function idOf(el) { if (!el.id) el.id = 'slk-a' + (++uid); return el.id; }
  function roots() {
    var cells = document.getElementById('rendered_cells');
    return cells ? [cells] : Array.prototype.slice.call(document.querySelectorAll('.slk-page'));
  }
  function question(widget) {
    for (var el = widget.previousElementSibling; el; el = el.previousElementSibling) {
      var q = el.matches('.item-text') ? el : el.querySelector('.item-text');
      if (q && q.textContent.trim()) return q;
    }
    return null;
  }
  function name(group, widget) {
    var own = widget.querySelector(':scope > .widget-label');
    var q = question(widget);
    // A row of toggle buttons keeps its tooltip on its hidden label.
    var title = widget.getAttribute('title') || (own && own.getAttribute('title'));
    if (own && own.textContent.trim() && own.offsetParent !== null) group.setAttribute('aria-labelledby', idOf(own));
    else if (title && title !== 'null') group.setAttribute('aria-label', title);
    else if (q) group.setAttribute('aria-labelledby', idOf(q));
    var ends = widget.parentElement && widget.parentElement.querySelector(':scope > .widget-html .scale-ends');
    if (ends) group.setAttribute('aria-describedby', idOf(ends));
    if (title === 'null') widget.removeAttribute('title');
  }
  function toggles(widget) {
    var row = widget.querySelector(':scope > div');
    var buttons = Array.prototype.slice.call(widget.querySelectorAll('button.widget-toggle-button'));
    if (!row || !buttons.length) return;
    row.setAttribute('role', 'radiogroup');
    name(row, widget);
    var checked = buttons.filter(function (b) { return b.classList.contains('mod-active'); })[0];
    buttons.forEach(function (b, i) {
      if (b.getAttribute('role') !== 'radio') b.setAttribute('role', 'radio');
      var on = String(b === checked);
      if (b.getAttribute('aria-checked') !== on) b.setAttribute('aria-checked', on);
      var tab = (checked ? b === checked : i === 0) ? '0' : '-1';
      if (b.getAttribute('tabindex') !== tab) b.setAttribute('tabindex', tab);
    });
    if (row.slkKeys) return;
    row.slkKeys = true;
    // (JupyterLab would take the arrow keys for moving between cells: the group keeps them.)
    row.setAttribute('data-lm-suppress-shortcuts', 'true');
    row.addEventListener('keydown', function (e) {
      var list = Array.prototype.slice.call(row.querySelectorAll('button.widget-toggle-button:not([disabled])'));
      var i = list.indexOf(document.activeElement);
      if (i < 0) return;
      var to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: list.length - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      e.stopPropagation();
      var b = list[(to + list.length) % list.length];
      b.focus();
      b.click();
    });
  }
  function radios(widget) {
    var box = widget.querySelector('.widget-radio-box');
    if (!box) return;
    box.setAttribute('role', 'radiogroup');
    box.setAttribute('data-lm-suppress-shortcuts', 'true');
    name(box, widget);
    var group = idOf(box);
    box.querySelectorAll('input[type=radio]').forEach(function (r) { if (r.name !== group) r.name = group; });
  }
  function checks(choice) {
    var q = choice.querySelector('.item-text');
    if (!choice.querySelector('.widget-checkbox') || !q) return;
    choice.setAttribute('role', 'group');
    choice.setAttribute('aria-labelledby', idOf(q));
  }
  /* A text, date or choice field is named by its question (ipywidgets gives it an empty hidden
     label, which wins over the placeholder), and described by its character count. */
  function fields(root) {
    root.querySelectorAll('.widget-text input, .widget-textarea textarea, .widget-datepicker input, .widget-dropdown select, ' +
                          '.widget-inline-hbox input[type=number]').forEach(function (f) {
      if (f.getAttribute('aria-labelledby') || (f.getAttribute('aria-label') || '').trim()) return;
      var widget = f.closest('.jupyter-widgets') || f.parentElement;
      var own = widget.querySelector(':scope > label.widget-label');
      // A field the page names by its tooltip (one of many alike); ipywidgets puts it on the widget,
      // its hidden label or the field itself.
      var tip = widget.getAttribute('title') || (own && own.getAttribute('title')) || f.getAttribute('title');
      if (tip && tip !== 'null') { f.setAttribute('aria-label', tip); return; }
      if (own && own.textContent.trim() && getComputedStyle(own).display !== 'none') return;  // its own label names it
      var q = question(widget) || (widget.parentElement && question(widget.parentElement));
      var ph = (f.getAttribute('placeholder') || '').replace(/[\u200b\s]/g, '');
      // (aria-label too: axe judges a label scrolled out of Voila's box as not visible)
      if (q) { f.setAttribute('aria-labelledby', idOf(q)); f.setAttribute('aria-label', q.textContent.trim()); }
      else if (ph) f.setAttribute('aria-label', f.getAttribute('placeholder').trim());
      var next = widget.nextElementSibling, state = next && next.querySelector('.field-state');
      if (state && !f.getAttribute('aria-describedby')) f.setAttribute('aria-describedby', idOf(next));
    });
  }
  /* A table wider than the screen scrolls sideways: the keyboard can scroll it too (a tab stop,
     named by the heading above it). */
  function scrollers(root) {
    root.querySelectorAll('.slk .scroll').forEach(function (s) {
      var wide = s.scrollWidth > s.clientWidth + 1;
      if (wide && s.getAttribute('tabindex') !== '0') {
        var h = s.previousElementSibling;
        while (h && !/^H[2-5]$/.test(h.tagName)) h = h.previousElementSibling;
        s.setAttribute('tabindex', '0');
        s.setAttribute('role', 'region');
        s.setAttribute('aria-label', (h ? h.textContent.trim() + ': ' : '') + say(s, 'scrolls'));
      } else if (!wide && s.getAttribute('tabindex') === '0') {
        s.removeAttribute('tabindex'); s.removeAttribute('role'); s.removeAttribute('aria-label');
      }
    });
  }
  function buttonNames(root) {
    root.querySelectorAll('button i.fa:not([aria-hidden])').forEach(function (i) { i.setAttribute('aria-hidden', 'true'); });
    root.querySelectorAll('button[title]').forEach(function (b) {
      var t = b.getAttribute('title');
      if (t === 'null') { b.removeAttribute('title'); return; }
      // A button showing only a symbol, or one the page marks as named by its tooltip ("Hide" beside
      // one of many answers: "Hide: …" says which), is named by its tooltip.
      var named = b.classList.contains('slk-named') || !/[A-Za-z0-9\u00C0-\u024F]/.test(b.textContent);
      if (named && t && b.getAttribute('aria-label') !== t) b.setAttribute('aria-label', t);
    });
  }
  /* A page in JupyterLab says which language it is written in (the notebook around it is
     JupyterLab's), so a screen reader reads Norwegian as Norwegian. */
  function language(root) {
    var m = /(?:^| )slk-lang-([a-z]+)/.exec(root.className);
    if (m && root.getAttribute('lang') !== m[1]) root.setAttribute('lang', m[1]);
  }
  /* The page asks for the focus through its step title (data-focus: a number that grows with each
     request, and what to focus): the new step's heading, or the field holding a refused text. */
  function steps(root) {
    root.querySelectorAll('.slk-step-title').forEach(function (title) {
      var ask = title.querySelector('[data-focus]');
      if (!ask) return;
      var n = ask.getAttribute('data-focus');
      if (title.slkFocus === undefined || title.slkFocus === n) { title.slkFocus = n; return; }
      title.slkFocus = n;
      var flow = title.parentElement;
      if (ask.getAttribute('data-focus-on') === 'refused') {
        var s = flow.querySelector('.field-state.msg-error');
        var w = s && s.closest('.widget-html');
        var f = w && w.previousElementSibling && w.previousElementSibling.querySelector('input,textarea');
        if (f) { f.scrollIntoView({ block: 'center' }); f.focus(); }
        return;
      }
      var h = title.querySelector('h2');
      if (!h) return;
      h.setAttribute('tabindex', '-1');
      title.scrollIntoView({ block: 'start' });  // "Step 2 of 5" above the heading in view too
      h.focus({ preventScroll: true });
      // What the step left (a long body, the module's opening text) may go after this pass and
      // move the heading out of view: it is kept at the top while the step settles.
      settling = { h: h, title: title, top: title.getBoundingClientRect().top, until: Date.now() + 2000 };
    });
  }
  var settling = null;
  function settle() {
    if (!settling) return;
    var h = settling.h;
    if (Date.now() > settling.until || !h.isConnected || document.activeElement !== h) { settling = null; return; }
    if (Math.abs(settling.title.getBoundingClientRect().top - settling.top) > 2) settling.title.scrollIntoView({ block: 'start' });
  }
  /* A list re-sorted after a vote (or a button disabled under the finger) must not drop the
     focus to the page's start: it goes back to the same button, or its neighbour. */
  var held = null;
  function keyOf(b) { return b.getAttribute('aria-label') || b.getAttribute('title') || b.textContent; }
  document.addEventListener('focusin', function (e) {
    var b = e.target;
    held = b && b.matches && b.matches('button') && b.closest('#rendered_cells, .slk-page') ? { el: b, key: keyOf(b) } : null;
  });
  function refocus(root) {
    var gone = held && (!held.el.isConnected || held.el.disabled);
    if (!gone || !root.contains(held.el) && held.el.isConnected) return;
    if (document.activeElement && document.activeElement !== document.body && document.activeElement !== held.el) return;
    var same = Array.prototype.filter.call(root.querySelectorAll('button'), function (b) { return keyOf(b) === held.key; })[0];
    var to = same && !same.disabled ? same : null;
    if (!to && same) to = Array.prototype.filter.call(same.parentElement.querySelectorAll('button'), function (b) { return !b.disabled; })[0];
    if (to) to.focus();
  }
  var queued = false;
  function pass() {
    queued = false;
    roots().forEach(function (root) {
      language(root);
      root.querySelectorAll('.widget-toggle-buttons').forEach(toggles);
      root.querySelectorAll('.widget-radio').forEach(radios);
      root.querySelectorAll('.slk-choice').forEach(checks);
      fields(root);
      scrollers(root);
      buttonNames(root);
      steps(root);
      refocus(root);
    });
    settle();
  }
  function later() { if (!queued) { queued = true; requestAnimationFrame(pass); } }
  function start() {
    pass();
    new MutationObserver(later).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'title', 'disabled', 'data-focus'] });
  }
  window.addEventListener('resize', later);
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
/* ---- end of a11y.js ---- */
    }
  };
  _JUPYTERLAB = typeof _JUPYTERLAB === 'undefined' ? {} : _JUPYTERLAB;
  _JUPYTERLAB['slkit-a11y'] = {
    init: function () { return Promise.resolve(); },
    get: function (module) {
      if (module !== './extension') return Promise.reject(new Error('slkit-a11y has no module ' + module));
      return Promise.resolve(function () { return { __esModule: true, default: plugin }; });
    }
  };
})();
