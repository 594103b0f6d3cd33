"""Does a beneficiary name look like a natural person's name? A heuristic for a WARNING only.

2014-2020 lists of operations must not name natural persons (CPR (EU) No 1303/2013 Annex XII §1:
"beneficiary name (only of legal entities; no natural persons shall be named)"). A name is taken
for a person's name when it holds no organisation word (legal form, public body, association,
school...) and either

* starts with a civil or academic title ("M.", "Mme", "Herr", "Ing.", ...) followed by a word, or
* is two to four capitalised words, no digits, one of which is a known given name (about 9,400
  names of 26 European locales, ``reference/data/first_names.csv``) and another is not:
  "Jean DUPONT", "Helle Larsen", "AKOST ADAM KOSTYRA".

Sole traders ("EI", "ЕТ", "s.p.") are natural persons too: their markers are not organisation
words. The heuristic is multilingual but tuned on Latin, Greek and Cyrillic scripts; its
false-positive rate on the public files is measured in ``tests/realfiles``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from fundcheck.reference import read_rows

CIVIL_TITLES = frozenset(
    {
        # French, English, German, Danish, Italian, Spanish, Polish, Greek, Czech/Slovak
        "m", "mr", "mme", "mlle", "monsieur", "madame", "mademoiselle", "mrs", "ms", "miss",
        "herr", "frau", "hr", "fru", "sig", "sigra", "sr", "sra", "dna", "pan", "pani", "κ", "κα",
        "κος", "dr", "prof", "ing", "mudr", "judr", "mgr", "phdr", "rndr", "bc", "dipl",
    }
)  # fmt: skip
"""Titles that precede a person's name (compared without dots, accents and case)."""

ORGANISATION_WORDS = frozenset(
    {
        # legal forms (exact tokens, dots and spaces removed: "S.A.R.L." -> "sarl")
        "sa", "sas", "sasu", "sarl", "eurl", "sci", "scop", "scic", "scea", "earl", "gaec", "gie",
        "gip", "sem", "spl", "selarl", "snc", "scp", "asbl", "aisbl", "sàrl", "ag", "gmbh", "kg",
        "ev", "eg", "ug", "ohg", "as", "aps", "is", "ks", "ps", "ivs", "amba", "smba", "ab", "oy",
        "oyj", "bv", "nv", "vzw", "cv", "ltd", "llp", "plc", "inc", "llc", "corp", "co", "cic",
        "spa", "srl", "srls", "scarl", "onlus", "sl", "slu", "sad", "lda", "kft",
        "zrt", "nyrt", "bt", "kkt", "doo", "dd", "sro", "spzoo", "sk", "ska", "uab", "oü",
        "ou", "sia", "eood", "ood", "ad", "еоод", "оод", "ад", "ае", "αε", "επε", "ικε", "οε",
        "ee", "ike", "epe", "ltda", "rl", "ra", "sc", "ifn", "pfa", "ii", "zs", "ops", "zu",
        # public bodies and schools written as short words
        "grad", "dom", "os", "uat", "oras", "оу", "су", "пгт", "ппмг", "цдг", "дг",
        # company suffixes and French cardinal points (place words)
        "fils", "freres", "soeurs", "cie", "ets", "sca", "sica", "sicav", "selas", "sasp",
        "nord", "sud", "est", "ouest",
    }
)  # fmt: skip
"""Legal forms and other exact tokens that mark an organisation."""

ORGANISATION_ACRONYMS = frozenset(
    {
        "greta", "petr", "gip", "sivom", "sivu", "smictom", "sictom", "epci", "epic", "epa",
        "eplefpa", "cfa", "cci", "cma", "cress", "caue", "adil", "opac", "oph", "ophlm", "saem",
        "saeml", "cias", "ccas", "mjc", "mfr", "ime", "esat", "ehpad", "chu", "chr", "chi", "cnrs",
        "inrae", "inra", "inserm", "ird", "cirad", "brgm", "ifremer", "ademe", "cerema", "onf",
        "ofb", "sdis", "sncf", "ratp", "epf", "crous", "afpa", "apec", "urssaf", "caf", "cpam",
        "msa", "ars", "dreal", "draaf", "dreets", "direccte", "ddt", "ddtm", "sgar", "eptb",
        "cuma", "civam", "fdsea", "crpf", "cbn", "cpie", "cen", "pnr", "e2c", "epide", "iut",
        "insa", "ens", "ensam", "iae", "ufr", "cnam", "geiq", "adie", "bge", "creps", "plie",
        "crij", "cidff", "udaf", "apf", "adapei", "unapei", "fcip", "cnes", "onera", "inria",
        "cea", "ineris", "ign", "anah", "anru", "bpi", "cdc", "siaap", "smiage", "setec",
    }
)  # fmt: skip
"""French public bodies, associations and networks known by their acronym (GRETA, PETR, GIP...):
an organisation word when written in capitals, since some are also given names ("Petr", "Greta")."""

ORGANISATION_STEMS = (
    # French
    "associ", "commun", "departement", "region", "syndic", "societe", "entreprise", "etabliss",
    "universit", "lycee", "college", "ecole", "institut", "centre", "agence", "ministere",
    "service", "office", "chambre", "conseil", "federation", "fondation", "groupe", "cooperat",
    "mutuel", "caisse", "banque", "hopital", "clinique", "maison", "musee", "theatre", "parc",
    "pole", "reseau", "club", "union", "metropole", "prefecture", "mairie", "ville", "agglo",
    "communaut", "comite", "academie", "direction", "observatoire", "laboratoire", "ferme",
    "compagnie", "cabinet", "atelier", "energie", "habitat", "logement", "sante", "formation",
    "emploi", "insertion", "developpement", "amenagement", "conservatoire", "gendarmerie",
    "eglise", "paroisse", "diocese", "aeroport", "transport", "tourisme", "initiativ",
    "mission", "syndicat", "coop", "regie", "collectif", "alliance", "secours", "emmaus",
    "apprentis", "compagnons", "entreprises", "industri", "immobili", "construction",
    "travaux", "batiment", "distribution", "production", "solution", "system", "technolog",
    "metropol", "territoire", "intercommun", "pays", "bassin", "vallee", "agglomeration",
    "environnement", "patrimoine", "culturel", "festival", "editions", "conserverie",
    "boulangerie", "laiterie", "fromagerie", "scierie", "menuiserie", "garage", "transports",
    # English and others in Latin script
    "associat", "company", "council", "county", "municipal", "foundation", "institute", "center",
    "centre", "agency", "ministry", "school", "hospital", "trust", "group", "network",
    "cluster", "consort", "partnership", "authority", "department", "government", "academy",
    "hotel", "house", "campus", "innovation", "engineering", "management", "consult",
    "kommun", "region", "universitet", "skole", "skola", "hojskole", "gymnasi", "erhverv",
    "vaeksthus", "jobcenter", "akademi", "forening", "fond", "selskab", "stiftelse",
    "gemeinde", "stadt", "verein", "verband", "stiftung", "kammer", "schule", "zentrum",
    "gmina", "powiat", "miasto", "wojewod", "spolka", "przedsiebior", "fundacja", "stowarzysz",
    "szkol", "uczelnia", "politechn", "obec", "mesto", "mestys", "spolecnost", "skola",
    "nadace", "spolek", "zdruzen", "zdruz", "onkormanyzat", "kozseg", "varos", "tarsasag",
    "alapitvany", "egyesulet", "intezet", "iskola", "egyetem", "hivatal", "obcina", "drustvo",
    "zavod", "zbornica", "opcina", "udruga", "zupanija", "sveuciliste", "skola",
    "savivaldyb", "bendrov", "asociacij", "mokykl", "universitet", "pasvaldib", "sabiedrib",
    "biedrib", "novad", "osauhing", "aktsiaselts", "uhing", "kool",
    "sihtasutus", "municipiul", "judetul", "comuna", "orasul", "asociatia", "fundatia",
    "agentia", "compania", "universitatea", "scoala", "unitatea", "obshtina", "comune",
    "provincia", "consorzio", "cooperativa", "fondazione", "ayuntamiento", "diputacion",
    "fundacion", "camara", "camera", "gemeente", "stichting", "vereniging", "gimnazij",
    "sola", "osnovn", "vrtec", "muzej", "zaklad", "uciliste", "skupnost", "univerz", "javni",
    "grup", "korhaz", "gyermekkorhaz", "foiskola", "reszveny", "zartkoru", "vallavalitsus",
    "euroregion", "academ", "apartma", "mljekar", "manastir", "societatea", "spolka",
    # Greek and Cyrillic (accents removed, lower case)
    "δημο", "περιφερει", "πανεπιστημι", "υπουργει", "ινστιτουτ", "ιδρυμα", "οργανισμ",
    "ενωσ", "συνδεσμ", "επιμελητηρι", "νοσοκομει", "κεντρ", "γενικη", "διευθυνσ", "εταιρ",
    "αρχηγει", "αποκεντρωμεν", "πολυτεχνει", "σχολ", "υπηρεσι", "δευα", "ταμει", "αρχη",
    "община", "общин", "сдружение", "фондация", "университет", "агенция", "министерство",
    "училище", "център", "асоциация", "институт", "дружество", "областна", "читалище",
)  # fmt: skip
"""Word beginnings that mark an organisation (compared without accents, in lower case)."""

NOT_GIVEN_NAMES = frozenset(
    {
        "nova",
        "novo",
        "nove",
        "sveti",
        "sveta",
        "sv",
        "szent",
        "saint",
        "sainte",
        "san",
        "santa",
        "junior",
        "bela",
        "silva",
        "mare",
    }
)
"""Words that are given names in some language but mostly place or descriptive words in names."""

_UNSPLIT = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
    }
)
_WORD = re.compile(r"^[^\W\d_]+(?:[-'’][^\W\d_]+)*\.?$")
_SPLIT = re.compile(r"[\s,;/]+")
_EDGE_PUNCTUATION = "\"'«»„“”()[]"


def plain(text: str) -> str:
    """Lower case, no accents, no dots: the form words are compared under."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNSPLIT))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace(".", "")


@cache
def first_names() -> frozenset[str]:
    """Known given names, in their plain form."""
    return frozenset(plain(row["first_name"]) for row in read_rows("first_names.csv"))


def _tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name)
    return [t.strip(_EDGE_PUNCTUATION) for t in _SPLIT.split(text) if t.strip(_EDGE_PUNCTUATION)]


def _is_organisation_word(token: str) -> bool:
    word = plain(token)
    if token.isupper() and word in ORGANISATION_ACRONYMS:
        return True
    return word in ORGANISATION_WORDS or word.startswith(ORGANISATION_STEMS)


def _is_capitalised(token: str) -> bool:
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and letters[0].isupper()


def _is_given_name(token: str) -> bool:
    parts = [part for part in plain(token).split("-") if part]
    return bool(parts) and all(p in first_names() and p not in NOT_GIVEN_NAMES for p in parts)


@cache
def place_names() -> frozenset[str]:
    """French region, former region and département names, word by word ("ile", "france",
    "alsace", "nievre"): a person's name holds none, an organisation's often does."""
    names: set[str] = set()
    for row in read_rows("departements.csv"):
        names.update(plain(row["name"]).replace("-", " ").split())
    for row in read_rows("french_regions.csv"):
        for column in ("name", "nuts2_name"):
            names.update(plain(row[column]).replace("-", " ").split())
    short = {word for word in names if len(word) <= 3}  # "de", "la", "val", "et"...
    return frozenset(names - short - first_names())


def _names_a_place(tokens: list[str]) -> bool:
    words = {part for t in tokens for part in plain(t).replace("-", " ").split()}
    return bool(words & place_names())


def person_name_reason(name: str | None) -> str | None:
    """Why ``name`` looks like a natural person's name ("civil title" or "given name"), or None.

    An organisation word (legal form, public body or network acronym such as GRETA or PETR,
    "association", "& fils"...) or a French place name ("Nord", "Alsace", "Nièvre") in the name
    marks an organisation, whatever given name it also holds.
    """
    if not name:
        return None
    tokens = _tokens(name)
    if not tokens or any(_is_organisation_word(t) for t in tokens):
        return None
    if any(t == "&" for t in tokens) or _names_a_place(tokens):
        return None
    title = plain(tokens[0])
    if title == "m" and not tokens[0].endswith("."):
        title = ""  # "M PROFOOD": an initial, not "M." (Monsieur)
    if title in CIVIL_TITLES and len(tokens) >= 2 and _is_capitalised(tokens[1]):
        return "civil title"
    if not 2 <= len(tokens) <= 4:
        return None
    if not all(_WORD.match(t) and _is_capitalised(t) for t in tokens):
        return None
    given = [_is_given_name(t) for t in tokens]
    if any(given) and (not all(given) or _surname_in_capitals(tokens)):
        return "given name"
    return None


def _surname_in_capitals(tokens: list[str]) -> bool:
    """ "Jean-Pierre MARTIN": a word in capitals beside a capitalised one (the French way)."""
    upper = [t.isupper() and len(t) > 1 for t in tokens]
    return any(upper) and not all(upper)


def looks_like_person(name: str | None) -> bool:
    """True when ``name`` looks like a natural person's name (see the module docstring)."""
    return person_name_reason(name) is not None
