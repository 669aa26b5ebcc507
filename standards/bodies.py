"""Drafting bodies' names as lists write them: one body however it is spelt, several in a cell
(no ORM). Shared by the catalog import and the reviewer roster."""

import re
import unicodedata

# Legal forms written before a body's name. Longest first, so 一般社団法人 is not read as 社団法人.
LEGAL_FORMS = (
    "地方独立行政法人",
    "国立研究開発法人",
    "特定非営利活動法人",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "独立行政法人",
    "国立大学法人",
    "技術研究組合",
    "社会福祉法人",
    "社団法人",
    "財団法人",
    "学校法人",
    "株式会社",
    "有限会社",
    "NPO法人",
)
# Abbreviations of those, as lists write them (NFKC has already turned ㈳ into (社)).
_ABBREVIATIONS = {
    "(一社)": "一般社団法人",
    "(一財)": "一般財団法人",
    "(公社)": "公益社団法人",
    "(公財)": "公益財団法人",
    "(社)": "社団法人",
    "(財)": "財団法人",
    "(独)": "独立行政法人",
    "(国研)": "国立研究開発法人",
    "(特非)": "特定非営利活動法人",
    "(株)": "株式会社",
    "(有)": "有限会社",
}
_LEGAL_FORM = "|".join(map(re.escape, [*LEGAL_FORMS, *_ABBREVIATIONS]))
# Bodies in one cell: always split at these; at ・, 及び or a space only when the next name starts
# with a legal form, since ・ also sits inside names (日本建材・住宅設備産業協会).
_ALWAYS = re.compile(r"\s*(?:\n|;|、|,)\s*")
_BEFORE_LEGAL_FORM = re.compile(rf"\s*(?:・|及び|\s)\s*(?=(?:{_LEGAL_FORM}))")
_LEGAL_FORM_NAMES = frozenset([*LEGAL_FORMS, *_ABBREVIATIONS.values()])
_SPACE_NEAR_WIDE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")
_SPACES = re.compile(r"\s+")


def normalise_body_name(text: str) -> str:
    """One spelling per body: NFKC width, spaces (U+3000 too) collapsed, and none next to Japanese
    text, abbreviated legal forms spelt out: 「（一社）日本ロボット工業会」 and 「一般社団法人　日本ロボット
    工業会」 both give 「一般社団法人日本ロボット工業会」."""
    name = _SPACES.sub(" ", unicodedata.normalize("NFKC", text or "")).strip()
    for short, long in _ABBREVIATIONS.items():
        if name.startswith(short):
            name = long + name[len(short) :]
            break
    return _SPACE_NEAR_WIDE.sub("", name)


def body_key(name: str) -> str:
    """What makes two spellings the same body: the normalised name without its legal form, case
    folded (社団法人 became 一般社団法人 in 2008 without becoming another body)."""
    name = normalise_body_name(name)
    for form in LEGAL_FORMS:
        if name.startswith(form):
            name = name[len(form) :]
            break
    return name.replace(" ", "").casefold()


def split_bodies(cell: str) -> list[str]:
    """The bodies named in one cell, normalised, each once, in the order written. A legal form
    alone on its line belongs to the name after it (「一般社団法人⏎日本ロボット工業会」 is one body)."""
    text = unicodedata.normalize("NFKC", cell or "").replace("\r", "\n")
    pieces = [p for part in _ALWAYS.split(text) for p in _BEFORE_LEGAL_FORM.split(part)]
    names, seen, pending = [], set(), ""
    for piece in pieces:
        name = normalise_body_name(pending + piece)
        if name in _LEGAL_FORM_NAMES:
            pending = name
            continue
        pending = ""
        if name and (key := body_key(name)) not in seen:
            seen.add(key)
            names.append(name)
    if pending:
        names.append(pending)
    return names
