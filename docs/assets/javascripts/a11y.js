// Accessibility fixes for markup that Material's JavaScript creates at run
// time (hooks/a11y.py fixes the markup written at build time). Checked by
// tests/quality/test_axe.py on every page, both schemes, desktop and phone,
// and by tests/quality/test_axe_states.py in the states a reader opens.

// Material appends each glossary tooltip to <body> on hover or focus, outside
// every landmark (axe: region). It is positioned against the page, so moved
// into <main> it shows at the same place; Material removes it as before.
new MutationObserver(function (records) {
  var main = document.querySelector("main")
  records.forEach(function (record) {
    record.addedNodes.forEach(function (node) {
      if (main && node.classList && node.classList.contains("md-tooltip2")) main.append(node)
    })
  })
}).observe(document.body, { childList: true })

// Each code block gets <nav class="md-code__nav"> around its copy button:
// several unnamed navigation landmarks per page (axe: landmark-unique).
// With content.lazy (mkdocs.yml), Material adds it when the block first
// comes into view, so new ones are caught as they are added.
var CODE_NAV = "nav.md-code__nav"
var unnav = function (nav) { nav.setAttribute("role", "none") }
new MutationObserver(function (records) {
  records.forEach(function (record) {
    record.addedNodes.forEach(function (node) {
      if (node.matches && node.matches(CODE_NAV)) unnav(node)
    })
  })
}).observe(document.body, { childList: true, subtree: true })

document$.subscribe(function () {
  document.querySelectorAll(CODE_NAV).forEach(unnav)
  // Wide tables scroll inside .md-typeset__scrollwrap: let the keyboard
  // reach them (axe: scrollable-region-focusable).
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
    wrap.tabIndex = 0
  })
  // Material makes a scrollable code block focusable only where the device
  // can hover, only once it mounts the block (with content.lazy, when the
  // block first comes into view: mkdocs.yml; Tab would skip the blocks below),
  // and takes tabindex away again on every resize. Keep every scrollable
  // block focusable from the start, on touch screens too (a phone with a
  // keyboard, a screen reader).
  var CODE = ".highlight pre > code"
  var scrollable = function (code) {
    return code.scrollWidth > code.clientWidth
  }
  var blocks = Array.prototype.slice.call(document.querySelectorAll(CODE))
  var update = function () {  // read all, then write
    blocks.filter(scrollable).forEach(function (code) { code.tabIndex = 0 })
  }
  update()
  // A block can start to scroll later (the phone turns to portrait).
  addEventListener("resize", function () { requestAnimationFrame(update) }, { passive: true })
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      var code = record.target
      if (code.matches(CODE) && !code.hasAttribute("tabindex") && scrollable(code))
        code.tabIndex = 0
    })
  }).observe(document.body, { subtree: true, attributeFilter: ["tabindex"] })
})
