// In-app links inside markup rendered by ui/render.py (the ¶ after a clause, the cells of the
// coverage matrix …) stay in the Streamlit session.
//
// An ordinary <a href="clause?clause=…"> would make the browser load the page again, which starts
// a new session (state lost, a second or more to reload). This module renders the markup it is
// given (already escaped by ui/render.py) and catches plain left clicks on same-origin app links:
// it sends the href to Python as the trigger value "open" and Python switches page with the link's
// query parameters (ui/common.py: linked_html). Links keep their real href, so opening one in a new
// tab, copying it, or typing it in the address bar still works as a deep link. In-page anchors
// (href="#part_3__art_5") and links to other sites are left to the browser.

const STATE = "__pkbLinks";

function appLink(a) {
  const href = a.getAttribute("href");
  if (!href || href.startsWith("#")) return null;
  if (a.target && a.target !== "_self") return null;
  if (a.hasAttribute("download")) return null;
  let url;
  try {
    url = new URL(href, window.location.href);
  } catch (e) {
    return null;
  }
  if (url.origin !== window.location.origin) return null;
  return href;
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(":scope > div.pkb-links");
  if (!root) {
    root = document.createElement("div");
    root.className = "pkb-links";
    parentElement.appendChild(root);
  }
  const html = data && typeof data.html === "string" ? data.html : "";
  if (root[STATE] !== html) {
    root.innerHTML = html; // trusted: every text in it was escaped by ui/render.py
    root[STATE] = html;
  }

  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab/window
    const a = event.target.closest ? event.target.closest("a[href]") : null;
    if (!a || !root.contains(a)) return;
    const link = appLink(a);
    if (link === null) return;
    event.preventDefault();
    setTriggerValue("open", link);
  };
  root.addEventListener("click", onClick);
  return () => root.removeEventListener("click", onClick);
}
