"""A generated company of fake people, shaped like Zelt's user records."""

from __future__ import annotations

import datetime
import functools
import random
import unicodedata

# Invented for the sandbox: accents, apostrophes, hyphens and particles
# make clients handle more than ASCII.  No record describes a real person.
FIRST_NAMES = (
    "Zoë", "Amélie", "José", "Søren", "Ana-Maria", "Łukasz", "Siobhán",
    "Noé", "Chloé", "Björn", "Anaïs", "Grégoire", "Dáithí", "Mia", "Oliver",
    "Priya", "Kwame", "Mei", "Yusuf", "Fatima", "Lars", "Inês", "Jean-Luc",
    "D'Arcy", "Ren", "Aiko", "Mateo", "Élodie", "Çağla", "Nuño", "Tomasz",
    "Ingrid", "Rafael", "Leïla", "Hamish", "Olúwaseun", "Marguerite", "Kai",
)
_PARTICLES = ("", "", "", "", "", "", "O'", "Mc", "van der ", "de la ",
              "d'", "Mac", "von ")
_STEMS = ("Al", "Bren", "Cor", "Dal", "Elm", "Fen", "Gar", "Hal", "Ives",
          "Kel", "Lind", "Mor", "Nor", "Ash", "Pen", "Quil", "Ros", "Sel",
          "Thorn", "Wyn", "Ból", "Zé", "Øst", "Ñav")
_ENDINGS = ("ton", "wick", "ley", "sby", "den", "mar", "holt", "field",
            "ridge", "ová", "ez", "ström", "ard", "ière", "ski", "ğlu")
DEPARTMENTS = {
    "Engineering": ("Software Engineer", "Site Reliability Engineer",
                    "Engineering Manager", "QA Analyst"),
    "Sales": ("Account Executive", "Sales Development Rep", "Sales Lead"),
    "Marketing": ("Content Marketer", "Growth Analyst", "Brand Designer"),
    "People": ("People Partner", "Recruiter", "Head of People"),
    "Finance": ("Accountant", "Financial Controller", "Payroll Specialist"),
    "Operations": ("Operations Analyst", "Office Manager"),
    "Customer Success": ("Customer Success Manager", "Support Specialist"),
    "Product": ("Product Manager", "Product Designer", "UX Researcher"),
    "Legal": ("Legal Counsel", "Compliance Officer"),
}
_DEPARTMENT_NAMES = tuple(DEPARTMENTS)
SITES = ("London HQ", "Manchester", "Lisbon", "Kraków", "Remote",
         "São Paulo", "Berlin", "Dublin")
_CITIES = ("Leeds", "Porto", "Gdańsk", "Cork", "Curitiba", "Hamburg")
PRONOUNS = ("she/her", "he/him", "they/them")
EMAIL_DOMAIN = "acme.example"  # RFC 2606: a name that can never be real

# Lifecycle and the account status that usually goes with it.
_LIFECYCLE = (("Employed", "Active"),) * 16 + (
    ("Employed", "Invited"), ("Hired", "Invited"), ("Hired", "Invited"),
    ("Leaver", "Active"), ("Leaver", "Deactivated"),
    ("Terminated", "Deactivated"))
_FIRST_DAY = datetime.date(2012, 1, 2).toordinal()
_LAST_DAY = datetime.date(2025, 6, 30).toordinal()
_HIRED_FROM = datetime.date(2026, 1, 5).toordinal()


def generate_company(count: int, seed: int = 1) -> list[dict]:
    """``count`` fake people; the same (count, seed) gives the same list.

    Records use Zelt's camelCase names.  Most are flat; about a quarter
    nest job title, department and site under ``role``; some fields are
    missing or null and some records carry fields clients do not know.
    User 1 is the admin: complete, flat, with no manager.
    """
    rng = random.Random(f"zelt-sandbox/{seed}")
    emails: dict[str, int] = {}
    people = []
    for user_id in range(1, count + 1):
        person = _person(rng, user_id, emails)
        if user_id > 1:
            _vary(rng, person)
        people.append(person)
    return people


def _person(rng: random.Random, user_id: int, emails: dict) -> dict:
    first, last = rng.choice(FIRST_NAMES), _last_name(rng)
    department = rng.choice(_DEPARTMENT_NAMES)
    lifecycle, account = rng.choice(_LIFECYCLE)
    if lifecycle == "Hired":
        start = _HIRED_FROM + rng.randrange(120)
    else:
        start = rng.randint(_FIRST_DAY, _LAST_DAY)
    return {
        "userId": user_id,
        "firstName": first,
        "lastName": last,
        "displayName": f"{first} {last}",
        "emailAddress": _email(first, last, emails),
        "jobTitle": rng.choice(DEPARTMENTS[department]),
        "department": department,
        "site": rng.choice(SITES),
        "startDate": datetime.date.fromordinal(start).isoformat(),
        "accountStatus": account,
        "lifecycleStatus": lifecycle,
        # A tree: everyone reports to someone with a smaller id.
        "managerId": rng.randint(1, max(1, user_id // 6)) if user_id > 1
        else None,
    }


def _vary(rng: random.Random, person: dict) -> None:
    """Reshape one record the ways field data varies (see zelt-api.md)."""
    roll = rng.random()
    if roll < 0.25:
        person["role"] = {
            "jobTitle": person.pop("jobTitle"),
            "department": {"name": person.pop("department")},
            "site": {"name": person.pop("site")},
        }
    elif roll < 0.55:
        person["jobPosition"] = person.pop("jobTitle")

    roll = rng.random()
    if roll < 0.03:
        person["firstName"] = person["firstName"].lower()
    elif roll < 0.05:
        person["lastName"] = person["lastName"].upper()
    elif roll < 0.09:
        del person["displayName"]
    elif roll < 0.13:
        person["site"] = None
    elif roll < 0.16:
        person["startDate"] = None
    elif roll < 0.18:
        del person["emailAddress"]

    roll = rng.random()
    if roll < 0.10:
        person["pronouns"] = rng.choice(PRONOUNS)
    elif roll < 0.18:
        person["workPhone"] = f"+44 20 7946 {rng.randrange(10000):04d}"
    elif roll < 0.24:
        person["address"] = {"city": rng.choice(_CITIES), "country": None,
                             "postcode": f"ZZ{rng.randrange(100)} 9XX"}


def _last_name(rng: random.Random) -> str:
    return (rng.choice(_PARTICLES) + rng.choice(_STEMS)
            + rng.choice(_ENDINGS))


def _email(first: str, last: str, emails: dict[str, int]) -> str:
    local = f"{_fold(first)}.{_fold(last)}"
    seen = emails.get(local, 0)
    emails[local] = seen + 1
    if seen:
        local += str(seen + 1)
    return f"{local}@{EMAIL_DOMAIN}"


@functools.lru_cache(maxsize=4096)
def _fold(name: str) -> str:
    """ASCII letters of ``name`` in lower case, for an email address."""
    plain = unicodedata.normalize("NFKD", name)
    plain = plain.replace("ł", "l").replace("Ł", "L").replace("ø", "o")
    plain = plain.replace("Ø", "O")
    ascii_only = plain.encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_only.lower() if c.isalnum())
