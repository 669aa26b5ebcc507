"""Walk the screens as each demo role (seed_demo) in Chromium at 1280 and 375 px, in Japanese and
English, saving full-page screenshots to var/screenshots/walk/ and printing the pages that scroll
sideways, answer other than 200, or show English words on a Japanese page (data such as English
titles included: read the list). Not a test: a server with the demo data must be running.

    .venv/bin/python scripts/screen_walk.py http://127.0.0.1:8000 [coordinator reviewer1 meti]
"""

import json
import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1]
OUT = Path(__file__).resolve().parent.parent / "var" / "screenshots" / "walk"
OUT.mkdir(parents=True, exist_ok=True)
ONLY = set(sys.argv[2:])
PASSWORD = "jisreview-demo"
COMMON = [
    "/standards/",
    "/standards/?q=%E3%82%B3%E3%83%B3%E3%82%AF%E3%83%AA%E3%83%BC%E3%83%88",
    "/reviews/notifications/",
    "/accounts/tokens/",
    "/accounts/security/",
]
ROLES = {
    "reviewer1": ["/reviews/assignments/", "ASSIGNMENT", "STANDARD"],
    "coordinator": [
        "/reviews/assignments/",
        "ASSIGNMENT",
        "/reviews/batches/",
        "BATCH",
        "/reviews/reminders/",
        "/reviews/plan/",
        "/reviews/priorities/",
        "/reviews/dashboard/",
        "/reviews/follow-ups/",
        "/standards/import/",
        "STANDARD",
    ],
    "meti": [
        "/reviews/priorities/",
        "/reviews/plan/",
        "/reviews/dashboard/",
        "/reviews/follow-ups/",
        "STANDARD",
    ],
}
CHECK = """() => {
  const de = document.documentElement;
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > innerWidth + 1 && r.width > 0 && getComputedStyle(el).position !== 'fixed') {
      let p = el.parentElement, clipped = false;
      while (p) { const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; } p = p.parentElement; }
      if (!clipped) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
    }
  }
  return {scroll: de.scrollWidth, inner: innerWidth, wide: wide.slice(0, 8),
          text: document.body.innerText};
}"""
ASCII_WORDS = re.compile(r"\b[A-Za-z][a-z]{3,}(?: [a-z]{3,}){1,}\b")


def login(page, user):
    page.goto(BASE + "/accounts/login/")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def resolve(page, path, user):
    if path == "ASSIGNMENT":
        page.goto(BASE + "/reviews/assignments/")
        href = page.eval_on_selector_all(
            "a[href*='/reviews/assignments/']",
            "els => els.map(e => e.getAttribute('href')).filter(h => /assignments\\/\\d+\\/$/.test(h))",
        )
        return href[0] if href else None
    if path == "BATCH":
        page.goto(BASE + "/reviews/batches/")
        href = page.eval_on_selector_all(
            "a[href*='/reviews/batches/']",
            "els => els.map(e => e.getAttribute('href')).filter(h => /batches\\/\\d+\\/$/.test(h))",
        )
        return href[0] if href else None
    if path == "STANDARD":
        page.goto(BASE + "/standards/")
        href = page.eval_on_selector_all(
            "a[href*='/standards/']",
            "els => els.map(e => e.getAttribute('href')).filter(h => /standards\\/\\d+\\/$/.test(h))",
        )
        return href[0] if href else None
    return path


report = []
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    for user, paths in ROLES.items():
        if ONLY and user not in ONLY:
            continue
        for lang in ("ja", "en"):
            for width in (1280, 375):
                ctx = browser.new_context(viewport={"width": width, "height": 900})
                ctx.add_cookies([{"name": "django_language", "value": lang, "url": BASE}])
                page = ctx.new_page()
                login(page, user)
                for raw in paths + COMMON:
                    path = resolve(page, raw, user)
                    if not path:
                        report.append({"user": user, "path": raw, "missing": True})
                        continue
                    resp = page.goto(BASE + path)
                    page.wait_for_load_state("networkidle")
                    info = page.evaluate(CHECK)
                    name = f"{user}-{lang}-{width}-" + re.sub(
                        r"[^a-z0-9]+", "_", (raw if raw.isupper() else path).lower()
                    ).strip("_")
                    page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
                    english = (
                        [] if lang == "en" else sorted(set(ASCII_WORDS.findall(info["text"])))[:15]
                    )
                    jp = (
                        []
                        if lang == "ja"
                        else sorted(
                            set(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]{2,}", info["text"]))
                        )[:15]
                    )
                    report.append(
                        {
                            "shot": name,
                            "status": resp.status if resp else None,
                            "overflow": info["scroll"] > info["inner"],
                            "wide": info["wide"],
                            "english_in_ja": english,
                            "japanese_in_en": jp,
                        }
                    )
                ctx.close()
    browser.close()
(OUT / "walk.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
for r in report:
    if (
        r.get("missing")
        or r.get("overflow")
        or r.get("english_in_ja")
        or (r.get("status") or 200) >= 500
    ):
        print(json.dumps(r, ensure_ascii=False))
