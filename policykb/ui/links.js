// In-app links inside markup rendered by ui/render.py (the ¶ after a clause, the cells of the
// coverage matrix …) stay in the Streamlit session.
//
// An ordinary <a href="clause?clause=…"> makes the browser load the page again, which starts a new
// session (state lost, about a second to reload). This module renders the markup it is given
// (already escaped by ui/render.py) and catches plain left clicks on links to a page of the app:
// it adds the link's URL to the browser history and tells Streamlit the history moved (a
// "popstate" event, as the browser's Forward button does). Streamlit then reruns the page the URL
// names with its query parameters in the same session, as it does for st.page_link and for
// Back/Forward; Back returns to the view the link was clicked on.
//
// Links keep their real href, so opening one in a new tab, copying it, or typing it in the address
// bar still works as a deep link. In-page anchors (href="#part_3__art_5"), links to other sites,
// clicks with a modifier key and anything that is not a page of the app are left to the browser.
// When the page was opened with a fragment that names an anchor in the markup, it scrolls there.
// Buttons with class "pkb-copy" copy their data-copy text to the clipboard (复制条文, 复制出处 …) and
// say 已复制 for a moment; the text is exactly the attribute's value (the markup escaped it).
// Used by ui/common.py: linked_html (data: {html, pages}).

const RENDERED = "__pkbLinksHtml";

// The app URL a link leads to, or null when the browser should follow it as usual.
function appUrl(a, pages) {
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
  const steps = url.pathname.split("/").filter((s) => s !== "");
  const page = steps.length ? steps[steps.length - 1] : "";
  if (page !== "" && !pages.includes(page)) return null;
  return url;
}

// A URL with a fragment (/document?doc=…#part_3__art_5) names an anchor inside this markup, which
// did not exist yet when the browser loaded the page: scroll to it once the markup is there.
function scrollToFragment(root) {
  if (!window.location.hash) return;
  let id;
  try {
    id = decodeURIComponent(window.location.hash.slice(1));
  } catch (e) {
    return;
  }
  const target = document.getElementById(id);
  if (target && root.contains(target)) target.scrollIntoView({ block: "start" });
}

// Copy with the Clipboard API; where the page may not use it (no permission, no secure
// context), with a hidden textarea and execCommand, which every browser still supports.
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } finally {
      area.remove();
    }
    return ok;
  }
}

function onCopy(button) {
  const label = button.dataset.label || button.textContent;
  button.dataset.label = label;
  copyText(button.dataset.copy || "").then((ok) => {
    button.textContent = ok ? "已复制" : "复制失败，请手动选择文字";
    button.classList.toggle("done", ok);
    setTimeout(() => {
      button.textContent = label;
      button.classList.remove("done");
    }, 1500);
  });
}

export default function (component) {
  const { data, parentElement } = component;
  let root = parentElement.querySelector(":scope > div.pkb-links");
  if (!root) {
    root = document.createElement("div");
    root.className = "pkb-links";
    parentElement.appendChild(root);
  }
  const html = data && typeof data.html === "string" ? data.html : "";
  const pages = data && Array.isArray(data.pages) ? data.pages : [];
  if (root[RENDERED] !== html) {
    root.innerHTML = html; // trusted: every text in it was escaped by ui/render.py
    root[RENDERED] = html;
    scrollToFragment(root);
  }

  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // a new tab or window
    const copy = event.target.closest ? event.target.closest("button.pkb-copy") : null;
    if (copy && root.contains(copy)) {
      event.preventDefault();
      onCopy(copy);
      return;
    }
    const a = event.target.closest ? event.target.closest("a[href]") : null;
    if (!a || !root.contains(a)) return;
    const url = appUrl(a, pages);
    if (url === null) return;
    event.preventDefault();
    if (url.href === window.location.href) return; // already there
    window.history.pushState({}, "", url.pathname + url.search + url.hash);
    window.dispatchEvent(new PopStateEvent("popstate", { state: {} }));
  };
  // one handler per root (the property holds one), whether or not Streamlit ran the previous call's cleanup
  root.onclick = onClick;
  return () => {
    if (root.onclick === onClick) root.onclick = null;
  };
}
