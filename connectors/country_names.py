"""Country names as published (French, English, local) -> ISO 3166 alpha-2 code.

Covers the EU member states and the partner countries of the Interreg programmes France takes
part in. Keys are upper case without accents; ``codes.country_key`` builds them.
"""

from __future__ import annotations

from collections.abc import Mapping

_NAMES: dict[str, tuple[str, ...]] = {
    "AT": ("AUTRICHE", "AUSTRIA", "OSTERREICH", "AUT"),
    "BE": ("BELGIQUE", "BELGIUM", "BELGIE", "BEL"),
    "BG": ("BULGARIE", "BULGARIA", "BGR"),
    "HR": ("CROATIE", "CROATIA", "HRVATSKA", "HRV"),
    "CY": ("CHYPRE", "CYPRUS", "CYP"),
    "CZ": ("TCHEQUIE", "REPUBLIQUE TCHEQUE", "CZECHIA", "CZECH REPUBLIC", "CZE"),
    "DK": ("DANEMARK", "DENMARK", "DANMARK", "DNK"),
    "EE": ("ESTONIE", "ESTONIA", "EST"),
    "FI": ("FINLANDE", "FINLAND", "SUOMI", "FIN"),
    "FR": ("FRANCE", "FRA", "REPUBLIQUE FRANCAISE"),
    "DE": ("ALLEMAGNE", "GERMANY", "DEUTSCHLAND", "DEU"),
    "GR": ("GRECE", "GREECE", "ELLADA", "GRC", "EL", "ΕΛΛΑΔΑ", "ΕΛΛΑΣ"),
    "HU": ("HONGRIE", "HUNGARY", "MAGYARORSZAG", "HUN"),
    "IE": ("IRLANDE", "IRELAND", "IRL"),
    "IT": ("ITALIE", "ITALY", "ITALIA", "ITA"),
    "LV": ("LETTONIE", "LATVIA", "LVA"),
    "LT": ("LITUANIE", "LITHUANIA", "LTU"),
    "LU": ("LUXEMBOURG", "LUX"),
    "MT": ("MALTE", "MALTA", "MLT"),
    "NL": ("PAYS-BAS", "PAYS BAS", "NETHERLANDS", "NEDERLAND", "NLD"),
    "PL": ("POLOGNE", "POLAND", "POLSKA", "POL"),
    "PT": ("PORTUGAL", "PRT"),
    "RO": ("ROUMANIE", "ROMANIA", "ROU"),
    "SK": ("SLOVAQUIE", "SLOVAKIA", "SVK"),
    "SI": ("SLOVENIE", "SLOVENIA", "SVN"),
    "ES": ("ESPAGNE", "SPAIN", "ESPANA", "ESP"),
    "SE": ("SUEDE", "SWEDEN", "SVERIGE", "SWE"),
    "CH": ("SUISSE", "SWITZERLAND", "SCHWEIZ", "CHE"),
    "NO": ("NORVEGE", "NORWAY", "NORGE", "NOR"),
    "AD": ("ANDORRE", "ANDORRA", "AND"),
    "MC": ("MONACO", "MCO"),
    "GB": ("ROYAUME-UNI", "ROYAUME UNI", "UNITED KINGDOM", "GBR", "UK"),
    "IS": ("ISLANDE", "ICELAND", "ISL"),
    "LI": ("LIECHTENSTEIN", "LIE"),
    "SM": ("SAINT-MARIN", "SAN MARINO", "SMR"),
}

COUNTRY_BY_NAME: Mapping[str, str] = {
    name: code for code, names in _NAMES.items() for name in names
}
