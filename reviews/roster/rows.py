"""Roster rows: the people who answer and read the survey, as a file lists them (no ORM).

`read_roster` turns a file's rows into validated `Person` records, with every problem (a row error,
which stops the whole import) and every warning (a drafting body not in the catalog, which stops
nothing), each naming its line, column and value. `reviews.roster.services.roster_import` writes.
"""

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from standards.bodies import body_key, split_bodies
from standards.catalog_files import CatalogFileError, Column, RowError

# The values of accounts.roles.Role (the pure rules may not import accounts' models module).
COORDINATOR, REVIEWER, MINISTRY_VIEWER = "coordinator", "reviewer", "ministry_viewer"
LANGUAGES = ("ja", "en")
# Problems kept as objects to show; past these only a count (as the catalog import).
KEPT_ERRORS = 1000
# Closest catalog names offered for a drafting body the catalog does not know.
CLOSEST = 3
_DIVISIONS_SEPARATORS = re.compile(r"[;；、,，\s]+")


COLUMNS = (
    Column("email", "email", "メールアドレス", required=True),
    Column("name", "name", "氏名", required=True),
    Column("organisation", "organisation", "所属"),
    Column("role", "role", "役割", required=True),
    Column("ministry", "ministry", "主務大臣"),
    Column("drafting_bodies", "drafting_bodies", "原案作成団体"),
    Column("divisions", "divisions", "部門"),
    Column("language", "language", "言語"),
)
# Other headers people write for the same columns.
_HEADER_ALIASES = {
    "e-mail": "email",
    "mail": "email",
    "メール": "email",
    "電子メール": "email",
    "organization": "organisation",
    "drafting_body": "drafting_bodies",
    "division": "divisions",
    "ロール": "role",
    "権限": "role",
    "府省": "ministry",
    "所管府省": "ministry",
}
_ROLES = {
    "reviewer": REVIEWER,
    "調査回答者": REVIEWER,
    "回答者": REVIEWER,
    "ministry_viewer": MINISTRY_VIEWER,
    "ministryviewer": MINISTRY_VIEWER,
    "府省閲覧者": MINISTRY_VIEWER,
    "閲覧者": MINISTRY_VIEWER,
    "coordinator": COORDINATOR,
    "事務局": COORDINATOR,
}
_LANGUAGES = {
    "ja": "ja",
    "jp": "ja",
    "japanese": "ja",
    "日本語": "ja",
    "en": "en",
    "english": "en",
    "英語": "en",
}
ROLE_LABELS = {
    COORDINATOR: gettext_lazy("Coordinator"),
    REVIEWER: gettext_lazy("Reviewer"),
    MINISTRY_VIEWER: gettext_lazy("Ministry viewer"),
}


@dataclass
class Person:
    """One roster row, validated: the e-mail in lower case, the ministry as its code, the drafting
    bodies as the catalog spells them (those it does not know are left out, with a warning)."""

    line: int
    email: str
    name: str
    role: str
    organisation: str = ""
    ministry: str = ""
    drafting_bodies: list[str] = field(default_factory=list)
    divisions: list[str] = field(default_factory=list)
    language: str = ""


@dataclass
class RosterReport:
    people: list[Person]
    errors: list[RowError]  # the first KEPT_ERRORS; `more_errors` counts the rest
    warnings: list[RowError]
    headers: dict[str, str]  # field → its column as written
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def problem_count(self) -> int:
        return len(self.errors) + self.more_errors

    def fail(self, errors: list[RowError]) -> None:
        room = max(KEPT_ERRORS - len(self.errors), 0)
        self.errors.extend(errors[:room])
        self.more_errors += len(errors[room:])


def header_key(text) -> str:
    """Width-, case-, space- and underscore-insensitive: 「メールアドレス」, "E-mail", "e_mail"."""
    text = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "").casefold()
    return re.sub(r"[\s_]+", "", text)


def _header_lookup() -> dict[str, str]:
    lookup = {header_key(alias): name for alias, name in _HEADER_ALIASES.items()}
    lookup |= {header_key(c.english): c.field for c in COLUMNS}
    lookup |= {header_key(c.japanese): c.field for c in COLUMNS}
    return lookup


def map_header(header: list) -> dict[int, str]:
    """Column index → field. Raises CatalogFileError for an unknown, repeated or missing column."""
    lookup, columns, unknown = _header_lookup(), {}, []
    for index, name in enumerate(header):
        if not str(name or "").strip():
            continue
        found = lookup.get(header_key(name))
        if found is None:
            unknown.append(str(name))
        elif found in columns.values():
            raise CatalogFileError(
                _("The column %(name)s appears twice in the header.") % {"name": name}
            )
        else:
            columns[index] = found
    if unknown:
        expected = ", ".join(f"{c.english} ({c.japanese})" for c in COLUMNS)
        raise CatalogFileError(
            _(
                "Unknown column(s) in the header: %(unknown)s. Expected columns: %(expected)s "
                "(or their Japanese names)."
            )
            % {"unknown": ", ".join(unknown), "expected": expected}
        )
    missing = [c.english for c in COLUMNS if c.required and c.field not in columns.values()]
    if missing:
        raise CatalogFileError(
            _("Required column(s) missing from the header: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )
    return columns


def read_roster(
    rows: Iterable[tuple[int, list]],
    *,
    ministries: Mapping[str, str],
    bodies: Mapping[str, str],
    divisions: Mapping[str, str],
) -> RosterReport:
    """Validate a whole roster. `ministries` maps header_key(spelling) → ministry code, `bodies`
    body_key(name) → the catalog's name, `divisions` header_key(letter or name) → letter."""
    rows = iter(rows)
    header = next((cells for _line, cells in rows if any(_text(c) for c in cells)), None)
    if header is None:
        raise CatalogFileError(_("The file is empty: it has no header row."))
    columns = map_header(header)
    written = {name: str(header[i]).replace("\ufeff", "").strip() for i, name in columns.items()}
    parser = _RowParser(written, ministries=ministries, bodies=bodies, divisions=divisions)
    report = RosterReport([], [], [], written)
    first_line: dict[str, int] = {}
    for line, cells in rows:
        if not any(_text(c) for c in cells):
            continue
        values = {name: _text(cells[i]) if i < len(cells) else "" for i, name in columns.items()}
        person, errors = parser.parse(line, values)
        if person is not None:
            if person.email in first_line:
                errors.append(
                    parser.error(
                        line,
                        "email",
                        person.email,
                        _("the same e-mail is on line %(line)d")
                        % {"line": first_line[person.email]},
                    )
                )
            else:
                first_line[person.email] = line
        if errors:
            report.fail(errors)
        elif person is not None:
            report.people.append(person)
        report.warnings.extend(parser.take_warnings())
    if not report.people and not report.errors:
        raise CatalogFileError(_("The file has a header but no rows."))
    return report


class _RowParser:
    def __init__(self, headers, *, ministries, bodies, divisions):
        self.headers = headers
        self.ministries = {header_key(k): v for k, v in ministries.items()}
        self.bodies = bodies
        self.divisions = {header_key(k): v for k, v in divisions.items()}
        self._warnings: list[RowError] = []
        self._body_keys = list(bodies)
        self._closest: dict[str, list[str]] = {}

    def error(self, line: int, column: str, value: str, message: str) -> RowError:
        return RowError(line, self.headers.get(column, column), value, message)

    def take_warnings(self) -> list[RowError]:
        taken, self._warnings = self._warnings, []
        return taken

    def parse(self, line: int, values: dict[str, str]) -> tuple[Person | None, list[RowError]]:
        errors: list[RowError] = []
        email = self._email(line, values.get("email", ""), errors)
        role = self._role(line, values.get("role", ""), errors)
        name = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", values.get("name", ""))).strip()
        if not name:
            errors.append(self.error(line, "name", "", _("a name is required")))
        ministry = self._ministry(line, values.get("ministry", ""), role, errors)
        divisions = self._divisions(line, values.get("divisions", ""), errors)
        language = self._language(line, values.get("language", ""), errors)
        drafting_bodies = self._bodies(line, values.get("drafting_bodies", ""))
        if errors or email is None or role is None:
            return None, errors
        person = Person(
            line=line,
            email=email,
            name=name[:150],
            role=role,
            organisation=re.sub(r"\s+", " ", values.get("organisation", ""))[:200],
            ministry=ministry,
            drafting_bodies=drafting_bodies,
            divisions=divisions,
            language=language,
        )
        return person, errors

    def _email(self, line, value, errors) -> str | None:
        email = unicodedata.normalize("NFKC", value).strip().lower()
        if not email:
            errors.append(self.error(line, "email", value, _("an e-mail address is required")))
            return None
        try:
            validate_email(email)
        except ValidationError:
            errors.append(self.error(line, "email", value, _("not a valid e-mail address")))
            return None
        if len(email) > 150:
            errors.append(self.error(line, "email", value, _("longer than 150 characters")))
            return None
        return email

    def _role(self, line, value, errors) -> str | None:
        role = _ROLES.get(header_key(value))
        if role is None:
            expected = ", ".join(
                f"{code} / {_label_ja(code)}" for code in (REVIEWER, MINISTRY_VIEWER, COORDINATOR)
            )
            errors.append(
                self.error(
                    line,
                    "role",
                    value,
                    _("unknown role; expected one of: %(roles)s") % {"roles": expected},
                )
            )
        return role

    def _ministry(self, line, value, role, errors) -> str:
        if not value:
            if role == MINISTRY_VIEWER:
                errors.append(
                    self.error(line, "ministry", "", _("a ministry viewer needs a ministry"))
                )
            return ""
        code = self.ministries.get(header_key(value))
        if code is None:
            errors.append(self.error(line, "ministry", value, _("unknown ministry")))
            return ""
        return code

    def _divisions(self, line, value, errors) -> list[str]:
        letters = []
        for piece in _DIVISIONS_SEPARATORS.split(unicodedata.normalize("NFKC", value)):
            if not piece:
                continue
            letter = self.divisions.get(header_key(piece))
            if letter is None:
                errors.append(self.error(line, "divisions", piece, _("unknown division")))
            elif letter not in letters:
                letters.append(letter)
        return letters

    def _language(self, line, value, errors) -> str:
        if not value:
            return ""
        language = _LANGUAGES.get(header_key(value))
        if language is None:
            errors.append(
                self.error(line, "language", value, _("unknown language; write ja or en"))
            )
            return ""
        return language

    def _bodies(self, line, value) -> list[str]:
        """The catalog's names of the bodies in the cell; a warning for each it does not know."""
        found = []
        for name in split_bodies(value):
            known = self.bodies.get(body_key(name))
            if known is not None:
                found.append(known)
                continue
            closest = self._closest_keys(body_key(name))
            if closest:
                message = _(
                    "not a drafting body of the catalog; no routing made for it. Closest: %(names)s"
                ) % {"names": "、".join(self.bodies[key] for key in closest)}
            else:
                message = _("not a drafting body of the catalog; no routing made for it")
            self._warnings.append(self.error(line, "drafting_bodies", name, message))
        return found

    def _closest_keys(self, key: str) -> list[str]:
        if key not in self._closest:
            self._closest[key] = difflib.get_close_matches(key, self._body_keys, n=CLOSEST)
        return self._closest[key]


def _label_ja(role: str) -> str:
    with translation.override("ja"):
        return str(ROLE_LABELS[role])


def _text(cell) -> str:
    return "" if cell is None else str(cell).strip()
