// Streamlit's own interface strings in Chinese.
//
// Streamlit has no setting for the language of its own interface: the "Page not found" dialog,
// the status widget ("Running…", "Stop"), the options list of a select box ("No results"), tooltips
// and menus are English. The app avoids most of them by its choice of elements (its tables, charts
// and copy buttons are its own markup); this module translates the rest where they appear, by
// watching the page (a MutationObserver) and replacing known English texts and attributes.
// Only whole, known strings are replaced, and only outside the app's own markup (.pkb-links).
// Used by ui/common.py: chrome() (data: {strings: [[english, chinese], …], patterns: [[regex, chinese], …]}).

const INSTALLED = "__pkbChrome";
const ATTRS = ["title", "aria-label", "placeholder"];

function translator(data) {
  const exact = new Map(data.strings || []);
  const patterns = (data.patterns || []).map(([re, to]) => [new RegExp(re), to]);
  return (text) => {
    if (!text) return null;
    const trimmed = text.trim();
    if (exact.has(trimmed)) return text.replace(trimmed, exact.get(trimmed));
    for (const [re, to] of patterns) {
      if (re.test(trimmed)) return trimmed.replace(re, to);
    }
    return null;
  };
}

function translateTree(node, translate) {
  if (node.nodeType === Node.TEXT_NODE) {
    const parent = node.parentElement;
    if (parent && !parent.closest(".pkb-links")) {
      const out = translate(node.nodeValue);
      if (out !== null && out !== node.nodeValue) node.nodeValue = out;
    }
    return;
  }
  if (node.nodeType !== Node.ELEMENT_NODE || node.closest(".pkb-links")) return;
  for (const attr of ATTRS) {
    if (node.hasAttribute(attr)) {
      const out = translate(node.getAttribute(attr));
      if (out !== null && out !== node.getAttribute(attr)) node.setAttribute(attr, out);
    }
  }
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  let n = walker.nextNode();
  while (n) {
    if (n.nodeType === Node.ELEMENT_NODE && n.closest(".pkb-links")) {
      n = walker.nextSibling() || walker.nextNode();
      continue;
    }
    if (n.nodeType === Node.TEXT_NODE) {
      const out = translate(n.nodeValue);
      if (out !== null && out !== n.nodeValue) n.nodeValue = out;
    } else {
      for (const attr of ATTRS) {
        if (n.hasAttribute(attr)) {
          const out = translate(n.getAttribute(attr));
          if (out !== null && out !== n.getAttribute(attr)) n.setAttribute(attr, out);
        }
      }
    }
    n = walker.nextNode();
  }
}

export default function (component) {
  const { data } = component;
  if (!data || window[INSTALLED]) return;
  const translate = translator(data);
  window[INSTALLED] = true;
  translateTree(document.body, translate);
  const observer = new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "characterData") translateTree(m.target, translate);
      else if (m.type === "attributes") translateTree(m.target, translate);
      else m.addedNodes.forEach((n) => translateTree(n, translate));
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true,
                                    attributeFilter: ATTRS });
}
