"""Debian's Chromium for Playwright (its own browser download is not reachable here), and what pages evaluate."""

import shutil

CHROMIUM = shutil.which('chromium') or '/usr/bin/chromium'
CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
]

# Given a product id, notes in `window.seen[name]` when (epoch ms, on the browser's clock) its card's name first
# showed each text.
OBSERVE_NAME = """product_id => {
  window.seen = {};
  const link = document.querySelector(`[data-product-id="${product_id}"] a`);
  new MutationObserver(() => {
    const now = performance.timeOrigin + performance.now();
    if (!(link.textContent in window.seen)) window.seen[link.textContent] = now;
  }).observe(link, {subtree: true, childList: true, characterData: true});
}"""
